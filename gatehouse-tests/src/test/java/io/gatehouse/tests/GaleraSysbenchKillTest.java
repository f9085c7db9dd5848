package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.GaleraCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's Galera case: sysbench oltp_read_write (4 threads, no {@code --mysql-ignore-errors}) through
 * readwritesplit over galeramon while the Master node is SIGKILLed: galeramon gives the Master role to another
 * node and sysbench finishes without an error. The service has {@code transaction_replay} (with a COMMIT marker
 * table), which carries the transactions open on the killed node over to the new Master; without it the
 * statement running at the kill fails as it would against the node itself. A replay that meets a conflicting
 * write set of another sysbench thread is started over ({@code transaction_replay_retry_on_mismatch}). The nodes read causally
 * ({@code wsrep_sync_wait=1}), which replay on Galera needs. Own three-node cluster; the JUnit
 * thread and sysbench's process; no Netty buffers.
 */
class GaleraSysbenchKillTest {
    private GaleraCluster cluster;
    private Gatehouse gh;
    @TempDir
    Path dir;

    @AfterEach
    void stopAll() {
        if (gh != null) {
            gh.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void sysbenchCarriesOnWhenTheMasterNodeIsKilled() throws Exception {
        cluster = GaleraCluster.start(3);
        cluster.nodes().get(0).execute(ReadWriteSplitReplayTest.MARKER);
        for (MariaDbServer n : cluster.nodes()) {
            // A Galera node applies other nodes' write sets a moment after they commit: a transaction replayed on
            // the new Master must first see every write set the old one committed, or its reads differ from what
            // the client saw and the replay is refused. wsrep_sync_wait=1 makes reads wait for them (causal reads).
            n.execute("SET GLOBAL wsrep_sync_wait = 1");
        }
        StringBuilder sb = new StringBuilder("[maxscale]\nthreads=2\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=")
                .append(dir.resolve("log")).append("\npiddir=").append(dir).append("\ndatadir=").append(dir)
                .append("\npersistdir=").append(dir).append("\n\n");
        List<String> names = new ArrayList<>();
        for (MariaDbServer n : cluster.nodes()) {
            sb.append('[').append(n.name()).append("]\ntype=server\naddress=127.0.0.1\nport=").append(n.port())
                    .append("\n\n");
            names.add(n.name());
        }
        String common = "\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
        sb.append("[Galera-Monitor]\ntype=monitor\nmodule=galeramon\nservers=").append(String.join(",", names))
                .append(common).append("monitor_interval=300ms\nbackend_connect_timeout=1s\nbackend_read_timeout=2s\n\n");
        sb.append("[Split-Service]\ntype=service\nrouter=readwritesplit\ncluster=Galera-Monitor").append(common)
                .append("transaction_replay=true\ntransaction_replay_retry_on_deadlock=true\n")
                // Galera's certification conflicts between sysbench's own threads roll transactions back at any
                // time, not only at the kill; their replay can then meet the conflicting write set and see other
                // rows than the client saw (a DELETE finding 0 rows, 2026-12-06). Such a replay is started over,
                // as a client's retry would, instead of ending the session.
                .append("transaction_replay_retry_on_mismatch=true\n")
                .append("transaction_replay_marker_table=test.gh_marker\ndelayed_retry_timeout=30s\n")
                .append("\n[Split-Listener]\ntype=listener\nservice=Split-Service\naddress=127.0.0.1\nport=0\n\n");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, sb.toString());
        gh = Gatehouse.start(cnf);
        awaitStates("one Master and all Synced", s -> s.values().stream().filter(v -> v.startsWith("Master")).count()
                == 1 && s.values().stream().allMatch(v -> v.contains("Synced")));

        Endpoint through = new Endpoint("127.0.0.1", gh.port("Split-Listener"), Accounts.APP_USER,
                Accounts.APP_PASSWORD, Accounts.DATABASE);
        // Large tables and point reads: two transactions rarely touch the same rows, so a replay on the new Master
        // sees the results its client saw (see ReadWriteSplitSysbenchFailoverTest).
        Sysbench sysbench = new Sysbench(through, 4, 20_000);
        sysbench.prepare();
        String oldMaster = masterName();
        CompletableFuture<Sysbench.Result> run = CompletableFuture.supplyAsync(() -> {
            try {
                return sysbench.run(Sysbench.Workload.OLTP_READ_WRITE, Sysbench.PsMode.AUTO, 4,
                        Duration.ofSeconds(20), List.of("--range_selects=off"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(5_000);
        cluster.node(oldMaster).kill();
        awaitStates("a new Master after " + oldMaster + " was killed", s -> s.get(oldMaster).equals("Down")
                && s.values().stream().filter(v -> v.equals("Master, Synced, Running")).count() == 1);
        String newMaster = masterName();
        assertThat(newMaster).isNotEqualTo(oldMaster);
        Sysbench.Result result = run.get(120, TimeUnit.SECONDS);

        assertThat(result.ignoredErrors()).as("errors sysbench met:\n" + result.output()).isZero();
        assertThat(result.transactions()).isPositive();
        Map<String, Object> d = gh.runtime().services().get("Split-Service").router().diagnostics();
        assertThat((Long) d.get("primary_reconnections")).as("sessions moved to the new Master").isPositive();
        sysbench.cleanup();
    }

    private Map<String, String> states() {
        Map<String, String> out = new TreeMap<>();
        for (MariaDbServer n : cluster.nodes()) {
            out.put(n.name(), ServerStatus.describe(gh.runtime().servers().get(n.name()).status()));
        }
        return out;
    }

    private String masterName() {
        return states().entrySet().stream().filter(e -> e.getValue().startsWith("Master")).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no Master: " + states()));
    }

    private void awaitStates(String what, java.util.function.Predicate<Map<String, String>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.test(states())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s: " + what + "; states: " + states());
            }
            Thread.sleep(100);
        }
    }
}
