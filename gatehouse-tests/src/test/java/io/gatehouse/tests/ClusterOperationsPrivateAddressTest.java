package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server's private_address: Gatehouse reaches the servers at 127.0.0.1, but a switchover points the replicas at
 * the private address ({@code 127.1}, another spelling of the same loopback address that the replicas' SHOW SLAVE
 * STATUS keeps as written), and the monitor still recognises the topology. JUnit thread; no Netty buffers.
 */
class ClusterOperationsPrivateAddressTest extends ClusterOperationsBaseTest {

    @Test
    void replicationIsSetUpOverThePrivateAddress() throws Exception {
        start("", cnf -> cnf.replace("type=server\n", "type=server\nprivate_address=127.1\n"));
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
    }
}
