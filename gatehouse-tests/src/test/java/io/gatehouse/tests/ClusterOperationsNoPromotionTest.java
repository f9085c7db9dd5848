package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * servers_no_promotion: of two equally advanced replicas, configuration order would pick the first; listed in
 * servers_no_promotion it is passed over, and it replicates from the one promoted instead. JUnit thread; no Netty
 * buffers.
 */
class ClusterOperationsNoPromotionTest extends ClusterOperationsBaseTest {

    @Test
    void aServerInServersNoPromotionIsNeverPromoted() throws Exception {
        start("auto_failover=true\nfailcount=2\nservers_no_promotion=server2");
        MariaDbServer primary = cluster.primary();
        MariaDbServer excluded = cluster.replicas().get(0);
        MariaDbServer chosen = cluster.replicas().get(1);
        assertThat(excluded.name()).isEqualTo("server2");
        primary.execute("INSERT INTO test.ops VALUES (1), (2), (3)");
        cluster.awaitReplication(Duration.ofSeconds(10));

        primary.kill();
        await(Duration.ofSeconds(15), () -> isMaster(chosen), chosen.name() + " is promoted");
        assertThat(isMaster(excluded)).isFalse();
        await(Duration.ofSeconds(10), () -> replicatesFrom(excluded, chosen) && isSlave(excluded),
                excluded.name() + " replicates from " + chosen.name());
        chosen.execute("INSERT INTO test.ops VALUES (4)");
        await(Duration.ofSeconds(10), () -> count(excluded, "") == 4, excluded.name() + " receives the new writes");
    }
}
