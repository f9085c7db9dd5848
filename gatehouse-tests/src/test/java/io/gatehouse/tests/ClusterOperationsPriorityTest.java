package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server {@code priority} decides which of two equally up-to-date replicas a switchover without a named target
 * promotes: the later one in configuration order, given a positive priority, is chosen over the first (which the
 * monitor would otherwise take). JUnit thread; no Netty buffers.
 */
class ClusterOperationsPriorityTest extends ClusterOperationsBaseTest {

    @Test
    void aPositivePriorityWinsAmongEqualReplicas() throws Exception {
        // Replica names are known only once the cluster runs; the testkit names servers server1, server2, server3.
        start("", cnf -> cnf.replace("[server3]\ntype=server\n", "[server3]\ntype=server\npriority=1\n"));
        MariaDbServer first = cluster.replicas().get(0);
        MariaDbServer preferred = cluster.replicas().get(1);
        assertThat(preferred.name()).isEqualTo("server3");
        cluster.awaitReplication(Duration.ofSeconds(20));

        monitor().call("switchover", List.of());

        assertThat(isMaster(preferred)).as(preferred.name() + " (priority=1) was promoted").isTrue();
        assertThat(isMaster(first)).isFalse();
        await(Duration.ofSeconds(10), () -> replicatesFrom(first, preferred),
                first.name() + " replicates from " + preferred.name());
    }
}
