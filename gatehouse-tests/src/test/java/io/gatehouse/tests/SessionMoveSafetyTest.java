package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.SessionMoves;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import io.netty.channel.DefaultEventLoop;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What must hold when sessions move between workers (thread rebalancing), seen by real clients: a session with a tee
 * branch is not moved (the branch's connections are on its worker) and keeps copying to the tee target; the
 * readwritesplit per-statement counters stay exact while sessions are moved back and forth under load (each worker
 * counts in its own slot, which a moved session must not keep bumping); a change of user and a session restart work
 * after a move; a move that fails leaves the session on its worker with its connection, transaction and variables.
 * Own Gatehouse ({@code threads=2}) on the shared cluster plus a standalone tee target; JDBC (MariaDB Connector/J)
 * and {@link RawSession} on the test thread, a small pool for the load. Holds no Netty buffers.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionMoveSafetyTest {
    private static final long DEADLINE_MILLIS = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final MariaDbCluster cluster;
    private MariaDbServer teeTarget;
    private Gatehouse gatehouse;
    private Path dir;

    SessionMoveSafetyTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        teeTarget = MariaDbServer.startStandalone(null, "movetee", 86);
        dir = Files.createTempDirectory("gatehouse-move-safety");
        String svc = "type=service\nrouter=readwritesplit\ncluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER
                + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
        String cnf = GatehouseExtension.config(cluster, dir)
                + "[MoveTeeDb]\ntype=server\naddress=127.0.0.1\nport=" + teeTarget.port() + "\n\n"
                + "[Copy]\ntype=filter\nmodule=tee\ntarget=MoveTeeDb\n\n"
                + "[Move-Split]\n" + svc + "\n"
                + "[Move-Split-Listener]\ntype=listener\nservice=Move-Split\naddress=127.0.0.1\nport=0\n\n"
                + "[Tee-Split]\n" + svc + "filters=Copy\n\n"
                + "[Tee-Split-Listener]\ntype=listener\nservice=Tee-Split\naddress=127.0.0.1\nport=0\n";
        assertThat(cnf).contains("[maxscale]\nthreads=2\n");
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        gatehouse = Gatehouse.start(file);
        GatectlRunner.Run r = GatectlRunner.run(gatehouse, "alter", "maxscale", "rebalance_period", "0s");
        assertThat(r.status()).as(r.err()).isZero();
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (teeTarget != null) {
            teeTarget.close();
        }
        TempDirs.delete(dir);
    }

    private Connection connect(String listener) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port(listener) + "/"
                + Accounts.DATABASE + "?socketTimeout=30000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private static long sessionId(Connection c) throws SQLException {
        return c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
    }

    private ClientSession session(long id) {
        ClientSession s = gatehouse.runtime().sessions().get(id);
        assertThat(s).as("session " + id + " registered").isNotNull();
        return s;
    }

    /** The worker index session {@code id} runs on, or -1 when there is no such session. */
    private int workerOf(long id) {
        ClientSession s = gatehouse.runtime().sessions().get(id);
        return s == null ? -1 : gatehouse.runtime().workers().index(s.clientChannel().eventLoop());
    }

    /** Asks once to move session {@code id} to {@code worker}; true when it moved. */
    private boolean moveTo(long id, int worker) throws Exception {
        return SessionMoves.move(session(id), gatehouse.runtime().workers().loop(worker)).get(30, TimeUnit.SECONDS);
    }

    /**
     * Moves session {@code id} to {@code worker}, asking again while it is not idle yet (after a change of user the
     * other connections of a readwritesplit session may still be answering theirs when the client has its OK).
     */
    private void moveNow(long id, int worker) throws Exception {
        long end = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!moveTo(id, worker)) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("session " + id + " not moved to worker " + worker);
            }
            Thread.sleep(50);
        }
        assertThat(workerOf(id)).isEqualTo(worker);
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
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

    private JsonNode routerDiagnostics(String service) throws Exception {
        GatectlRunner.Run r = GatectlRunner.run(gatehouse, "api", "get", "services/" + service);
        assertThat(r.status()).as(r.err()).isZero();
        return JSON.readTree(r.out()).at("/data/attributes/router_diagnostics");
    }

    @Test
    void aSessionWithATeeBranchIsNotMovedAndKeepsCopying() throws Exception {
        String t = Names.unique("movetee");
        try (Connection tee = connect("Tee-Split-Listener"); Connection plain = connect("Move-Split-Listener")) {
            long teeId = sessionId(tee);
            long plainId = sessionId(plain);
            execute(tee, "CREATE TABLE " + t + " (id INT PRIMARY KEY)");
            execute(tee, "INSERT INTO " + t + " VALUES (1)");
            awaitValue("SELECT COUNT(*) FROM test." + t, "1");
            int from = workerOf(teeId);
            int to = 1 - from;
            if (workerOf(plainId) != from) {
                moveNow(plainId, from);
            }
            // The REST thread rebalance asks every session of the worker: the plain one moves, the tee'd one stays.
            GatectlRunner.Run r = GatectlRunner.run(gatehouse, "rebalance", "thread", Integer.toString(from),
                    Integer.toString(to), "--sessions", "100");
            assertThat(r.status()).as(r.err()).isZero();
            await("the plain session moved to worker " + to, () -> workerOf(plainId) == to);
            assertThat(workerOf(teeId)).as("the session with a tee branch stays on its worker").isEqualTo(from);
            assertThat(moveTo(teeId, to)).as("an explicit move of it is refused too").isFalse();

            for (int i = 2; i <= 20; i++) {
                execute(tee, "INSERT INTO " + t + " VALUES (" + i + ")");
            }
            assertThat(scalar(tee, "SELECT COUNT(*) FROM " + t + " FOR UPDATE")).isEqualTo("20");
            assertThat(scalar(plain, "SELECT 6 * 7")).isEqualTo("42");
            awaitValue("SELECT COUNT(*) FROM test." + t, "20");
            assertThat(workerOf(teeId)).isEqualTo(from);
            execute(tee, "DROP TABLE " + t);
        }
    }

    /** Waits until {@code sql} on the tee target gives {@code expected} (the branch's copies are asynchronous). */
    private void awaitValue(String sql, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String seen = teeTarget.queryValue(sql);
        while (!expected.equals(seen) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            seen = teeTarget.queryValue(sql);
        }
        assertThat(seen).as(sql + " on the tee target").isEqualTo(expected);
    }

    @Test
    void readWriteSplitCountersAreExactWhenSessionsMoveMidRun() throws Exception {
        int clients = 8;
        int perClient = 2500;
        List<Connection> conns = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < clients; i++) {
                conns.add(connect("Move-Split-Listener"));
            }
            JsonNode before = routerDiagnostics("Move-Split");
            long serversBefore = serverTotal();
            List<Future<Integer>> loops = new ArrayList<>();
            for (Connection c : conns) {
                loops.add(pool.submit(() -> {
                    int n = 0;
                    try (Statement st = c.createStatement()) {
                        for (; n < perClient; n++) {
                            try (ResultSet rs = st.executeQuery("SELECT " + n)) {
                                rs.next();
                            }
                        }
                    }
                    return n;
                }));
            }
            // Moves sessions back and forth while they run, so that both workers route statements of sessions that
            // started on the other one.
            int moved = 0;
            int from = 0;
            while (!loops.stream().allMatch(Future::isDone)) {
                moved += gatehouse.runtime().balancer().move(from, clients / 2, 1 - from);
                from = 1 - from;
                Thread.sleep(20);
            }
            int sent = 0;
            for (Future<Integer> f : loops) {
                sent += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(sent).isEqualTo(clients * perClient);
            assertThat(moved).as("sessions moved while the statements ran").isGreaterThan(clients);
            JsonNode after = routerDiagnostics("Move-Split");
            assertThat(after.get("queries").asLong() - before.get("queries").asLong()).as("queries").isEqualTo(sent);
            long routed = after.get("route_master").asLong() + after.get("route_slave").asLong()
                    - before.get("route_master").asLong() - before.get("route_slave").asLong();
            assertThat(routed).as("route_master + route_slave").isEqualTo(sent);
            assertThat(serverTotal() - serversBefore).as("server_query_statistics").isEqualTo(sent);
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
            for (Connection c : conns) {
                c.close();
            }
        }
    }

    /**
     * The statements routed to each server, summed: server_query_statistics as the router counts it (the REST
     * resource lists the servers of that map without their counts).
     */
    private long serverTotal() {
        Object stats = gatehouse.runtime().services().get("Move-Split").router().diagnostics()
                .get("server_query_statistics");
        long total = 0;
        for (Object n : ((java.util.Map<?, ?>) stats).values()) {
            total += ((Number) n).longValue();
        }
        return total;
    }

    @Test
    void changeUserAndRestartWorkAfterAMove() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", gatehouse.port("Move-Split-Listener"), new byte[0])) {
            s.readTimeout(20_000);
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
            long id = s.connectionId();
            assertThat(s.scalar("SELECT 'before'")).isEqualTo("before");
            int to = 1 - workerOf(id);
            moveNow(id, to);

            assertThat(s.changeUser(Accounts.APP_USER, Accounts.APP_PASSWORD)).as("change-user after a move").isNull();
            assertThat(s.scalar("SELECT CURRENT_USER()")).isEqualTo(Accounts.APP_USER + "@%");
            assertThat(workerOf(id)).isEqualTo(to);

            int back = 1 - to;
            moveNow(id, back);
            HttpResponse<String> r = http("POST", "sessions/" + id + "/restart");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
            assertThat(s.scalar("SELECT 'after restart'")).isEqualTo("after restart");
            assertThat(s.scalar("SELECT CURRENT_USER()")).isEqualTo(Accounts.APP_USER + "@%");
            assertThat(workerOf(id)).isEqualTo(back);
        }
    }

    @Test
    void aFailedMoveLeavesTheSessionWorkingOnItsWorker() throws Exception {
        String t = Names.unique("movefail");
        DefaultEventLoop incompatible = new DefaultEventLoop();
        try (Connection c = connect("Move-Split-Listener")) {
            long id = sessionId(c);
            execute(c, "CREATE TABLE " + t + " (id INT PRIMARY KEY)");
            execute(c, "SET @kept = 'yes'");
            execute(c, "START TRANSACTION");
            execute(c, "INSERT INTO " + t + " VALUES (1)");
            String connection = scalar(c, "SELECT CONNECTION_ID()");
            ClientSession s = session(id);
            int worker = workerOf(id);
            // A loop the session's channels cannot be registered on: the move fails after they left their worker.
            assertThat(SessionMoves.move(s, incompatible).get(30, TimeUnit.SECONDS)).isFalse();

            assertThat(gatehouse.runtime().sessions().get(id)).as("still registered").isSameAs(s);
            assertThat(workerOf(id)).as("on its worker").isEqualTo(worker);
            assertThat(scalar(c, "SELECT CONNECTION_ID()")).as("same backend connection").isEqualTo(connection);
            assertThat(scalar(c, "SELECT @@in_transaction")).isEqualTo("1");
            assertThat(scalar(c, "SELECT @kept")).isEqualTo("yes");
            execute(c, "COMMIT");
            assertThat(scalar(c, "SELECT COUNT(*) FROM " + t + " FOR UPDATE")).isEqualTo("1");
            // And it can still move for real afterwards.
            moveNow(id, 1 - worker);
            assertThat(scalar(c, "SELECT @kept")).isEqualTo("yes");
            execute(c, "DROP TABLE " + t);
        } finally {
            incompatible.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private HttpResponse<String> http(String method, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatehouse.admin().port() + "/v1/"
                        + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
