package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A three-node Galera cluster starts Synced, replicates writes from any node, takes a killed node back, and leaves
 * nothing behind. JUnit test thread.
 */
class GaleraClusterTest {
    @Test
    void threeNodesSyncReplicateAndAreRemovedOnClose() {
        Path base;
        try (GaleraCluster cluster = GaleraCluster.start(3)) {
            base = cluster.baseDir();
            assertThat(cluster.nodes()).extracting(MariaDbServer::name).containsExactly("node1", "node2", "node3");
            for (MariaDbServer n : cluster.nodes()) {
                assertThat(GaleraCluster.status(n, "wsrep_cluster_size")).isEqualTo("3");
                assertThat(GaleraCluster.status(n, "wsrep_local_state_comment")).isEqualTo("Synced");
                assertThat(n.queryValue("SELECT @@wsrep_node_name")).isEqualTo(n.name());
            }
            cluster.node("node2").execute("CREATE TABLE test.galera_rows (id INT PRIMARY KEY, v VARCHAR(10))");
            cluster.node("node3").execute("INSERT INTO test.galera_rows VALUES (1, 'three')");
            // Galera applies asynchronously on the other nodes; wsrep_sync_wait makes the read wait for them.
            assertThat(cluster.node("node1").queryValue("SET SESSION wsrep_sync_wait = 1;"
                    + " SELECT v FROM test.galera_rows WHERE id = 1")).isEqualTo("three");

            cluster.node("node3").kill();
            cluster.awaitSynced(2, Duration.ofSeconds(30));
            assertThat(GaleraCluster.status(cluster.node("node1"), "wsrep_cluster_size")).isEqualTo("2");
            cluster.node("node1").execute("INSERT INTO test.galera_rows VALUES (2, 'missed')");

            // A killed node started again rejoins and catches up with what it missed.
            cluster.node("node3").start();
            cluster.awaitSynced(3, Duration.ofSeconds(60));
            assertThat(cluster.node("node3").queryValue("SET SESSION wsrep_sync_wait = 1;"
                    + " SELECT v FROM test.galera_rows WHERE id = 2")).isEqualTo("missed");
        }
        assertThat(Files.exists(base)).isFalse();
    }
}
