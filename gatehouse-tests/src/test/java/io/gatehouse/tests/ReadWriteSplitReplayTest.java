package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sessions follow the primary (issue 14): after a switchover an open readwritesplit session carries on with its
 * user variables on the new primary (master_reconnection, the default), and with {@code transaction_replay} a
 * transaction interrupted by a switchover or by a SIGKILL failover is replayed on the new primary and commits once.
 * Own cluster and Gatehouse (ClusterOperationsBaseTest); JUnit thread, blocking clients, no Netty buffers.
 */
class ReadWriteSplitReplayTest extends ClusterOperationsBaseTest {
    static final String MARKER = "CREATE TABLE test.gh_marker (id VARCHAR(64) PRIMARY KEY, n BIGINT) ENGINE=InnoDB";

    /** A readwritesplit service with transaction replay (commit markers in test.gh_marker) on Replay-Listener. */
    static String replayService(String cnf) {
        return cnf + "[Replay-Service]\ntype=service\nrouter=readwritesplit\ntransaction_replay=true\n"
                + "transaction_replay_marker_table=test.gh_marker\ncluster=" + MONITOR + "\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Replay-Listener]\ntype=listener\nservice=Replay-Service\naddress=127.0.0.1\nport=0\n\n";
    }

    private BlockingClient client(String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gatehouse.port(listener), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(30)));
    }

    @Test
    void sessionsAndTransactionsFollowASwitchover() throws Exception {
        start("failcount=3", ReadWriteSplitReplayTest::replayService);
        cluster.primary().execute(MARKER);
        MariaDbServer oldPrimary = cluster.primary();
        MariaDbServer newPrimary = cluster.replicas().get(0);
        cluster.awaitReplication(Duration.ofSeconds(20));
        try (BlockingClient plain = client("Split-Listener"); BlockingClient replay = client("Replay-Listener")) {
            plain.execute("SET @v = 42");
            plain.execute("INSERT INTO ops VALUES (1)");
            replay.execute("BEGIN");
            replay.execute("INSERT INTO ops VALUES (2)");
            assertThat(replay.query("SELECT COUNT(*) FROM ops WHERE id <= 2").scalar()).isEqualTo("2");

            monitor().call("switchover", List.of(newPrimary.name(), oldPrimary.name()));
            assertThat(isMaster(newPrimary)).isTrue();

            // The plain session (master_reconnection) goes on on the new primary with its variables.
            plain.execute("INSERT INTO ops VALUES (3)");
            assertThat(plain.query("SELECT @v").scalar()).isEqualTo("42");
            // The open transaction is replayed there: its first insert and the next one commit together, once.
            replay.execute("INSERT INTO ops VALUES (4)");
            replay.execute("COMMIT");
        }
        assertThat(newPrimary.query("SELECT id FROM test.ops ORDER BY id"))
                .containsExactly(List.of("1"), List.of("2"), List.of("3"), List.of("4"));
        // The demoted primary, now a replica, gets the replayed transaction once, not the abandoned one.
        await(Duration.ofSeconds(20), () -> "4".equals(oldPrimary.queryValue("SELECT COUNT(*) FROM test.ops")),
                oldPrimary.name() + " has the four rows");
        assertThat(diagnostics("Replay-Service").get("replayed_transactions")).isEqualTo(1L);
    }

    @Test
    void aTransactionInterruptedByAFailoverIsReplayedOnce() throws Exception {
        start("auto_failover=true\nfailcount=2", ReadWriteSplitReplayTest::replayService);
        cluster.primary().execute(MARKER);
        cluster.awaitReplication(Duration.ofSeconds(20));
        MariaDbServer oldPrimary = cluster.primary();
        try (BlockingClient replay = client("Replay-Listener")) {
            replay.execute("SET @w = 'kept'");
            replay.execute("BEGIN");
            replay.execute("INSERT INTO ops VALUES (10)");
            cluster.awaitReplication(Duration.ofSeconds(20));
            oldPrimary.kill();
            // No primary for a while: the statement waits (delayed_retry), then runs after the replay.
            replay.execute("INSERT INTO ops VALUES (11)");
            replay.execute("COMMIT");
            assertThat(replay.query("SELECT @w").scalar()).isEqualTo("kept");
            MariaDbServer promoted = cluster.replicas().stream().filter(this::isMaster).findFirst().orElseThrow();
            assertThat(promoted.query("SELECT id FROM test.ops ORDER BY id"))
                    .containsExactly(List.of("10"), List.of("11"));
            // And an autocommit write afterwards lands there too.
            replay.execute("INSERT INTO ops VALUES (12)");
            assertThat(promoted.queryValue("SELECT COUNT(*) FROM test.ops WHERE id = 12")).isEqualTo("1");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> diagnostics(String service) {
        return gatehouse.runtime().services().get(service).router().diagnostics();
    }
}
