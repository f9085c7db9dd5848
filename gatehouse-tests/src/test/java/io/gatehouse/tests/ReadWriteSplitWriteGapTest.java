package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write gap of readwritesplit sessions across a switchover and a SIGKILL failover (issue 14, the figures of
 * {@code scripts/bench-failover.sh gap}): two clients write small transactions (BEGIN, INSERT, COMMIT) through one
 * open session each, one through a service with {@code transaction_replay}, one through a service without it
 * ({@code master_reconnection} only), reconnecting after an error. For each event the test logs the longest time
 * without a successful write and the errors the client met; it asserts what must hold whatever the timing: every
 * acknowledged transaction is on the last primary exactly once, both clients write again after each event, and the
 * servers keep {@code rpl_semi_sync_master_enabled=ON} (the failover turns it off only while it repoints them). Own
 * cluster and Gatehouse; the JUnit thread and one thread per client; blocking clients, no Netty buffers.
 */
class ReadWriteSplitWriteGapTest extends ClusterOperationsBaseTest {
    private static final Logger LOG = LoggerFactory.getLogger(ReadWriteSplitWriteGapTest.class);

    @Test
    void writeGapAndErrorsAcrossASwitchoverAndAFailoverWithAndWithoutReplay() throws Exception {
        start("auto_failover=true\nfailcount=2", cnf -> ReadWriteSplitReplayTest.replayService(cnf)
                + "[Reconnect-Service]\ntype=service\nrouter=readwritesplit\ncluster=" + MONITOR + "\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Reconnect-Listener]\ntype=listener\nservice=Reconnect-Service\naddress=127.0.0.1\nport=0\n\n");
        for (MariaDbServer s : cluster.servers()) {
            s.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
            s.execute("SET GLOBAL rpl_semi_sync_master_timeout = 10000");
            s.execute("SET GLOBAL rpl_semi_sync_slave_enabled = ON");
        }
        for (MariaDbServer r : cluster.replicas()) {
            r.execute("STOP SLAVE IO_THREAD");
            r.execute("START SLAVE IO_THREAD");
        }
        MariaDbServer first = cluster.primary();
        first.execute(ReadWriteSplitReplayTest.MARKER);
        cluster.awaitReplication(Duration.ofSeconds(20));
        TrxWriter replay = new TrxWriter(gatehouse.port("Replay-Listener"), 1, "transaction_replay=true");
        TrxWriter reconnect = new TrxWriter(gatehouse.port("Reconnect-Listener"), 2, "transaction_replay=false");
        List<TrxWriter> writers = List.of(replay, reconnect);
        try {
            awaitWrites(writers, 50);

            MariaDbServer second = cluster.replicas().get(0);
            long switchoverAt = System.nanoTime();
            long[] errorsBefore = errors(writers);
            monitor().call("switchover", List.of(second.name(), first.name()));
            await(Duration.ofSeconds(20), () -> isSlave(first), first.name() + " replicates from " + second.name());
            awaitWrites(writers, 50);
            Thread.sleep(1_000);
            report("switchover", writers, switchoverAt, errorsBefore);

            long killedAt = System.nanoTime();
            errorsBefore = errors(writers);
            second.kill();
            await(Duration.ofSeconds(30), () -> cluster.servers().stream().anyMatch(this::isMaster),
                    "a new primary after " + second.name() + " was killed");
            awaitWrites(writers, 50);
            Thread.sleep(1_000);
            report("SIGKILL failover", writers, killedAt, errorsBefore);
        } finally {
            replay.stop();
            reconnect.stop();
        }
        MariaDbServer last = cluster.servers().stream().filter(this::isMaster).findFirst().orElseThrow();
        // The failover switched the semi-sync master off on the replicas it repointed (to free their replicated
        // commits waiting for an ACK) and must have given the operator's setting back.
        for (MariaDbServer s : cluster.servers()) {
            if (s.isRunning()) {
                assertThat(s.queryValue("SELECT @@rpl_semi_sync_master_enabled")).as(s.name()).isEqualTo("1");
            }
        }
        assertThat(last.query("SELECT id FROM test.ops GROUP BY id HAVING COUNT(*) > 1")).isEmpty();
        // One query for all rows (duplicates are excluded just above), not one per acknowledged row.
        java.util.Set<Integer> present = new java.util.HashSet<>();
        for (List<String> row : last.query("SELECT id FROM test.ops")) {
            present.add(Integer.parseInt(row.get(0)));
        }
        for (TrxWriter w : writers) {
            List<Integer> missing = new ArrayList<>();
            for (Integer id : w.acknowledged) {
                if (!present.contains(id)) {
                    missing.add(id);
                }
            }
            assertThat(missing).as(w.name + ": acknowledged rows missing on " + last.name()).isEmpty();
        }
    }

