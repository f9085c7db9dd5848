package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import io.gatehouse.tests.GatectlRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gatectl's maxctrl verbs added for issue 17 against a running Gatehouse (daemon start, admin API on a free port):
 * the plural {@code show} forms print one table per object, {@code show session|thread ID} show one live object,
 * {@code list commands} names the monitor's module commands and {@code api get} prints raw JSON narrowed by
 * maxctrl's dotted path. Real cluster and a real Connector/J session; gatectl runs in this JVM on the JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class GatectlVerbsTest {
    private static Gatehouse gatehouse;
    private static MariaDbCluster cluster;
    private static Path dir;

    @BeforeAll
    static void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-gatectl-verbs");
        StringBuilder sb = GatectlRunner.clusterConfig(c, dir);
        String creds = GatectlRunner.credentials();
        sb.append("[RW-Service]\ntype=service\nrouter=readwritesplit\ncluster=MariaDB-Monitor\n").append(creds).append('\n');
        sb.append("[RW-Listener]\ntype=listener\nservice=RW-Service\naddress=127.0.0.1\nport=0\n");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, sb.toString());
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private static Run gatectl(String... args) {
        return GatectlRunner.run(gatehouse, args);
    }

    private static Run ok(String... args) {
        Run r = gatectl(args);
        assertThat(r.status()).as("gatectl %s: %s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void showPluralPrintsOneTablePerObject() {
        String servers = ok("show", "servers").out();
        assertThat(count(servers, "│ Server ")).isEqualTo(cluster.servers().size());
        for (MariaDbServer s : cluster.servers()) {
            assertThat(servers).contains(s.name()).contains(String.valueOf(s.port()));
        }
        assertThat(ok("show", "services").out()).contains("RW-Service").contains("readwritesplit");
        assertThat(ok("show", "monitors").out()).contains("MariaDB-Monitor").contains("mariadbmon");
        assertThat(ok("show", "listeners").out()).contains("RW-Listener");
        assertThat(ok("show", "modules").out()).contains("readwritesplit").contains("mariadbmon");
        String threads = ok("show", "threads").out();
        // maxctrl's layout: one table, a column per thread and one for all of them.
        assertThat(count(threads, "│ Id ")).isEqualTo(1);
        assertThat(threads.lines().filter(l -> l.startsWith("│ Id ")).findFirst().orElseThrow())
                .matches("│ Id +│ 0 +│ 1 +│ All +│");
        assertThat(threads.lines().filter(l -> l.startsWith("│ State ")).findFirst().orElseThrow())
                .matches("│ State +│ Active +│ Active +│ N/A +│");
        assertThat(ok("show", "thread", "1").out()).contains("Active");
        Run missing = gatectl("show", "thread", "7");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("thread '7'");
    }

    @Test
    void showSessionNamesTheClientAndService() throws Exception {
        try (Connection c = connect()) {
            c.createStatement().execute("SELECT 1");
            String id = newestSession();
            assertThat(id).matches("\\d+");
            String one = ok("show", "session", id).out();
            assertThat(one).contains(Accounts.APP_USER).contains("RW-Service").contains("127.0.0.1");
            assertThat(ok("show", "sessions").out()).contains(Accounts.APP_USER);
        }
        Run gone = gatectl("show", "session", "999999");
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.err()).contains("999999");
    }

    @Test
    void listCommandsNamesMonitorCommands() {
        String out = ok("list", "commands").out();
        assertThat(out).contains("Module").contains("mariadbmon").contains("switchover");
        String one = ok("show", "commands", "mariadbmon").out();
        assertThat(one).contains("Command").contains("│ switchover ").contains("│ failover ");
        Run missing = gatectl("show", "commands", "nosuchmodule");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("nosuchmodule");
    }

    @Test
    void apiGetPrintsRawJsonNarrowedByPath() {
        String raw = ok("api", "get", "servers").out();
        assertThat(raw).startsWith("{").contains("\"data\"");
        String ids = ok("api", "get", "servers", "data[].id").out().trim();
        StringBuilder expected = new StringBuilder("[");
        for (MariaDbServer s : cluster.servers()) {
            expected.append(expected.length() > 1 ? "," : "").append('"').append(s.name()).append('"');
        }
        assertThat(ids).isEqualTo(expected.append(']').toString());
        assertThat(ok("api", "get", "maxscale/threads", "data[1].id").out().trim()).isEqualTo("\"1\"");
        assertThat(ok("api", "get", "--sum", "servers", "data[].attributes.parameters.port").out().trim())
                .isEqualTo(String.valueOf(cluster.servers().stream().mapToInt(MariaDbServer::port).sum()));
        assertThat(ok("api", "get", "--pretty", "maxscale", "data.id").out().trim()).isEqualTo("\"maxscale\"");
        Run bad = gatectl("api", "get", "--sum", "servers", "data[].id");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("--sum");
    }

    /** The highest session id (ids grow): this test's session even if an earlier test's is still closing. */
    private static String newestSession() {
        String ids = ok("api", "get", "sessions", "data[].id").out().trim();
        long max = -1;
        for (String part : ids.replaceAll("[\\[\\]\"\\s]", "").split(",")) {
            if (!part.isEmpty()) {
                max = Math.max(max, Long.parseLong(part));
            }
        }
        return Long.toString(max);
    }

    private static Connection connect() throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port("RW-Listener") + "/"
                        + Accounts.DATABASE, Accounts.APP_USER, Accounts.APP_PASSWORD);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void adminUsersAreCreatedChangedAndDestroyed() {
        ok("create", "user", "reader", "pw1");
        assertThat(ok("list", "users").out()).contains("reader");
        Run asReader = gatectl("--user", "reader", "--password", "pw1", "api", "get", "servers", "data[0].type");
        assertThat(asReader.status()).as(asReader.err()).isZero();
        assertThat(asReader.out().trim()).isEqualTo("\"servers\"");
        Run refused = gatectl("--user", "reader", "--password", "pw1", "create", "user", "other", "x");
        assertThat(refused.status()).isEqualTo(1);
        ok("alter", "user", "reader", "pw2");
        assertThat(gatectl("--user", "reader", "--password", "pw1", "list", "servers").err()).contains("401");
        assertThat(gatectl("--user", "reader", "--password", "pw2", "list", "servers").status()).isZero();
        ok("destroy", "user", "reader");
        assertThat(ok("list", "users").out()).doesNotContain("reader");
        assertThat(gatectl("--user", "reader", "--password", "pw2", "list", "servers").err()).contains("401");
        Run badType = gatectl("create", "user", "x", "y", "--type=root");
        assertThat(badType.status()).isEqualTo(1);
        assertThat(badType.err()).contains("--type");
    }

    @Test
    void destroySessionClosesTheClientConnection() throws Exception {
        try (Connection c = connect()) {
            c.createStatement().execute("SELECT 1");
            String id = newestSession();
            assertThat(ok("destroy", "session", id).out()).isEqualTo("OK\n");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT 1"))
                    .isInstanceOf(SQLException.class);
            Run again = gatectl("destroy", "session", id);
            assertThat(again.status()).isEqualTo(1);
            assertThat(again.err()).contains("session '" + id + "'");
        }
    }

    @Test
    void listenersStopAndStartOneOrAll() throws Exception {
        ok("stop", "listener", "RW-Listener");
        assertThat(ok("api", "get", "listeners/RW-Listener", "data.attributes.state").out().trim()).isEqualTo("\"Stopped\"");
        Run missing = gatectl("stop", "listener", "No-Such-Listener");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("No-Such-Listener");
        ok("start", "listeners");
        assertThat(ok("api", "get", "listeners", "data[].attributes.state").out().trim()).isEqualTo("[\"Running\"]");
        try (Connection c = connect()) {
            assertThat(c.isValid(5)).isTrue();
        }
        ok("stop", "maxscale");
        assertThat(ok("api", "get", "services", "data[].attributes.state").out()).doesNotContain("Started");
        ok("start", "services");
        assertThat(ok("api", "get", "services", "data[].attributes.state").out().trim()).isEqualTo("[\"Started\"]");
        try (Connection c = connect()) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void showLoggingNamesTheLogFileAndLevels() {
        String out = ok("show", "logging").out();
        assertThat(out).contains("Current Log File").contains(dir.resolve("gatehouse.log").toString())
                .contains("Enabled Log Levels").contains("│ notice ").doesNotContain("│ debug ");
        assertThat(ok("api", "get", "maxscale/logs", "data.attributes.log_priorities").out().trim())
                .isEqualTo("[\"alert\",\"error\",\"warning\",\"notice\"]");
        assertThat(ok("api", "get", "maxscale/logs", "data.attributes.parameters.log_info").out().trim()).isEqualTo("false");
        ok("alter", "maxscale", "log_info", "true");
        try {
            assertThat(ok("api", "get", "maxscale/logs", "data.attributes.log_priorities").out()).contains("\"info\"");
        } finally {
            ok("alter", "maxscale", "log_info", "false");
        }
    }

    @Test
    void classifyShowsWhatTheClassifierReads() {
        String out = ok("classify", "UPDATE t1 SET a = 1 WHERE id = 5").out();
        assertThat(out).contains("Parse result").contains("QC_QUERY_PARSED").contains("QUERY_OP_UPDATE")
                .contains("Has where clause").contains("true").contains("t1");
        String read = ok("classify", "SELECT", "NOW()", "FROM", "t2").out();
        // maxctrl's rows: a function as name: (arguments), the tables only in the canonical form.
        assertThat(read).contains("QUERY_OP_SELECT").contains("│ NOW: () ").contains("FROM t2").contains("│ Fields ")
                .doesNotContain("Tables read");
    }

    @Test
    void createReportWritesEveryObjectAsJson() throws Exception {
        Path file = dir.resolve("report.json");
        assertThat(ok("create", "report", file.toString(), "--lines", "5").out()).isEqualTo("OK\n");
        var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        List<String> ids = new ArrayList<>();
        report.path("servers").path("data").forEach(s -> ids.add(s.path("id").asText()));
        assertThat(ids).containsExactlyElementsOf(cluster.servers().stream().map(MariaDbServer::name).toList());
        assertThat(report.path("services").path("data").path(0).path("id").asText()).isEqualTo("RW-Service");
        assertThat(report.path("monitors").path("data").path(0).path("id").asText()).isEqualTo("MariaDB-Monitor");
        assertThat(report.path("listeners").path("data").path(0).path("id").asText()).isEqualTo("RW-Listener");
        assertThat(report.path("threads").path("data").size()).isEqualTo(2);
        assertThat(report.path("logs").path("data").path("attributes").path("log").size()).isBetween(1, 5);
        assertThat(ok("create", "report").out()).contains("\"maxscale\"").contains("\"RW-Service\"");
    }
}
