package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.runtime.RuntimeChanges;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A service's {@code connection_keepalive} against the shared cluster: each session sets its backend connections'
 * {@code wait_timeout} to 2 s and stays idle for longer. With a 1 s keepalive, Gatehouse pings them, so the next
 * statements run on the very same backend threads (readconnroute's one connection; readwritesplit's primary and
 * replica connections) and the client never sees the pings' answers (its next replies parse as they should). With
 * the keepalive off, the server cuts the connection and the session is lost: the test can fail. Own Gatehouse on the
 * shared cluster; raw protocol clients on the test thread.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionKeepaliveTest {
    private static final long IDLE_MILLIS = 4_500;

    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    ConnectionKeepaliveTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-keepalive");
        String creds = "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword="
                + Accounts.SERVICE_PASSWORD + "\n";
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir)
                + "[Ka-Conn]\ntype=service\nrouter=readconnroute\nrouter_options=master\nconnection_keepalive=1s\n"
                + creds + "\n"
                + "[Ka-Split]\ntype=service\nrouter=readwritesplit\nmax_slave_connections=1\nconnection_keepalive=1000ms\n" + creds + "\n"
                + "[Off-Conn]\ntype=service\nrouter=readconnroute\nrouter_options=master\nconnection_keepalive=0\n"
                + creds + "\n"
                + "[Ka-Altered]\ntype=service\nrouter=readconnroute\nrouter_options=master\nconnection_keepalive=1s\n"
                + creds + "\n"
                + listener("Ka-Conn") + listener("Ka-Split") + listener("Off-Conn") + listener("Ka-Altered"));
        gatehouse = Gatehouse.start(cnf);
    }

    private static String listener(String service) {
        return "[" + service + "-Listener]\ntype=listener\nservice=" + service + "\naddress=127.0.0.1\nport=0\n\n";
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private RawSession session(String service) throws Exception {
        RawSession s = RawSession.connect("127.0.0.1", gatehouse.port(service + "-Listener"), new byte[0]);
        s.readTimeout(20_000);
        assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
        s.send("SET SESSION wait_timeout = 2");
        byte[] ok = s.read();
        assertThat(ok[0] & 0xFF).as("SET answered with OK").isZero();
        return s;
    }

    /** The backend thread id of the session's primary connection: reads in a read-write transaction go there. */
    private static String primaryThread(RawSession s) throws Exception {
        s.send("START TRANSACTION");
        assertThat(s.read()[0] & 0xFF).isZero();
        String id = s.scalar("SELECT CONNECTION_ID()");
        s.send("COMMIT");
        assertThat(s.read()[0] & 0xFF).isZero();
        return id;
    }

    @Test
    void readconnrouteKeepsItsConnectionThroughTheServersWaitTimeout() throws Exception {
        try (RawSession s = session("Ka-Conn")) {
            String before = s.scalar("SELECT CONNECTION_ID()");
            Thread.sleep(IDLE_MILLIS);
            assertThat(s.scalar("SELECT CONNECTION_ID()")).isEqualTo(before);
            assertThat(s.scalar("SELECT 'still here'")).isEqualTo("still here");
        }
    }

    @Test
    void readwritesplitKeepsEveryConnectionThroughTheServersWaitTimeout() throws Exception {
        try (RawSession s = session("Ka-Split")) {
            String replica = s.scalar("SELECT CONNECTION_ID()");
            String primary = primaryThread(s);
            Thread.sleep(IDLE_MILLIS);
            assertThat(primaryThread(s)).isEqualTo(primary);
            assertThat(s.scalar("SELECT CONNECTION_ID()")).isEqualTo(replica);
        }
    }

    /**
     * A session keeps the configuration it started with: turning the keepalive off at runtime leaves a running
     * session's pings going (its connection outlives wait_timeout), and a session started after the change has none.
     */
    @Test
    void aRuntimeChangeReachesOnlyTheSessionsStartedAfterIt() throws Exception {
        try (RawSession before = session("Ka-Altered")) {
            String thread = before.scalar("SELECT CONNECTION_ID()");
            RuntimeChanges.of(gatehouse.runtime()).alterService("Ka-Altered", Map.of("connection_keepalive", "0"));
            try (RawSession after = session("Ka-Altered")) {
                assertThat(after.scalar("SELECT 1")).isEqualTo("1");
                Thread.sleep(IDLE_MILLIS);
                assertThat(before.scalar("SELECT CONNECTION_ID()")).as("started before the change: still pinged")
                        .isEqualTo(thread);
                assertThat(answerAfterIdle(after)).as("started after the change: no keepalive").isNotEqualTo("1");
            }
        }
    }

    /** What {@code SELECT 1} gets now, or how the connection ended. */
    private static String answerAfterIdle(RawSession s) throws Exception {
        try {
            return s.scalar("SELECT 1");
        } catch (java.io.IOException e) {
            return "closed: " + e.getMessage();
        }
    }

    @Test
    void withTheKeepaliveOffTheServerCutsTheIdleConnection() throws Exception {
        try (RawSession s = session("Off-Conn")) {
            assertThat(s.scalar("SELECT 1")).isEqualTo("1");
            Thread.sleep(IDLE_MILLIS);
            String after;
            try {
                after = s.scalar("SELECT 1");
            } catch (java.io.IOException e) {
                after = "closed: " + e.getMessage();
            }
            assertThat(after).isNotEqualTo("1");
        }
    }
}
