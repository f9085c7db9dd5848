package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The firewall filter on both routers (readwritesplit and readconnroute): it learns what sysbench's OLTP workload
 * sends (text protocol and prepared statements), is switched to enforcing with gatectl, and then sysbench still
 * passes while an injected {@code UNION SELECT ... FROM mysql.user} is refused, for MariaDB Connector/J and the
 * mariadb CLI, with error 1148 naming the digest. Rules added and removed with gatectl take effect for the next
 * statement; the REST API shows and edits them; rules, learned digests and the mode survive a restart. Real
 * cluster and clients; gatectl runs in this JVM. JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
@Timeout(900)
class FirewallFilterTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String INJECTED =
            "SELECT c FROM sbtest1 WHERE id = 1 UNION SELECT CONCAT(user, ':', password) FROM mysql.user";
    private static final String LEARNED_SELECT = "SELECT c FROM sbtest1 WHERE id = 5";
    private static final String LEARNED_CLI = "SELECT COUNT(*) FROM sbtest1 WHERE id < 100";
    private static final Pattern DIGEST = Pattern.compile("statement digest ([0-9a-f]{16})");
    private static final Duration RUN = Duration.ofSeconds(3);
    private static final List<String> LISTENERS = List.of(FilterBed.SPLIT, FilterBed.CONN);

    private record Run(int status, String out, String err) {
    }

    private static Run gatectl(Gatehouse gh, String... args) {
        List<String> all = new ArrayList<>(List.of("--timeout", "30000", "--hosts", "127.0.0.1:" + gh.admin().port()));
        all.addAll(Arrays.asList(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    private static String ok(Gatehouse gh, String... args) {
        Run r = gatectl(gh, args);
        assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r.out();
    }

    private static HttpResponse<String> http(Gatehouse gh, String method, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.admin().port() + "/v1/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static void sysbench(Gatehouse gh, String listener) throws Exception {
        Sysbench sb = new Sysbench(Endpoint.appAccount("127.0.0.1", gh.port(listener)));
        for (Sysbench.PsMode mode : Sysbench.PsMode.values()) {
            Sysbench.Result r = sb.run(Sysbench.Workload.OLTP_READ_WRITE, mode, 2, RUN);
            assertThat(r.transactions()).as(listener + " " + mode).isPositive();
        }
    }

    /** The error Connector/J gets for {@code sql}, which must be the firewall's refusal; returns its digest. */
    private static String refused(Connection c, String sql, String why) {
        SQLException e = (SQLException) org.assertj.core.api.Assertions.catchThrowable(() -> FilterBed.scalar(c, sql));
        assertThat((Throwable) e).as(sql).isNotNull();
        assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1148);
        assertThat(e.getSQLState()).isEqualTo("42000");
        assertThat(e.getMessage()).contains("Firewall F refused statement digest")
                .contains("'" + Accounts.APP_USER + "'@'127.0.0.1'").contains(why);
        Matcher m = DIGEST.matcher(e.getMessage());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** The users {@link #INJECTED} reads when it runs. */
    private static List<String> injectedRows(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(INJECTED)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    @Test
    void learnsUnderSysbenchThenEnforcesForEveryClientAndRouter(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        MariaDbServer primary = cluster.primary();
        Sysbench direct = new Sysbench(Endpoint.appAccount(primary.host(), primary.port()));
        direct.prepare();
        try {
            String digest;
            try (FilterBed bed = FilterBed.startPersisting(cluster, dir, "module=firewall\nmode=learning")) {
                Gatehouse gh = bed.gatehouse;
                for (String listener : LISTENERS) {
                    sysbench(gh, listener);
                    try (Connection c = bed.connect(listener)) {
                        FilterBed.scalar(c, LEARNED_SELECT);
                    }
                    bed.cli(listener, LEARNED_CLI);
                }
                JsonNode learning = bed.diagnostics();
                assertThat(learning.path("mode").asText()).isEqualTo("learning");
                assertThat(learning.path("learned_digests").asInt()).as(learning.toString()).isGreaterThan(10);
                assertThat(learning.path("refused_statements").asLong()).isZero();

                assertThat(ok(gh, "firewall", "mode", "F", "enforcing")).isEqualTo("OK\n");
                assertThat(bed.diagnostics().path("mode").asText()).isEqualTo("enforcing");
                for (String listener : LISTENERS) {
                    sysbench(gh, listener);
                }
                assertThat(bed.diagnostics().path("refused_statements").asLong()).as("sysbench was never refused")
                        .isZero();

                digest = null;
                for (String listener : LISTENERS) {
                    try (Connection c = bed.connect(listener)) {
                        assertThat(FilterBed.scalar(c, "SELECT c FROM sbtest1 WHERE id = 42")).isNotEmpty();
                        digest = refused(c, INJECTED, "no rule or learned digest allows it");
                        assertThat(FilterBed.scalar(c, LEARNED_SELECT)).as("the session goes on").isNotEmpty();
                    }
                    assertThat(bed.cli(listener, "SELECT COUNT(*) FROM sbtest1 WHERE id < 7").trim()).isEqualTo("6");
                    Subprocess.Output cli = bed.cliRun(listener, INJECTED);
                    assertThat(cli.exitCode()).as(cli.describe()).isNotZero();
                    assertThat(cli.stderr()).contains("ERROR 1148 (42000)").contains("Firewall F refused")
                            .contains(digest);
                    assertThat(cli.stdout()).doesNotContain(Accounts.APP_USER + ":");
                }
                assertThat(bed.diagnostics().path("refused_statements").asLong()).isEqualTo(4);

                // An operator allows the refused digest for the application user: the next statement runs.
                ok(gh, "firewall", "allow", "F", "digest=" + digest, "user=" + Accounts.APP_USER, "note=audit");
                for (String listener : LISTENERS) {
                    try (Connection c = bed.connect(listener)) {
                        assertThat(injectedRows(c)).anyMatch(r -> r.startsWith(Accounts.APP_USER + ":"));
                    }
                    assertThat(bed.cli(listener, INJECTED)).contains(Accounts.APP_USER + ":");
                }

                // A deny rule by statement class wins over what was learned, until it is removed.
                ok(gh, "firewall", "deny", "F", "operation=delete", "note=no deletes");
                String rules = ok(gh, "--tsv", "firewall", "rules", "F");
                String denyLine = rules.lines().filter(l -> l.contains("\tdeny\t")).findFirst().orElseThrow();
                assertThat(denyLine).contains("DELETE").contains("no deletes");
                assertThat(rules).contains(digest + "\taudit");
                try (Connection c = bed.connect(FilterBed.SPLIT)) {
                    SQLException e = (SQLException) org.assertj.core.api.Assertions.catchThrowable(
                            () -> FilterBed.execute(c, "DELETE FROM sbtest1 WHERE id=0"));
                    assertThat(e.getErrorCode()).isEqualTo(1148);
                    assertThat(e.getMessage()).contains("a deny rule matches it");
                    ok(gh, "firewall", "remove", "F", denyLine.split("\t")[0]);
                    FilterBed.execute(c, "DELETE FROM sbtest1 WHERE id=0");
                }

                // The REST API: learned digests by user@host, rules replaced with PUT, a bad edit refused naming it.
                JsonNode learned = new ObjectMapper().readTree(http(gh, "GET", "filters/F/learned", null).body());
                assertThat(learned.path("data").findValuesAsText("user")).contains(Accounts.APP_USER);
                assertThat(learned.path("data").findValuesAsText("canonical")).contains("SELECT c FROM sbtest1 WHERE id = ?");
                HttpResponse<String> bad = http(gh, "PUT", "filters/F/rules",
                        "{\"data\":[{\"action\":\"allow\",\"operation\":\"SELEKT\"}]}");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).contains("operation: 'SELEKT'");
                assertThat(ok(gh, "--tsv", "firewall", "rules", "F")).as("the refused PUT changed nothing")
                        .contains(digest);
                assertThat(http(gh, "GET", "filters/F/nope", null).statusCode()).isEqualTo(404);
                assertThat(Files.readString(dir.resolve("F/firewall.json"))).contains(digest)
                        .contains("SELECT c FROM sbtest1 WHERE id = ?");
                assertThat(ok(gh, "--tsv", "firewall", "learned", "F")).contains(Accounts.APP_USER + "\t127.0.0.1\t");
                Run usage = gatectl(gh, "firewall", "allow", "F", "colour=red");
                assertThat(usage.status()).isEqualTo(1);
                assertThat(usage.err()).contains("colour=red").contains("operation");
                Run badMode = gatectl(gh, "firewall", "mode", "F", "sometimes");
                assertThat(badMode.status()).isEqualTo(1);
                assertThat(badMode.err()).contains("mode").contains("sometimes");
                assertThat(bed.diagnostics().path("mode").asText()).isEqualTo("enforcing");
            }

            // After a restart: still enforcing, the operator's rule and the learned digests still apply.
            try (Gatehouse again = Gatehouse.start(dir.resolve("gatehouse.cnf"))) {
                try (Connection c = awaitConnection(again.port(FilterBed.CONN))) {
                    assertThat(FilterBed.scalar(c, LEARNED_SELECT)).isNotEmpty();
                    assertThat(injectedRows(c)).anyMatch(r -> r.startsWith(Accounts.APP_USER + ":"));
                    refused(c, "SELECT pad FROM sbtest2 WHERE k = 3 UNION SELECT 1, 2", "no rule");
                }
                ok(again, "firewall", "forget", "F", "digest=" + digestOfLearnedSelect(again));
                try (Connection c = awaitConnection(again.port(FilterBed.CONN))) {
                    refused(c, LEARNED_SELECT, "no rule or learned digest allows it");
                }
            }
        } finally {
            direct.cleanup();
        }
    }

    /**
     * Learning stops at {@code max_learned_digests} (changed at runtime with gatectl): the statement past the bound
     * still runs while learning, is counted as not learned and logged once, and is refused once enforcing. The
     * whole exchange uses MySQL Connector/J, with text statements and server-side prepared statements.
     */
    @Test
    void learningIsBoundedAndMySqlConnectorIsJudgedTheSameForTextAndPrepared(MariaDbCluster cluster,
                                                                             @TempDir Path dir) throws Exception {
        String table = Names.unique("fwb");
        cluster.primary().execute("CREATE TABLE " + Accounts.DATABASE + "." + table
                + " (id INT PRIMARY KEY, v INT)");
        cluster.primary().execute("INSERT INTO " + Accounts.DATABASE + "." + table + " VALUES (1, 10), (2, 20)");
        cluster.awaitReplication(Duration.ofSeconds(30));
        String learnedText = "SELECT v FROM " + table + " WHERE id = 1";
        String learnedPrepared = "SELECT v FROM " + table + " WHERE id = ?";
        String beyond = "SELECT SUM(v) FROM " + table + " WHERE id > 0";
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger("io.gatehouse.filters.firewall.FirewallStore");
        logger.addAppender(log);
        try (FilterBed bed = FilterBed.startPersisting(cluster, dir, "module=firewall\nmode=learning")) {
            Gatehouse gh = bed.gatehouse;
            assertThat(bed.diagnostics().path("max_learned_digests").asLong()).as("the default").isEqualTo(100000);
            try (Connection text = mysql(bed, false); Connection ps = mysql(bed, true)) {
                assertThat(FilterBed.scalar(text, learnedText)).isEqualTo("10");
                assertThat(preparedValue(ps, learnedPrepared, 2)).isEqualTo("20");
            }
            long learned = bed.diagnostics().path("learned_digests").asLong();
            ok(gh, "alter", "filter", "F", "max_learned_digests", String.valueOf(learned));
            try (Connection text = mysql(bed, false); Connection ps = mysql(bed, true)) {
                assertThat(FilterBed.scalar(text, beyond)).as("learning lets it run").isEqualTo("30");
                assertThat(preparedValue(ps, beyond + " AND v > ?", 0)).isEqualTo("30");
            }
            JsonNode full = bed.diagnostics();
            assertThat(full.path("learned_digests").asLong()).as(full.toString()).isEqualTo(learned);
            assertThat(full.path("max_learned_digests").asLong()).isEqualTo(learned);
            assertThat(full.path("digests_not_learned").asLong()).isGreaterThanOrEqualTo(2);
            List<String> warnings = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("max_learned_digests")).toList();
            assertThat(warnings).as("logged once while full").hasSize(1);
            assertThat(warnings.get(0)).contains("Firewall F").contains("max_learned_digests=" + learned)
                    .contains("not learned");

            ok(gh, "firewall", "mode", "F", "enforcing");
            try (Connection text = mysql(bed, false); Connection ps = mysql(bed, true)) {
                assertThat(FilterBed.scalar(text, learnedText)).isEqualTo("10");
                assertThat(preparedValue(ps, learnedPrepared, 1)).isEqualTo("10");
                SQLException t = (SQLException) org.assertj.core.api.Assertions.catchThrowable(
                        () -> FilterBed.scalar(text, beyond));
                assertThat(t.getErrorCode()).as(String.valueOf(t)).isEqualTo(1148);
                assertThat(t.getSQLState()).isEqualTo("42000");
                assertThat(t.getMessage()).contains("no rule or learned digest allows it");
                SQLException p = (SQLException) org.assertj.core.api.Assertions.catchThrowable(
                        () -> preparedValue(ps, beyond + " AND v > ?", 0));
                assertThat(p.getErrorCode()).as(String.valueOf(p)).isEqualTo(1148);
                assertThat(FilterBed.scalar(text, learnedText)).as("the session goes on").isEqualTo("10");
            }
        } finally {
            logger.detachAppender(log);
            cluster.primary().execute("DROP TABLE " + Accounts.DATABASE + "." + table);
        }
    }

    /** MySQL Connector/J on the readwritesplit listener, with server-side prepared statements or client-side ones. */
    private static Connection mysql(FilterBed bed, boolean serverPrepared) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + bed.gatehouse.port(FilterBed.SPLIT) + "/"
                + Accounts.DATABASE + "?useSSL=false&allowPublicKeyRetrieval=true&useServerPrepStmts="
                + serverPrepared, Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private static String preparedValue(Connection c, String sql, int arg) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, arg);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static String digestOfLearnedSelect(Gatehouse gh) throws Exception {
        JsonNode learned = new ObjectMapper().readTree(http(gh, "GET", "filters/F/learned", null).body()).path("data");
        for (JsonNode d : learned) {
            if (d.path("canonical").asText().equals("SELECT c FROM sbtest1 WHERE id = ?")) {
                return d.path("digest").asText();
            }
        }
        throw new AssertionError("no learned digest for the SELECT in " + learned);
    }

    /** A Connector/J session on {@code port} once the monitor's first pass lets sessions in. */
    private static Connection awaitConnection(int port) throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + Accounts.DATABASE;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                return DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
