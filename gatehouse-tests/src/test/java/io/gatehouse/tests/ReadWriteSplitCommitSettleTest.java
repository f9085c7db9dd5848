package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.testkit.Accounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An interrupted COMMIT is settled, never guessed (issue 14): a relay in front of the primary loses the reply of
 * COMMITs, half of them after the server committed and half before it saw the COMMIT. Through readwritesplit with
 * {@code transaction_replay} and a commit-marker table every one of 60 transactions gets its OK and is on the
 * primary exactly once; without transaction_replay the client's connection ends as a server's would (its library reports 2013).
 * Own cluster and Gatehouse; JUnit thread plus the relay's threads; blocking clients, no Netty buffers.
 */
class ReadWriteSplitCommitSettleTest extends ClusterOperationsBaseTest {
    private CommitCutRelay relay;

    @AfterEach
    void stopRelay() throws IOException {
        if (relay != null) {
            relay.close();
        }
    }

    private BlockingClient client(String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gatehouse.port(listener), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(30)));
    }

    @Test
    void lostCommitRepliesAreNeitherLostNorDoubled() throws Exception {
        start("failcount=3", cnf -> {
            try {
                relay = new CommitCutRelay(cluster.primary().port());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ReadWriteSplitReplayTest.replayService(cnf).replace("port=" + cluster.primary().port() + "\n",
                    "port=" + relay.port() + "\n");
        });
        cluster.primary().execute(ReadWriteSplitReplayTest.MARKER);
        int trials = 60;
        try (BlockingClient c = client("Replay-Listener")) {
            for (int i = 1; i <= trials; i++) {
                c.execute("BEGIN");
                c.execute("INSERT INTO ops VALUES (" + i + ")");
                relay.arm(i % 2 == 0 ? CommitCutRelay.Cut.AFTER_COMMIT : CommitCutRelay.Cut.BEFORE_COMMIT);
                c.execute("COMMIT");
                assertThat(relay.armed()).as("trial %d cut the COMMIT's reply", i).isFalse();
            }
        }
        assertThat(relay.cuts()).isEqualTo(trials);
        List<List<String>> rows = cluster.primary().query("SELECT id, COUNT(*) FROM test.ops GROUP BY id ORDER BY id");
        assertThat(rows).hasSize(trials);
        for (int i = 0; i < trials; i++) {
            assertThat(rows.get(i)).containsExactly(String.valueOf(i + 1), "1");
        }
        Map<String, Object> d = gatehouse.runtime().services().get("Replay-Service").router().diagnostics();
        assertThat(d.get("interrupted_commits_found_committed")).isEqualTo((long) trials / 2);
        assertThat(d.get("interrupted_commits_found_absent")).isEqualTo((long) trials / 2);

        // Without transaction_replay the outcome is the client's to check: a lost-connection error, well formed.
        try (BlockingClient plain = client("Split-Listener")) {
            plain.execute("BEGIN");
            plain.execute("INSERT INTO ops VALUES (1000)");
            relay.arm(CommitCutRelay.Cut.AFTER_COMMIT);
            Throwable t = catchThrowable(() -> plain.execute("COMMIT"));
            // The connection ends as a server's would (the client library reports 2013), or with a 2013 ERR packet;
            // never with bytes the client cannot read.
            if (t instanceof ServerErrorException e) {
                assertThat(e.code()).isEqualTo(2013);
            } else {
                assertThat(t).isInstanceOf(java.io.EOFException.class);
            }
        }
    }
}