    private static void awaitWrites(List<TrxWriter> writers, int more) throws InterruptedException {
        for (TrxWriter w : writers) {
            int target = w.acknowledged.size() + more;
            await(Duration.ofSeconds(60), () -> w.acknowledged.size() >= target,
                    w.name + " acknowledged " + more + " more transactions; failures: " + w.failures);
        }
    }

    private static long[] errors(List<TrxWriter> writers) {
        return writers.stream().mapToLong(w -> w.errors.get()).toArray();
    }

    private static void report(String event, List<TrxWriter> writers, long since, long[] errorsBefore) {
        for (int i = 0; i < writers.size(); i++) {
            TrxWriter w = writers.get(i);
            List<String> met = new ArrayList<>();
            for (String f; (f = w.failures.poll()) != null; ) {
                met.add(f);
            }
            LOG.info("Write gap: {} {}: {} ms without a successful write, {} client errors", event, w.name,
                    w.longestGapMillis(since), w.errors.get() - errorsBefore[i]);
            LOG.info("Errors {} {} met: {}", event, w.name, met.stream().distinct().limit(5).toList());
        }
    }

    /** One open session writing BEGIN/INSERT/COMMIT in a loop; ids are {@code n * 10 + lane}, so lanes never collide. */
    private static final class TrxWriter {
        final String name;
        final ConcurrentLinkedQueue<Integer> acknowledged = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> successNanos = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicLong errors = new AtomicLong();
        private final AtomicBoolean run = new AtomicBoolean(true);
        private final AtomicInteger next = new AtomicInteger(1);
        private final Thread thread;

        TrxWriter(int port, int lane, String name) {
            this.name = name;
            thread = new Thread(() -> loop(port, lane), "write-gap-" + lane);
            thread.setDaemon(true);
            thread.start();
        }

        private void loop(int port, int lane) {
            BlockingClient c = null;
            while (run.get()) {
                String step = "connect";
                try {
                    if (c == null) {
                        c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER,
                                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE)
                                .withTimeouts(Duration.ofSeconds(30)));
                    }
                    int id = next.getAndIncrement() * 10 + lane;
                    step = "BEGIN";
                    c.execute(step);
                    step = "INSERT INTO ops VALUES (" + id + ")";
                    c.execute(step);
                    step = "COMMIT";
                    c.execute(step);
                    acknowledged.add(id);
                    successNanos.add(System.nanoTime());
                } catch (Exception e) {
                    errors.incrementAndGet();
                    failures.add(step + ": " + e.getMessage());
                    if (c != null) {
                        c.close();
                        c = null;
                    }
                    pause();
                }
            }
            if (c != null) {
                c.close();
            }
        }

        private static void pause() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The longest stretch without an acknowledged transaction from {@code since} to the last one. */
        long longestGapMillis(long since) {
            long prev = since;
            long longest = 0;
            for (long t : successNanos) {
                if (t > since) {
                    longest = Math.max(longest, t - prev);
                    prev = t;
                }
            }
            return longest / 1_000_000;
        }

        void stop() throws InterruptedException {
            run.set(false);
            thread.join(30_000);
        }
    }
}
