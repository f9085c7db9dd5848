package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror router over two independent servers A (main) and B holding the same table, B with one row more:
 * every statement reaches both servers (their Com_* counters and their data say so), the client gets A's answers,
 * and the file exporter holds one JSON object a statement with both targets' checksum, rows, warnings, duration and
 * kind; with {@code report=on_conflict} only the statements whose answers differ are written. Losing B mid-session
 * is ignored ({@code on_error=ignore}, the reports then hold A alone) or ends the client's session
 * ({@code on_error=close}). Bad parameters (exporter=kafka, a main that is not a target) are refused at start.
 * JUnit test thread; the clients own no Netty buffers.
 */
class MirrorRouterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TwoServerBed bed;
    static MariaDbServer a;
    static MariaDbServer b;
    static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        bed = TwoServerBed.start("mirrora", 81, "mirrorb", 82);
        a = bed.a();
        b = bed.b();
        for (MariaDbServer s : List.of(a, b)) {
            s.execute("CREATE TABLE test.m (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO test.m VALUES (1, 'same')");
        }
        b.execute("INSERT INTO test.m VALUES (2, 'only-on-b')");
        gatehouse = bed.startGatehouse(dir, config("", dir));
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private static String service(String name, String extra) {
        return "[" + name + "]\ntype=service\nrouter=mirror\ntargets=A,B\nmain=A\nuser=" + Accounts.SERVICE_USER
                + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n" + extra + "\n"
                + "[" + name + "-L]\ntype=listener\nservice=" + name + "\naddress=127.0.0.1\nport=0\n\n";
    }

    private static String config(String extra, Path dir) {
        return bed.baseConfig(dir)
                + service("Mirror", "exporter=file\nfile=" + dir.resolve("all.json") + "\n")
                + service("Conflicts", "exporter=file\nfile=" + dir.resolve("conflicts.json")
                        + "\nreport=on_conflict\n")
                + service("Closing", "exporter=file\nfile=" + dir.resolve("closing.json") + "\non_error=close\n")
                + extra;
    }

    private static Connection connect(String service) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port(service + "-L")
                + "/test?connectTimeout=10000&socketTimeout=20000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private static long com(MariaDbServer s, String counter) {
        return Long.parseLong(s.queryValue("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = '" + counter.toUpperCase() + "'"));
    }

    /** The report lines of {@code file} whose query is {@code sql}, waiting up to 10 s for {@code count} of them. */
    private static List<JsonNode> reports(String file, String sql, int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            List<JsonNode> found = new ArrayList<>();
            Path f = dir.resolve(file);
            if (Files.exists(f)) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode n = JSON.readTree(line);
                    if (sql.equals(n.path("query").asText(null))) {
                        found.add(n);
                    }
                }
            }
            if (found.size() >= count || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void statementsReachEveryTargetAndTheReportComparesThem() throws Exception {
        long insertsA = com(a, "Com_insert");
        long insertsB = com(b, "Com_insert");
        String insert = "INSERT INTO m VALUES (10, 'mirrored')";
        String select = "SELECT id, v FROM m ORDER BY id";
        try (Connection c = connect("Mirror"); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(insert)).isEqualTo(1);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(select)) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            assertThat(ids).as("the client gets the main target's rows").containsExactly("1", "10");
        } finally {
            a.execute("DELETE FROM test.m WHERE id = 10");
            b.execute("DELETE FROM test.m WHERE id = 10");
        }
        assertThat(com(a, "Com_insert") - insertsA).isEqualTo(1);
        assertThat(com(b, "Com_insert") - insertsB).isEqualTo(1);

        JsonNode ins = reports("all.json", insert, 1).get(0);
        assertThat(ins.get("command").asText()).isEqualTo("COM_QUERY");
        assertThat(ins.get("session").asLong()).isPositive();
        assertThat(ins.get("query_id").asLong()).isPositive();
        assertThat(ins.get("results")).hasSize(2);
        assertThat(ins.get("results").get(0).get("target").asText()).isEqualTo("A");
        assertThat(ins.get("results").get(1).get("target").asText()).isEqualTo("B");
        for (JsonNode r : ins.get("results")) {
            assertThat(r.get("type").asText()).isEqualTo("ok");
            assertThat(r.get("rows").asLong()).isZero();
            assertThat(r.get("warnings").asInt()).isZero();
            assertThat(r.get("duration").asLong()).isNotNegative();
        }
        assertThat(ins.get("results").get(0).get("checksum")).isEqualTo(ins.get("results").get(1).get("checksum"));

        JsonNode sel = reports("all.json", select, 1).get(0);
        assertThat(sel.get("query_id").asLong()).isEqualTo(ins.get("query_id").asLong() + 1);
        JsonNode ra = sel.get("results").get(0);
        JsonNode rb = sel.get("results").get(1);
        assertThat(ra.get("type").asText()).isEqualTo("resultset");
        assertThat(ra.get("rows").asLong()).isEqualTo(2);
        assertThat(rb.get("rows").asLong()).isEqualTo(3);
        assertThat(ra.get("checksum")).isNotEqualTo(rb.get("checksum"));
    }

    @Test
    void onConflictReportsOnlyDifferingAnswers() throws Exception {
        String same = "SELECT v FROM m WHERE id = 1";
        String differs = "SELECT COUNT(*) FROM m";
        try (Connection c = connect("Conflicts"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(same)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("same");
            }
            try (ResultSet rs = st.executeQuery(differs)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("main's answer").isEqualTo("1");
            }
        }
        List<JsonNode> conflicting = reports("conflicts.json", differs, 1);
        assertThat(conflicting).as(() -> text("conflicts.json") + " diagnostics "
                + gatehouse.runtime().services().get("Conflicts").router().diagnostics()).hasSize(1);
        assertThat(conflicting.get(0).get("results").get(0).get("checksum"))
                .isNotEqualTo(conflicting.get(0).get("results").get(1).get("checksum"));
        // Written in order, so the earlier matching statement would be in the file by now.
        assertThat(reports("conflicts.json", same, 0)).isEmpty();
    }

    private static String text(String file) {
        try {
            return Files.exists(dir.resolve(file)) ? Files.readString(dir.resolve(file)) : "(no file)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** Kills every connection of the application user on {@code s}, as a server restart or an operator would. */
    private static void killAppConnections(MariaDbServer s) {
        String ids = s.queryValue("SELECT GROUP_CONCAT(ID) FROM information_schema.PROCESSLIST WHERE USER = '"
                + Accounts.APP_USER + "'");
        assertThat(ids).as("the session's connection on " + s).isNotNull();
        for (String id : ids.split(",")) {
            s.execute("KILL " + id);
        }
    }

    @Test
    void losingATargetOtherThanMainIsIgnoredOrEndsTheSessionAsOnErrorSays() throws Exception {
        String after = "SELECT v FROM m WHERE id = 1 AND 'after-loss' <> ''";
        try (Connection c = connect("Mirror"); Statement st = c.createStatement()) {
            assertThat(st.executeQuery("SELECT 1").next()).isTrue();
            killAppConnections(b);
            Thread.sleep(500);
            try (ResultSet rs = st.executeQuery(after)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("on_error=ignore: the session goes on with main").isEqualTo("same");
            }
        }
        JsonNode report = reports("all.json", after, 1).get(0);
        assertThat(report.get("results")).hasSize(1);
        assertThat(report.get("results").get(0).get("target").asText()).isEqualTo("A");

        try (Connection c = connect("Closing"); Statement st = c.createStatement()) {
            assertThat(st.executeQuery("SELECT 1").next()).isTrue();
            killAppConnections(b);
            Thread.sleep(500);
            assertThatThrownBy(() -> st.executeQuery(after).close()).as("on_error=close ends the session")
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void badParametersAreRefusedAtStart() throws Exception {
        assertRefused(service("X", "exporter=kafka\nkafka_broker=127.0.0.1:9092\nkafka_topic=t\n"),
                "[X] exporter: 'kafka'", "no Kafka client");
        assertRefused(service("X", "exporter=file\n").replace("main=A", "main=B"), "[X] file", "exporter=file");
        assertRefused(service("X", "exporter=log\n").replace("main=A", "main=C"), "[X] main: 'C'", "A, B");
    }

    private static void assertRefused(String extra, String start, String rule) throws Exception {
        Path cnf = TwoServerBed.badConfig(dir, badDir -> config(extra, badDir));
        assertThatThrownBy(() -> Gatehouse.start(cnf).close()).hasMessageContaining(start).hasMessageContaining(rule);
    }
}
