package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend connection that dies in the middle of a reply (issue 14): whether its thread is killed on the server or
 * the server is SIGKILLed while a large result set streams slowly, the client gets a well-formed stream ending in an
 * error it can act on (1927, SQLSTATE 08S01, "Lost connection to backend server ... during query", numbered after
 * the last whole packet it got: never 2013 in a packet, which libmariadb reads as malformed), never a cut packet;
 * and other sessions keep working. Through
 * readconnroute, readwritesplit (a replica's read, the primary's multi-statement reply) and schemarouter, with a raw
 * client (the bytes), MariaDB Connector/J and the mariadb CLI. Own cluster and Gatehouse, since servers are killed;
 * the test thread and a helper thread per statement; the clients own no Netty buffers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendLostMidReplyTest {
    /** About 2 KiB a row, a row every 5 ms: the reply streams for about 20 s, several packets a read. */
    private static final String SLOW = "SELECT seq, REPEAT('x', 2000) AS pad, SLEEP(0.005) AS s FROM "
            + Accounts.DATABASE + ".seq_1_to_4000";
    private static final String MARK = "seq_1_to_4000";

    private MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        cluster = MariaDbCluster.start(null, 2);
        dir = Files.createTempDirectory("gatehouse-lost-mid-reply");
        Path cnf = dir.resolve("gatehouse.cnf");
        String shard = "[Shard-Service]\ntype=service\nrouter=schemarouter\nservers=" + cluster.primary().name()
                + "\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Shard-Listener]\ntype=listener\nservice=Shard-Service\nprotocol=MariaDBClient\naddress=127.0.0.1"
                + "\nport=0\n\n";
        // causal_reads=universal of the shared configuration would send a replica's read to the primary while the
        // replica catches up; these tests need to know where a read runs, so the split service here has none.
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir).replace("causal_reads=universal\n", "")
                + shard);
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

    private RawSession raw(String listener) throws Exception {
        return raw(listener, 0);
    }

    private RawSession raw(String listener, int extraCapabilities) throws Exception {
        RawSession s = RawSession.connect("127.0.0.1", gatehouse.port(listener), new byte[0]);
        s.readTimeout(30_000);
        assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD, extraCapabilities)).isNull();
        return s;
    }

    /** The server running the slow statement and its thread id there, waiting until it runs. */
    private Object[] runningSlow() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            for (MariaDbServer s : cluster.servers()) {
                if (!s.isRunning()) {
                    continue;
                }
                String id = s.queryValue("SELECT COALESCE(MAX(ID), 0) FROM information_schema.PROCESSLIST WHERE INFO"
                        + " LIKE '%" + MARK + "%' AND INFO NOT LIKE '%PROCESSLIST%'");
                if (!"0".equals(id)) {
                    return new Object[] {s, id};
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the slow statement never ran");
    }

    /**
     * Reads packets until an ERR or the end of the stream, checking that each is numbered one after the previous
     * one (the stream is well formed); returns "ERR code message", or "closed" when the stream ended without one.
     */
    private static String readToTheEnd(RawSession s, int previousSequence) {
        int expected = (previousSequence + 1) & 0xFF;
        while (true) {
            byte[] p;
            try {
                p = s.read();
            } catch (IOException e) {
                return "closed";
            }
            assertThat(s.lastSequence).as("packet sequence").isEqualTo(expected);
            expected = (expected + 1) & 0xFF;
            if ((p[0] & 0xFF) == 0xFF) {
                return "ERR " + RawSession.error(p);
            }
            if ((p[0] & 0xFF) == 0xFE && p.length < 9) {
                return "EOF";                        // a result set ended (another may follow)
            }
        }
    }

    /** Sends {@code sql}, reads part of its result set, runs {@code cut}, and returns how the reply ended. */
    private String cutMidResult(RawSession s, String sql, Runnable cut) throws Exception {
        s.send(sql);
        int rowsBeforeCut = 40;
        String ended = null;
        int seq = -1;
        // The result sets before the slow one (a multi-statement) are read whole.
        while (true) {
            byte[] first = s.read();
            assertThat(first[0] & 0xFF).as("a result set starts").isNotEqualTo(0xFF);
            int columns = first[0] & 0xFF;
            for (int i = 0; i < columns + 1; i++) {
                s.read();
            }
            byte[] row = s.read();
            if ((row[0] & 0xFF) == 0xFE && row.length < 9) {
                continue;                            // an empty result set: SELECT 1 has one row, so not this
            }
            if (columns == 3) {
                for (int i = 0; i < rowsBeforeCut; i++) {
                    s.read();
                }
                seq = s.lastSequence;
                break;
            }
            String end = readToTheEnd(s, s.lastSequence);
            assertThat(end).isEqualTo("EOF");
        }
        cut.run();
        ended = readToTheEnd(s, seq);
        assertThat(s.closedByServer()).as("the connection ends after the error").isTrue();
        return ended;
    }

    private Runnable killThread() {
        return () -> {
            try {
                Object[] running = runningSlow();
                ((MariaDbServer) running[0]).execute("KILL " + running[1]);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private void assertOthersWork() throws Exception {
        for (String l : List.of("Write-Listener", "Split-Listener", "Shard-Listener")) {
            try (RawSession s = raw(l)) {
                assertThat(s.scalar("SELECT 41 + 1")).as(l).isEqualTo("42");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener", "Shard-Listener"})
    void aKilledConnectionMidResultSetEndsWithAWellFormedError(String listener) throws Exception {
        try (RawSession s = raw(listener)) {
            String ended = cutMidResult(s, SLOW, killThread());
            assertThat(ended).matches("ERR 1927 .*");
        }
        assertOthersWork();
    }

    @Test
    void aKilledConnectionBetweenResultsOfAMultiStatementEndsWithAWellFormedError() throws Exception {
        // CLIENT_MULTI_STATEMENTS and CLIENT_MULTI_RESULTS.
        try (RawSession s = raw("Split-Listener", 0x10000 | 0x20000)) {
            String ended = cutMidResult(s, "SELECT 1; " + SLOW, killThread());
            assertThat(ended).matches("ERR 1927 .*");
        }
        assertOthersWork();
    }

    /** SIGKILL of the server running a streamed read: 1927 naming the server, numbered after the rows got. */
    @ParameterizedTest
    @ValueSource(strings = {"Split-Listener", "Write-Listener"})
    void aServerKilledMidResultSetEndsWithALostConnectionError(String listener) throws Exception {
        MariaDbServer[] killed = new MariaDbServer[1];
        try (RawSession s = raw(listener)) {
            String ended = cutMidResult(s, SLOW, () -> {
                try {
                    killed[0] = (MariaDbServer) runningSlow()[0];
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                killed[0].kill();
            });
            assertThat(ended).startsWith("ERR 1927 Lost connection to backend server '" + killed[0].name() + "'");
            // Sessions on the servers still up keep working.
            String other = killed[0] == cluster.primary() ? "Read-Listener" : "Write-Listener";
            try (RawSession o = raw(other)) {
                assertThat(o.scalar("SELECT 7")).isEqualTo("7");
            }
        } finally {
            if (killed[0] != null) {
                killed[0].start();
                awaitStatus(killed[0].name(), killed[0] == cluster.primary() ? ServerStatus.MASTER : ServerStatus.SLAVE);
            }
        }
    }

    private void awaitStatus(String server, int bit) throws InterruptedException {
        Server s = gatehouse.runtime().servers().get(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ServerStatus.has(s.status(), bit) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(ServerStatus.has(s.status(), bit)).as(ServerStatus.describe(s.status())).isTrue();
    }

    /** MariaDB Connector/J streaming the rows (fetch size): the driver reports 1927 as a connection error. */
    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener", "Shard-Listener"})
    void connectorJSeesTheErrorOfAConnectionKilledMidResultSet(String listener) throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + gatehouse.port(listener) + "/" + Accounts.DATABASE
                + "?socketTimeout=30000";
        try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
             Statement st = c.createStatement()) {
            st.setFetchSize(10);
            SQLException failure = null;
            try (ResultSet rs = st.executeQuery(SLOW)) {
                int rows = 0;
                while (rs.next()) {
                    if (++rows == 20) {
                        killThread().run();
                    }
                }
            } catch (SQLException e) {
                failure = e;
            }
            assertThat((Object) failure).as("the statement fails").isNotNull();
            assertThat(failure.getErrorCode()).as(failure.toString()).isEqualTo(1927);
            assertThat(failure.getSQLState()).startsWith("08");
        }
        assertOthersWork();
    }

    /**
     * LOAD DATA LOCAL INFILE whose connection is killed while the server loads the file (a trigger makes each row
     * slow): the CLI reports the lost connection or the server's error, never a malformed packet.
     */
    @org.junit.jupiter.api.Disabled("Times the KILL against the upload: under the full suite's load on 2 cores the"
            + " kill came before the LOAD DATA ran (2026-12-06); needs a deterministic hold point (issue 14)")
    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void aKilledLoadDataEndsWithAnErrorTheCliReads(String listener) throws Exception {
        cluster.primary().execute("CREATE TABLE IF NOT EXISTS " + Accounts.DATABASE + ".loaded (a INT, b VARCHAR(50))");
        cluster.primary().execute("CREATE TRIGGER IF NOT EXISTS " + Accounts.DATABASE + ".slow_load BEFORE INSERT ON "
                + Accounts.DATABASE + ".loaded FOR EACH ROW SET @slept = SLEEP(0.01)");
        Path file = dir.resolve("rows.tsv");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            rows.append(i).append("\tsome text for row ").append(i).append('\n');
        }
        Files.writeString(file, rows);
        CompletableFuture<Subprocess.Output> cli = CompletableFuture.supplyAsync(() -> {
            try {
                return Subprocess.run(List.of("mariadb", "--local-infile=1", "-h127.0.0.1", "-P" + gatehouse.port(listener),
                        "-u" + Accounts.APP_USER, "-p" + Accounts.APP_PASSWORD, Accounts.DATABASE, "-e",
                        "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE loaded"), null, Duration.ofSeconds(90));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String thread = null;
        for (int i = 0; i < 300 && thread == null; i++) {
            String id = cluster.primary().queryValue("SELECT COALESCE(MAX(ID), 0) FROM information_schema.PROCESSLIST"
                    + " WHERE INFO LIKE 'LOAD DATA%'");
            thread = "0".equals(id) ? null : id;
            Thread.sleep(50);
        }
        assertThat(thread).as("the LOAD DATA ran").isNotNull();
        Thread.sleep(500);
        cluster.primary().execute("KILL " + thread);
        Subprocess.Output out = cli.get(90, TimeUnit.SECONDS);
        assertThat(out.exitCode()).as(out.describe()).isNotZero();
        assertThat(out.stderr()).as(out.describe()).containsPattern("ERROR (1317|1927|2013)")
                .doesNotContain("2027");
        assertOthersWork();
    }

    /** The mariadb CLI, rows streamed (--quick): it prints ERROR 1927, never 2027 (malformed packet). */
    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener", "Shard-Listener"})
    void theCliSeesTheErrorOfAConnectionKilledMidResultSet(String listener) throws Exception {
        CompletableFuture<Subprocess.Output> cli = CompletableFuture.supplyAsync(() -> {
            try {
                return Subprocess.run(List.of("mariadb", "--quick", "-h127.0.0.1", "-P" + gatehouse.port(listener),
                        "-u" + Accounts.APP_USER, "-p" + Accounts.APP_PASSWORD, Accounts.DATABASE, "-e", SLOW), null,
                        Duration.ofSeconds(60));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1000);
        killThread().run();
        Subprocess.Output out = cli.get(60, TimeUnit.SECONDS);
        assertThat(out.exitCode()).as(out.describe()).isNotZero();
        assertThat(out.stderr()).as(out.describe()).contains("ERROR 1927").doesNotContain("2027");
        assertOthersWork();
    }
}
