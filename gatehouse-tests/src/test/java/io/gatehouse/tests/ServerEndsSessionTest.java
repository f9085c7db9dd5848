package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When the server ends a session (issue 16, "Commands"), a client must see through Gatehouse what it sees directly:
 * a session idle past its {@code wait_timeout} is closed (the next statement finds the connection gone, not a
 * "primary lost" error), and a connection killed while its statement waits for a table lock (LOCK TABLES, ALTER
 * TABLE) loses its connection, whether KILL names Gatehouse's connection id or the backend's thread id. Compared
 * with the same steps against the primary directly, through readconnroute and readwritesplit, with raw protocol
 * clients (the bytes) and MariaDB Connector/J (the error a program sees). Own cluster and Gatehouse; the test thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerEndsSessionTest {
    private static final String DIRECT = "direct";

    private MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        cluster = MariaDbCluster.start(null, 2);
        cluster.primary().execute("CREATE TABLE IF NOT EXISTS " + Accounts.DATABASE + ".locked (a INT)");
        cluster.awaitReplication(java.time.Duration.ofSeconds(30));
        dir = Files.createTempDirectory("gatehouse-server-ends");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir));
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        TempDirs.delete(dir);
    }

    private int port(String target) {
        return DIRECT.equals(target) ? cluster.primary().port() : gatehouse.port(target);
    }

    private RawSession raw(String target) throws Exception {
        RawSession s = RawSession.connect("127.0.0.1", port(target), new byte[0]);
        s.readTimeout(20_000);
        assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
        return s;
    }

    private Connection jdbc(String target) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port(target) + "/" + Accounts.DATABASE
                + "?socketTimeout=20000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    /** What the next statement of a session idle past its wait_timeout gets: the bytes, then the driver's error. */
    private String afterIdleTimeout(String target) throws Exception {
        String bytes;
        try (RawSession s = raw(target)) {
            assertThat(s.scalar("SELECT 1")).isEqualTo("1");
            s.send("SET SESSION wait_timeout = 2");
            assertThat(s.read()[0]).isEqualTo((byte) 0);
            Thread.sleep(4000);
            bytes = nextAnswer(s, "SELECT 2");
        }
        String driver;
        try (Connection c = jdbc(target); Statement st = c.createStatement()) {
            st.execute("SET SESSION wait_timeout = 2");
            Thread.sleep(4000);
            driver = driverError(() -> st.executeQuery("SELECT 2").close());
        }
        return bytes + " / " + driver;
    }

    /** The first packet answering {@code sql}, as "ERR code state message", "OK"-ish "answer", or "closed". */
    private static String nextAnswer(RawSession s, String sql) {
        try {
            s.send(sql);
            byte[] p = s.read();
            return (p[0] & 0xFF) == 0xFF ? "ERR " + RawSession.error(p) : "answer";
        } catch (IOException e) {
            return "closed";
        }
    }

    private interface SqlStep {
        void run() throws SQLException;
    }

    /** The SQLState class and whether the driver saw the connection end, for a step expected to fail. */
    private static String driverError(SqlStep step) {
        try {
            step.run();
            return "no error";
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "null" : e.getSQLState().substring(0, 2);
            return "SQLState class " + state + (e.getErrorCode() == 1290 ? " 1290" : "");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void aSessionIdlePastItsWaitTimeoutIsClosedAsDirectly(String listener) throws Exception {
        String direct = afterIdleTimeout(DIRECT);
        assertThat(direct).startsWith("closed");
        assertThat(afterIdleTimeout(listener)).isEqualTo(direct);
    }

    /**
     * A statement blocked on a table lock, its connection killed; returns what the blocked client got. {@code
     * byGatehouseId}: KILL through Gatehouse with Gatehouse's id; else KILL on the primary with the thread id.
     */
    private String killWhileBlocked(String target, String statement, boolean byGatehouseId) throws Exception {
        MariaDbServer primary = cluster.primary();
        try (RawSession holder = raw(DIRECT); RawSession victim = raw(target)) {
            holder.send("LOCK TABLES " + Accounts.DATABASE + ".locked WRITE");
            assertThat(holder.read()[0]).isEqualTo((byte) 0);
            long gatehouseId = victim.connectionId();
            victim.send(statement);
            String thread = awaitWaitingThread(primary);
            if (byGatehouseId && !DIRECT.equals(target)) {
                try (RawSession killer = raw(target)) {
                    killer.send("KILL " + gatehouseId);
                    killer.read();
                }
            } else {
                primary.execute("KILL " + thread);
            }
            String got;
            try {
                byte[] p = victim.read();
                got = (p[0] & 0xFF) == 0xFF ? "ERR " + RawSession.error(p) : "answer";
            } catch (IOException e) {
                got = "closed";
            }
            if (!got.equals("closed") && !victim.closedByServer()) {
                got += " and still open";
            }
            return got;
        }
    }

    private static String awaitWaitingThread(MariaDbServer primary) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            String id = primary.queryValue("SELECT COALESCE(MAX(ID), 0) FROM information_schema.PROCESSLIST WHERE USER = '"
                    + Accounts.APP_USER + "' AND STATE LIKE 'Waiting for table%'");
            if (!"0".equals(id)) {
                return id;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the statement never waited for the table lock");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void aKilledStatementWaitingForALockLosesItsConnectionAsDirectly(String listener) throws Exception {
        for (String statement : new String[] {"LOCK TABLES " + Accounts.DATABASE + ".locked READ",
                "ALTER TABLE " + Accounts.DATABASE + ".locked ADD COLUMN IF NOT EXISTS b INT"}) {
            String direct = killWhileBlocked(DIRECT, statement, false);
            assertThat(killWhileBlocked(listener, statement, false)).as(listener + ", backend thread id: " + statement)
                    .isEqualTo(direct);
            assertThat(killWhileBlocked(listener, statement, true)).as(listener + ", Gatehouse id: " + statement)
                    .isEqualTo(direct);
        }
        // MariaDB Connector/J: the pending statement fails as a lost connection (SQLState class 08) either way.
        String direct = driverKill(DIRECT);
        assertThat(driverKill(listener)).isEqualTo(direct);
        // The mariadb CLI prints the same error (no "malformed packet").
        String cliDirect = cliKill(DIRECT);
        assertThat(cliDirect).contains("ERROR 2013");
        assertThat(cliKill(listener)).isEqualTo(cliDirect);
    }

    /** The mariadb CLI's error output when its LOCK TABLES, waiting for the lock, is killed by thread id. */
    private String cliKill(String target) throws Exception {
        MariaDbServer primary = cluster.primary();
        try (RawSession holder = raw(DIRECT)) {
            holder.send("LOCK TABLES " + Accounts.DATABASE + ".locked WRITE");
            assertThat(holder.read()[0]).isEqualTo((byte) 0);
            CompletableFuture<Subprocess.Output> cli = CompletableFuture.supplyAsync(() -> {
                try {
                    return Subprocess.run(java.util.List.of("mariadb", "-h127.0.0.1", "-P" + port(target),
                            "-u" + Accounts.APP_USER, "-p" + Accounts.APP_PASSWORD, Accounts.DATABASE, "-e",
                            "LOCK TABLES " + Accounts.DATABASE + ".locked READ"), null, java.time.Duration.ofSeconds(30));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            primary.execute("KILL " + awaitWaitingThread(primary));
            Subprocess.Output out = cli.get(40, TimeUnit.SECONDS);
            assertThat(out.exitCode()).as(out.describe()).isNotZero();
            return out.stderr().strip();
        }
    }

    private String driverKill(String target) throws Exception {
        MariaDbServer primary = cluster.primary();
        try (RawSession holder = raw(DIRECT); Connection c = jdbc(target); Statement st = c.createStatement()) {
            holder.send("LOCK TABLES " + Accounts.DATABASE + ".locked WRITE");
            assertThat(holder.read()[0]).isEqualTo((byte) 0);
            CompletableFuture<String> blocked = CompletableFuture.supplyAsync(() -> driverError(
                    () -> st.execute("LOCK TABLES " + Accounts.DATABASE + ".locked READ")));
            primary.execute("KILL " + awaitWaitingThread(primary));
            return blocked.get(30, TimeUnit.SECONDS);
        }
    }
}
