package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cooperative_monitoring_locks=majority_of_all}: two Gatehouse instances watch one cluster; exactly one holds
 * the lock majority and fails over when the primary dies; when it stops, the other takes over. Own cluster.
 */
class ClusterOperationsCooperativeTest {
    @Test
    void onlyTheMajorityHolderActsAndTheOtherTakesOver(@TempDir Path dir) throws Exception {
        try (MariaDbCluster cluster = MariaDbCluster.start(null, 2)) {
            String cnf = GatehouseExtension.config(cluster, dir).replace("monitor_interval=500ms\n",
                    "monitor_interval=500ms\nauto_failover=true\nfailcount=2\ncooperative_monitoring_locks=majority_of_all\n");
            Path a = dir.resolve("a.cnf");
            Path b = dir.resolve("b.cnf");
            Files.writeString(a, cnf.replace("logdir=" + dir.resolve("log"), "logdir=" + dir.resolve("log-a")));
            Files.writeString(b, cnf.replace("logdir=" + dir.resolve("log"), "logdir=" + dir.resolve("log-b")));
            Gatehouse first = Gatehouse.start(a);
            Gatehouse second = Gatehouse.start(b);
            try {
                Monitor ma = first.runtime().monitors().get("Cluster-Monitor");
                Monitor mb = second.runtime().monitors().get("Cluster-Monitor");
                await(() -> primaryMonitor(ma) != primaryMonitor(mb), 15);
                Gatehouse holder = primaryMonitor(ma) ? first : second;
                Gatehouse other = holder == first ? second : first;

                MariaDbServer old = cluster.primary();
                old.kill();
                await(() -> cluster.replicas().stream().anyMatch(r -> ServerStatus.has(
                        other.runtime().servers().get(r.name()).status(), ServerStatus.MASTER)), 30);
                assertThat(String.valueOf(lastOperation(holder))).startsWith("failover");
                assertThat(lastOperation(other)).isNull();

                holder.close();
                Monitor remaining = other.runtime().monitors().get("Cluster-Monitor");
                await(() -> primaryMonitor(remaining), 20);
            } finally {
                first.close();
                second.close();
            }
        }
    }

    private static boolean primaryMonitor(Monitor m) {
        return Boolean.TRUE.equals(m.diagnostics().get("cooperative_primary"));
    }

    private static Object lastOperation(Gatehouse g) {
        return g.runtime().monitors().get("Cluster-Monitor").diagnostics().get("last_operation");
    }

    private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }
}
