package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Split brain (issue 14): the monitor loses the primary (its account there is locked and its connections killed)
 * while clients still reach it, and fails over to a replica. A session that writes through readwritesplit all along
 * follows the promotion: no write it started after the promotion lands on the old primary, which stays writable for
 * anyone connecting to it directly; every one of them is on the new primary. Own cluster and Gatehouse; the JUnit
 * thread and a writer thread; blocking clients, no Netty buffers.
 */
class ReadWriteSplitSplitBrainTest extends ClusterOperationsBaseTest {

    @Test
    void writesAfterThePromotionNeverLandOnTheOldPrimary() throws Exception {
        start("auto_failover=true\nfailcount=2\nverify_master_failure=false", ReadWriteSplitReplayTest::replayService);
        MariaDbServer old = cluster.primary();
        old.execute(ReadWriteSplitReplayTest.MARKER);
        cluster.awaitReplication(Duration.ofSeconds(20));
        Map<Integer, Long> started = new ConcurrentHashMap<>();
        Map<Integer, Boolean> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean run = new AtomicBoolean(true);
        AtomicLong promotedSeen = new AtomicLong(Long.MAX_VALUE);
        Thread writer = new Thread(() -> {
            try (BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1",
                    gatehouse.port("Replay-Listener"), Accounts.APP_USER, Accounts.APP_PASSWORD)
                    .withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(30)))) {
                for (int id = 1; run.get(); id++) {
                    started.put(id, System.nanoTime());
                    c.execute("INSERT INTO ops VALUES (" + id + ")");
                    acknowledged.put(id, true);
                }
            } catch (Exception e) {
                // The session ended: the assertions on the acknowledged rows below tell.
            }
        }, "split-brain-writer");
        writer.start();
        try {
            await(Duration.ofSeconds(10), () -> acknowledged.size() > 50, "50 writes before the monitor loses "
                    + old.name());
            old.execute("SET sql_log_bin = 0; ALTER USER '" + Accounts.SERVICE_USER + "'@'%' ACCOUNT LOCK");
            for (List<String> row : old.query("SELECT id FROM information_schema.processlist WHERE user = '"
                    + Accounts.SERVICE_USER + "'")) {
                old.execute("KILL " + row.get(0));
            }
            await(Duration.ofSeconds(30), () -> cluster.replicas().stream().anyMatch(this::isMaster),
                    "a replica is promoted");
            promotedSeen.set(System.nanoTime());
            int before = acknowledged.size();
            await(Duration.ofSeconds(20), () -> acknowledged.size() > before + 50, "50 writes after the promotion");
        } finally {
            run.set(false);
            writer.join(30_000);
        }
        MariaDbServer promoted = cluster.replicas().stream().filter(this::isMaster).findFirst().orElseThrow();
        assertThat(old.queryValue("SELECT @@read_only")).as("the old primary still takes writes").isEqualTo("0");
        String afterIds = started.entrySet().stream()
                .filter(e -> acknowledged.containsKey(e.getKey()) && e.getValue() > promotedSeen.get())
                .map(e -> String.valueOf(e.getKey())).collect(Collectors.joining(","));
        assertThat(afterIds).isNotEmpty();
        assertThat(old.queryValue("SELECT COUNT(*) FROM test.ops WHERE id IN (" + afterIds + ")"))
                .as("writes after the promotion on the old primary").isEqualTo("0");
        assertThat(promoted.queryValue("SELECT COUNT(*) FROM test.ops WHERE id IN (" + afterIds + ")"))
                .isEqualTo(String.valueOf(afterIds.split(",").length));
    }
}
