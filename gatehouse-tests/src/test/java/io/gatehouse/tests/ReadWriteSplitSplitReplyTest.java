package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reply cut across two reads is still the router's to replace (issue 14): with a relay in front of the primary
 * that splits every chunk the server sends, a transaction rolled back on a deadlock is replayed
 * ({@code transaction_replay_retry_on_deadlock}) and its client never sees the deadlock error. Before, the first
 * bytes of the error reached the client before readwritesplit saw that it was an error, and it went through. Own
 * cluster and Gatehouse; JUnit thread, one client thread and the relay's threads; blocking clients, no Netty buffers.
 */
class ReadWriteSplitSplitReplyTest extends ClusterOperationsBaseTest {
    private SplitReplyRelay relay;

    @AfterEach
    void stopRelay() throws IOException {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void aDeadlockErrorCutInTwoIsReplayedNotForwarded() throws Exception {
        start("failcount=3", cnf -> {
            try {
                relay = new SplitReplyRelay(cluster.primary().port());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ReadWriteSplitReplayTest.replayService(cnf)
                    .replace("transaction_replay=true\n", "transaction_replay=true\n"
                            + "transaction_replay_retry_on_deadlock=true\n")
                    .replace("port=" + cluster.primary().port() + "\n", "port=" + relay.port() + "\n");
        });
        MariaDbServer primary = cluster.primary();
        primary.execute(ReadWriteSplitReplayTest.MARKER);
        primary.execute("CREATE TABLE test.counters (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
        primary.execute("INSERT INTO test.counters WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s"
                + " WHERE n < 200) SELECT n, 0 FROM s");
        try (BlockingClient direct = connect(primary.port());
             BlockingClient victim = connect(gatehouse.port("Replay-Listener"))) {
            // The direct session changes many rows, so InnoDB picks the other, lighter transaction as the victim.
            direct.execute("BEGIN");
            direct.execute("UPDATE counters SET v = v + 1 WHERE id BETWEEN 2 AND 200");
            victim.execute("BEGIN");
            victim.execute("UPDATE counters SET v = v + 1 WHERE id = 1");
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    victim.execute("UPDATE counters SET v = v + 1 WHERE id = 2");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await(Duration.ofSeconds(20), () -> "1".equals(primary.queryValue(
                    "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'")),
                    "the client's update waits for the direct session's lock");
            direct.execute("UPDATE counters SET v = v + 1 WHERE id = 1");   // the deadlock: the client's side is rolled back
            direct.execute("COMMIT");
            waiting.get(30, TimeUnit.SECONDS);                          // replayed, then run: no error
            victim.execute("COMMIT");
        }
        assertThat(primary.query("SELECT id, v FROM test.counters WHERE id <= 3 ORDER BY id"))
                .containsExactly(List.of("1", "2"), List.of("2", "2"), List.of("3", "1"));
        assertThat(relay.splits()).isPositive();
        Map<String, Object> d = gatehouse.runtime().services().get("Replay-Service").router().diagnostics();
        assertThat((Long) d.get("replayed_transactions")).isEqualTo(1L);
    }

    private static BlockingClient connect(int port) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER, Accounts.APP_PASSWORD)
                .withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(30)));
    }
}
