package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.runtime.RuntimeChanges;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * mariadbmon's master_conditions and slave_conditions on a real primary with two replicas: with
 * {@code master_conditions=connected_slave} the primary is Master only while a replica is connected to it (and reads
 * on as a Slave meanwhile); with {@code slave_conditions=running_master} replicas of a primary that went down stop
 * being Slaves, and become Slaves again when the condition is lifted at runtime. JUnit thread; no Netty buffers.
 */
class ClusterOperationsRoleConditionsTest extends ClusterOperationsBaseTest {

    @Test
    void thePrimaryIsMasterOnlyWhileAReplicaIsConnected() throws Exception {
        start("master_conditions=connected_slave");
        MariaDbServer primary = cluster.primary();
        for (MariaDbServer r : cluster.replicas()) {
            r.execute("STOP SLAVE");
        }
        await(Duration.ofSeconds(10), () -> !isMaster(primary), "the primary loses Master with no replica connected");
        assertThat(isSlave(primary)).as("it still serves reads, as slave_conditions allow").isTrue();
        cluster.replicas().get(0).execute("START SLAVE");
        await(Duration.ofSeconds(10), () -> isMaster(primary), "Master again once a replica is connected");
    }

    @Test
    void replicasOfAPrimaryThatIsDownAreNoSlavesUnderRunningMaster() throws Exception {
        start("slave_conditions=running_master\nauto_failover=false");
        for (MariaDbServer r : cluster.replicas()) {
            assertThat(isSlave(r)).as(r.name() + " while the primary runs").isTrue();
        }
        cluster.primary().kill();
        for (MariaDbServer r : cluster.replicas()) {
            await(Duration.ofSeconds(10), () -> !isSlave(r), r.name() + " is no Slave without a running primary");
        }
        RuntimeChanges.of(gatehouse.runtime()).alterMonitor(MONITOR, Map.of("slave_conditions", "none"));
        for (MariaDbServer r : cluster.replicas()) {
            await(Duration.ofSeconds(10), () -> isSlave(r), r.name() + " is a Slave again without the condition");
        }
    }
}
