package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic failover when the primary is killed with SIGKILL while a client writes through Gatehouse's readconnroute
 * write service: the monitor promotes the most advanced replica, points the other replica at it,
 * the writer writes again within seconds, and every insert the client saw committed is on the new primary.
 * Semi-synchronous replication makes "committed" mean "received by a replica". JUnit thread plus a writer thread;
 * no Netty buffers.
 */
class ClusterOperationsFailoverTest extends ClusterOperationsBaseTest {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterOperationsFailoverTest.class);

    @Test
    void killedPrimaryIsReplacedAndNoCommittedWriteIsLost() throws Exception {
        start("auto_failover=true\nfailcount=3");
        MariaDbServer primary = cluster.primary();
        enableSemiSync(primary, cluster.replicas());

        Writer writer = startWriter();
        await(Duration.ofSeconds(10), () -> writer.committedCount() > 200, "the writer has committed 200 rows");
        long killedAt = System.nanoTime();
        primary.kill();
        int before = writer.committedCount();

        await(Duration.ofSeconds(20), () -> writer.lastSuccessNanos.get() > killedAt && writer.committedCount() > before,
                "a write through Gatehouse succeeds after the kill");
        long recoveryMillis = (writer.lastSuccessNanos.get() - killedAt) / 1_000_000;
        LOG.info("Failover: first successful write through Gatehouse {} ms after SIGKILL of the primary",
                recoveryMillis);
        assertThat(recoveryMillis).as("kill to first successful write, ms").isLessThan(10_000);
        await(Duration.ofSeconds(5), () -> writer.committedCount() > before + 100, "100 more rows are written");
        writer.stop();

        MariaDbServer chosen = isMaster(cluster.replicas().get(0)) ? cluster.replicas().get(0) : cluster.replicas().get(1);
        MariaDbServer other = chosen == cluster.replicas().get(0) ? cluster.replicas().get(1) : cluster.replicas().get(0);
        assertThat(isMaster(chosen)).as("%s is the new primary", chosen.name()).isTrue();
        assertThat(isMaster(other)).isFalse();
        assertThat(chosen.query("SELECT @@read_only").get(0).get(0)).isEqualTo("0");
        try {
            await(Duration.ofSeconds(10), () -> replicatesFrom(other, chosen) && isSlave(other),
                    other.name() + " replicates from " + chosen.name());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + other.queryMaps("SHOW ALL SLAVES STATUS"), e);
        }

        Set<Integer> onNewPrimary = new HashSet<>();
        for (List<String> row : chosen.query("SELECT id FROM test.ops")) {
            onNewPrimary.add(Integer.parseInt(row.get(0)));
        }
        Set<Integer> lost = new HashSet<>(writer.committed);
        lost.removeAll(onNewPrimary);
        assertThat(lost).as("committed rows missing on the new primary").isEmpty();
        assertThat(monitor().diagnostics().get("primary")).isEqualTo(chosen.name());
        // The other replica has everything the new primary has.
        String newPos = chosen.query("SELECT @@gtid_binlog_pos").get(0).get(0);
        await(Duration.ofSeconds(10), () -> newPos.equals(other.query("SELECT @@gtid_slave_pos").get(0).get(0)),
                other.name() + " applied " + newPos);
    }

    private static void enableSemiSync(MariaDbServer primary, List<MariaDbServer> replicas) throws Exception {
        primary.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON; SET GLOBAL rpl_semi_sync_master_timeout = 10000");
        for (MariaDbServer r : replicas) {
            r.execute("SET GLOBAL rpl_semi_sync_slave_enabled = ON; STOP SLAVE IO_THREAD; START SLAVE IO_THREAD");
        }
        await(Duration.ofSeconds(10), () -> "2".equals(primary.query(
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                        + " WHERE VARIABLE_NAME = 'Rpl_semi_sync_master_clients'").get(0).get(0)),
                "both replicas acknowledge semi-synchronously");
    }
}
