package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/maxscale/memory}, the statistics of {@code GET /v1/maxscale/threads} and a session's
 * {@code memory} and {@code io_activity} (issue 17), against the shared cluster with MariaDB Connector/J through
 * readwritesplit: the thread statistics have the keys of MaxScale 24.02's (fixture {@code rest/maxscale_threads.json}),
 * and the values move with real traffic: accepts, reads, sessions and descriptors while clients are connected,
 * classifier-cache inserts and bytes after distinct statements, session memory for the statements
 * {@code retain_last_statements} keeps and for the bytes a client that reads nothing leaves waiting, a hangup for a client that goes away, and sessions' memory back to 0 once they
 * all ended. Own Gatehouse (two workers, {@code retain_last_statements=5}) so that no other test's traffic counts;
 * JDBC and gatectl on the test thread.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryStatsTest {
    private static final long DEADLINE_MILLIS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MEMORY_KEYS = List.of("query_classifier", "sessions", "total", "zombies");

    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    MemoryStatsTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-memory");
        String cnf = GatehouseExtension.config(cluster, dir).replace("[maxscale]\nthreads=2\n",
                "[maxscale]\nthreads=2\nretain_last_statements=5\n");
        assertThat(cnf).contains("retain_last_statements=5");
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        gatehouse = Gatehouse.start(file);
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private JsonNode get(String path) throws Exception {
        GatectlRunner.Run r = GatectlRunner.run(gatehouse, "api", "get", path);
        assertThat(r.status()).as("gatectl api get " + path + ": " + r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port("Split-Listener") + "/"
                + Accounts.DATABASE + "?socketTimeout=30000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    /** The sum over the workers of the thread statistic at {@code pointer} (under {@code attributes/stats}). */
    private long sum(JsonNode threads, String pointer) {
        long n = 0;
        for (JsonNode t : threads.path("data")) {
            JsonNode v = t.at("/attributes/stats" + pointer);
            assertThat(v.isIntegralNumber()).as(pointer + " of thread " + t.path("id") + ": " + v).isTrue();
            n += v.asLong();
        }
        return n;
    }

    private static TreeSet<String> keys(JsonNode o) {
        TreeSet<String> out = new TreeSet<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    /** A memory object ({@code process}, one thread's, a thread's {@code stats.memory}): its keys and its sum. */
    private static void checkMemory(JsonNode m) {
        assertThat(keys(m)).containsExactlyElementsOf(new TreeSet<>(MEMORY_KEYS));
        assertThat(m.path("total").asLong()).isEqualTo(m.path("query_classifier").asLong()
                + m.path("sessions").asLong() + m.path("zombies").asLong());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("not within " + DEADLINE_MILLIS + " ms: " + what);
            }
            Thread.sleep(100);
        }
    }

    private JsonNode memory() {
        try {
            JsonNode m = get("maxscale/memory");
            JsonNode data = m.path("data");
            assertThat(data.path("id").asText()).isEqualTo("memory");
            assertThat(data.path("type").asText()).isEqualTo("memory");
            assertThat(m.at("/links/self").asText()).endsWith("/v1/maxscale/memory/");
            JsonNode a = data.path("attributes");
            checkMemory(a.path("process"));
            long total = 0;
            for (JsonNode t : a.path("threads")) {
                checkMemory(t);
                total += t.path("total").asLong();
            }
            assertThat(a.path("threads").size()).isEqualTo(2);
            assertThat(a.at("/process/total").asLong()).as("process = sum of the threads").isEqualTo(total);
            return a;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void threadStatisticsHaveMaxScalesKeys() throws Exception {
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/maxscale-24.02/rest/maxscale_threads.json")) {
            fixture = JSON.readTree(in);
        }
        JsonNode expected = fixture.at("/data/0/attributes/stats");
        JsonNode threads = get("maxscale/threads");
        assertThat(threads.path("data").size()).isEqualTo(2);
        for (JsonNode t : threads.path("data")) {
            JsonNode stats = t.at("/attributes/stats");
            assertThat(keys(stats)).isEqualTo(keys(expected));
            for (String nested : List.of("load", "memory", "query_classifier_cache")) {
                assertThat(keys(stats.path(nested))).as(nested).isEqualTo(keys(expected.path(nested)));
            }
            checkMemory(stats.path("memory"));
        }
        JsonNode one = get("maxscale/threads/1");
        assertThat(keys(one.at("/data/attributes/stats"))).isEqualTo(keys(expected));
    }

    @Test
    void statisticsAndMemoryMoveWithSessionsAndStatements() throws Exception {
        JsonNode before = get("maxscale/threads");
        long accepts = sum(before, "/accepts");
        long reads = sum(before, "/reads");
        long inserts = sum(before, "/query_classifier_cache/inserts");
        long qcBytes = memory().at("/process/query_classifier").asLong();
        String marker = "memory_stats_" + System.nanoTime();
        List<Connection> conns = new ArrayList<>();
        try {
            for (int k = 0; k < 4; k++) {
                Connection c = connect();
                conns.add(c);
                try (Statement st = c.createStatement()) {
                    for (int i = 0; i < 10; i++) {
                        // Distinct texts: each one is a classifier-cache miss and insert.
                        try (ResultSet rs = st.executeQuery("SELECT " + (k * 100 + i) + " AS " + marker)) {
                            assertThat(rs.next()).isTrue();
                        }
                    }
                }
            }
            JsonNode during = get("maxscale/threads");
            assertThat(sum(during, "/sessions")).isGreaterThanOrEqualTo(4);
            assertThat(sum(during, "/accepts")).isGreaterThanOrEqualTo(accepts + 4);
            assertThat(sum(during, "/reads")).isGreaterThanOrEqualTo(reads + 40);
            // Each client socket and at least one backend socket per session.
            assertThat(sum(during, "/current_descriptors")).isGreaterThanOrEqualTo(8);
            assertThat(sum(during, "/total_descriptors")).isGreaterThanOrEqualTo(sum(during, "/current_descriptors"));
            assertThat(sum(during, "/query_classifier_cache/inserts")).isGreaterThanOrEqualTo(inserts + 40);
            assertThat(sum(during, "/query_classifier_cache/misses")).isGreaterThanOrEqualTo(40);
            assertThat(sum(during, "/max_event_queue_length")).isPositive();
            assertThat(sum(during, "/avg_event_queue_length")).isPositive();

            JsonNode mem = memory();
            assertThat(mem.at("/process/query_classifier").asLong()).isGreaterThan(qcBytes);
            // Each session retains its last five statements, so its memory is at least their characters.
            int shortest = ("SELECT 9 AS " + marker).length();
            assertThat(mem.at("/process/sessions").asLong()).isGreaterThanOrEqualTo(4L * 5 * shortest);

            long id = conns.get(3).unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
            JsonNode session = get("sessions/" + id).at("/data/attributes");
            JsonNode sm = session.path("memory");
            assertThat(sm.path("last_queries").asLong()).isGreaterThanOrEqualTo(5L * shortest);
            assertThat(sm.path("total").asLong()).isEqualTo(sm.path("last_queries").asLong()
                    + sm.path("sescmd_history").asLong() + sm.path("exec_metadata").asLong()
                    + sm.at("/connection_buffers/total").asLong());
            assertThat(keys(sm.at("/connection_buffers/client"))).containsExactly("readq", "total", "writeq");
            assertThat(session.path("io_activity").asLong()).isGreaterThanOrEqualTo(10);
            List<String> ours = new ArrayList<>();
            for (Connection c : conns) {
                ours.add(Long.toString(c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId()));
            }
            int seen = 0;
            for (JsonNode s : get("sessions").path("data")) {
                if (ours.contains(s.path("id").asText())) {
                    seen++;
                    assertThat(s.at("/attributes/memory/last_queries").asLong()).isGreaterThanOrEqualTo(5L * shortest);
                    assertThat(s.at("/attributes/io_activity").asLong()).isGreaterThanOrEqualTo(10);
                }
            }
            assertThat(seen).isEqualTo(4);
        } finally {
            for (Connection c : conns) {
                c.close();
            }
        }
        await("no session and no session memory left", () -> {
            try {
                return sum(get("maxscale/threads"), "/sessions") == 0 && memory().at("/process/sessions").asLong() == 0;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void bytesHeldForAClientThatReadsNothingAreItsSessionsMemory() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", gatehouse.port("Split-Listener"), new byte[0])) {
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
            String id = Long.toString(s.connectionId());
            s.send("SELECT REPEAT('m', 1000000) FROM test.seq_1_to_50");
            // The client reads nothing: what its socket does not take waits in its write queue.
            await("the stalled client's write queue in its session's memory", () -> {
                try {
                    return get("sessions/" + id).at("/data/attributes/memory/connection_buffers/client/writeq")
                            .asLong() > 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            JsonNode m = get("sessions/" + id).at("/data/attributes/memory");
            assertThat(m.path("total").asLong()).isGreaterThanOrEqualTo(m.at("/connection_buffers/client/writeq")
                    .asLong());
            assertThat(memory().at("/process/sessions").asLong()).isGreaterThanOrEqualTo(m.at(
                    "/connection_buffers/client/writeq").asLong());
            s.readTimeout(60_000);
            long[] got = s.readResultSet();
            assertThat(got[0]).as("rows").isEqualTo(50);
            assertThat(s.scalar("SELECT 5")).isEqualTo("5");
            assertThat(get("sessions/" + id).at("/data/attributes/memory/connection_buffers/client/writeq").asLong())
                    .as("nothing waits once the client read it all").isZero();
        }
    }

    @Test
    void aClientThatGoesAwayIsAHangup() throws Exception {
        long hangups = sum(get("maxscale/threads"), "/hangups");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", gatehouse.port("Split-Listener")), 5000);
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).as("the greeting's first byte").isNotNegative();
        }
        await("a hangup counted", () -> {
            try {
                return sum(get("maxscale/threads"), "/hangups") > hangups;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
