package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server-section settings mariadbmon uses when it points replicas at a new primary. private_address: Gatehouse
 * reaches the servers at 127.0.0.1, but a switchover points the replicas at the private address ({@code 127.1},
 * another spelling of the same loopback address that SHOW SLAVE STATUS keeps as written), and the monitor still
 * recognises the topology. replication_custom_options of a server's own section replace the monitor's for that
 * server. JUnit thread; no Netty buffers.
 */
class ClusterOperationsServerSettingsTest extends ClusterOperationsBaseTest {

    @Test
    void replicationUsesTheServersPrivateAddressAndOptions() throws Exception {
        start("replication_custom_options=MASTER_HEARTBEAT_PERIOD=5", cnf -> cnf
                .replace("type=server\n", "type=server\nprivate_address=127.1\n")
                .replace("[" + cluster.primary().name() + "]\ntype=server\n", "[" + cluster.primary().name()
                        + "]\ntype=server\nreplication_custom_options=MASTER_HEARTBEAT_PERIOD=7\n"));
        MariaDbServer oldPrimary = cluster.primary();
        MariaDbServer newPrimary = cluster.replicas().get(0);
        MariaDbServer other = cluster.replicas().get(1);
        monitor().call("switchover", List.of(newPrimary.name(), oldPrimary.name()));
        await(Duration.ofSeconds(20), () -> isMaster(newPrimary), newPrimary.name() + " is the primary");
        for (MariaDbServer r : List.of(oldPrimary, other)) {
            await(Duration.ofSeconds(10), () -> replicatesFrom(r, newPrimary) && isSlave(r),
                    r.name() + " replicates from " + newPrimary.name() + " and is seen as a replica");
            assertThat(r.queryMaps("SHOW ALL SLAVES STATUS").get(0).get("Master_Host")).isEqualTo("127.1");
        }
        // The old primary's own options; the other replica gets the monitor's.
        assertThat(oldPrimary.queryMaps("SHOW ALL SLAVES STATUS").get(0).get("Slave_heartbeat_period"))
                .startsWith("7.");
        assertThat(other.queryMaps("SHOW ALL SLAVES STATUS").get(0).get("Slave_heartbeat_period")).startsWith("5.");
    }
}
