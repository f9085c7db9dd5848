package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runtime {@code threads}, {@code threads_max} and moving sessions between workers (issue 17), against the shared
 * cluster with MariaDB Connector/J: sessions moved by {@code gatectl rebalance thread} (the REST thread rebalance
 * route) keep their backend connections (same {@code CONNECTION_ID()}), their open transaction and their user
 * variables, through readwritesplit and readconnroute; lowering {@code threads} sends new sessions only to the
 * remaining worker and moves the dropped worker's sessions off it (then it is Dormant); periodic rebalancing moves
 * sessions from a loaded worker to an idle one. Own Gatehouse ({@code threads=1}, {@code threads_max=3}); JDBC on
 * the test thread and a small pool for the load.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreadRebalanceTest {
    private static final long DEADLINE_MILLIS = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    ThreadRebalanceTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-threads");
        String cnf = GatehouseExtension.config(cluster, dir).replace("[maxscale]\nthreads=2\n",
                "[maxscale]\nthreads=1\nthreads_max=3\n");
        assertThat(cnf).contains("threads_max=3");
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        gatehouse = Gatehouse.start(file);
        try (Connection c = connect("Write-Listener"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS thread_moves (id INT PRIMARY KEY, who VARCHAR(20))");
            st.execute("DELETE FROM thread_moves");
        }
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private Connection connect(String listener) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port(listener) + "/"
                + Accounts.DATABASE + "?socketTimeout=30000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private GatectlRunner.Run ok(String... args) {
        GatectlRunner.Run r = GatectlRunner.run(gatehouse, args);
        assertThat(r.status()).as("gatectl " + String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    private JsonNode threads() throws Exception {
        return JSON.readTree(ok("api", "get", "maxscale/threads").out());
    }

    /** The worker index the session greeted with {@code id} runs on, or -1 when there is no such session. */
    private int workerOf(Connection c) throws SQLException {
        long id = c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
        ClientSession s = gatehouse.runtime().sessions().get(id);
        return s == null ? -1 : gatehouse.runtime().workers().index(s.clientChannel().eventLoop());
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
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

    private boolean onWorker(List<Connection> conns, int worker) {
        try {
            for (Connection c : conns) {
                if (workerOf(c) != worker) {
                    return false;
                }
            }
            return true;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** Sets {@code threads} and waits until no session is left above it. */
    private void threadsNow(int n) throws Exception {
        ok("alter", "maxscale", "threads", Integer.toString(n));
        await("sessions gone from workers above " + n, () -> gatehouse.runtime().balancer().sessionsByWorker()
                .stream().skip(n).allMatch(List::isEmpty));
    }

    @Test
    void sessionsMovedByTheRouteKeepTheirConnectionsTransactionAndVariables() throws Exception {
        ok("alter", "maxscale", "rebalance_period", "0s");
        threadsNow(1);
        List<Connection> conns = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try {
            int k = 0;
            for (String listener : List.of("Split-Listener", "Write-Listener", "Split-Listener")) {
                Connection c = connect(listener);
                conns.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET @moved = 'v" + k + "'");
                    st.execute("START TRANSACTION");
                    st.execute("INSERT INTO thread_moves VALUES (" + (100 + k) + ", 'route')");
                }
                ids.add(scalar(c, "SELECT CONNECTION_ID()"));
                k++;
            }
            assertThat(onWorker(conns, 0)).as("threads=1: every session on worker 0").isTrue();

            ok("alter", "maxscale", "threads", "2");
            ok("rebalance", "thread", "0", "1", "--sessions", "3");
            await("all three sessions on worker 1", () -> onWorker(conns, 1));
            JsonNode t = threads();
            assertThat(t.at("/data/1/attributes/stats/state").asText()).isEqualTo("Active");
            assertThat(t.at("/data/1/attributes/stats/sessions").asInt()).isGreaterThanOrEqualTo(3);

            for (int i = 0; i < conns.size(); i++) {
                Connection c = conns.get(i);
                assertThat(scalar(c, "SELECT CONNECTION_ID()")).as("same backend connection").isEqualTo(ids.get(i));
                assertThat(scalar(c, "SELECT @@in_transaction")).as("transaction still open").isEqualTo("1");
                assertThat(scalar(c, "SELECT who FROM thread_moves WHERE id = " + (100 + i))).isEqualTo("route");
                assertThat(scalar(c, "SELECT @moved")).isEqualTo("v" + i);
                try (Statement st = c.createStatement()) {
                    st.execute("ROLLBACK");
                }
                assertThat(scalar(c, "SELECT COUNT(*) FROM thread_moves WHERE id = " + (100 + i))).isEqualTo("0");
            }
            // Moving them back works the same way, and a recipient that is not active is refused by name.
            ok("rebalance", "thread", "1", "0", "--sessions", "3");
            await("all three sessions back on worker 0", () -> onWorker(conns, 0));
            GatectlRunner.Run bad = GatectlRunner.run(gatehouse, "rebalance", "thread", "0", "2");
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).contains("recipient");
            for (int i = 0; i < conns.size(); i++) {
                assertThat(scalar(conns.get(i), "SELECT @moved")).isEqualTo("v" + i);
            }
        } finally {
            for (Connection c : conns) {
                c.close();
            }
        }
    }

    @Test
    void loweringThreadsStopsNewSessionsOnTheDroppedWorkerAndMovesItsSessions() throws Exception {
        ok("alter", "maxscale", "rebalance_period", "0s");
        threadsNow(2);
        List<Connection> before = new ArrayList<>();
        List<Connection> after = new ArrayList<>();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Connection c = connect(i % 2 == 0 ? "Split-Listener" : "Write-Listener");
                before.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET @n = " + i);
                }
                ids.add(scalar(c, "SELECT CONNECTION_ID()"));
            }
            List<Integer> workers = new ArrayList<>();
            for (Connection c : before) {
                workers.add(workerOf(c));
            }
            assertThat(workers).as("threads=2: new sessions on both workers").contains(0, 1);

            ok("alter", "maxscale", "threads", "1");
            for (int i = 0; i < 6; i++) {
                Connection c = connect("Write-Listener");
                after.add(c);
                assertThat(workerOf(c)).as("a session opened after threads=1").isZero();
            }
            await("the dropped worker's sessions moved to worker 0", () -> onWorker(before, 0));
            await("worker 1 Dormant", () -> {
                try {
                    return threads().at("/data/1/attributes/stats/state").asText().equals("Dormant");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            for (int i = 0; i < before.size(); i++) {
                assertThat(scalar(before.get(i), "SELECT @n")).isEqualTo(Integer.toString(i));
                assertThat(scalar(before.get(i), "SELECT CONNECTION_ID()")).isEqualTo(ids.get(i));
            }
            for (Connection c : after) {
                assertThat(scalar(c, "SELECT 6 * 7")).isEqualTo("42");
            }
        } finally {
            for (Connection c : before) {
                c.close();
            }
            for (Connection c : after) {
                c.close();
            }
        }
    }

    @Test
    void periodicRebalancingMovesSessionsFromALoadedWorkerToAnIdleOne() throws Exception {
        ok("alter", "maxscale", "rebalance_period", "0s");
        threadsNow(1);
        List<Connection> conns = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            for (int i = 0; i < 4; i++) {
                conns.add(connect("Write-Listener"));
            }
            assertThat(onWorker(conns, 0)).isTrue();
            ok("alter", "maxscale", "threads", "2", "rebalance_threshold", "5", "rebalance_window", "2",
                    "rebalance_period", "1s");
            JsonNode ms = JSON.readTree(ok("api", "get", "maxscale").out());
            assertThat(ms.at("/data/attributes/parameters/threads").asInt()).isEqualTo(2);
            assertThat(ms.at("/data/attributes/parameters/threads_max").asInt()).isEqualTo(3);
            assertThat(ms.at("/data/attributes/parameters/rebalance_period").asText()).isEqualTo("1000ms");
            assertThat(ms.at("/data/attributes/parameters/rebalance_threshold").asInt()).isEqualTo(5);
            List<Future<Long>> loops = new ArrayList<>();
            for (Connection c : conns) {
                loops.add(pool.submit(() -> {
                    long n = 0;
                    try (Statement st = c.createStatement()) {
                        while (running.get()) {
                            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                                rs.next();
                            }
                            n++;
                        }
                    }
                    return n;
                }));
            }
            await("a loaded session moved to the idle worker 1", () -> {
                try {
                    for (Connection c : conns) {
                        if (workerOf(c) == 1) {
                            return true;
                        }
                    }
                    return false;
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            });
            running.set(false);
            for (Future<Long> f : loops) {
                assertThat(f.get(30, TimeUnit.SECONDS)).as("queries of a loop, none failed").isPositive();
            }
            for (Connection c : conns) {
                assertThat(scalar(c, "SELECT 'after'")).isEqualTo("after");
            }
        } finally {
            running.set(false);
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            ok("alter", "maxscale", "rebalance_period", "0s");
            for (Connection c : conns) {
                c.close();
            }
        }
    }
}
