package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reset-replication command: with the data in sync but a stray GTID domain on one replica, resetting around a
 * named replica deletes every binlog and GTID position, makes that replica the writable primary, and the others
 * (the old primary included) replicate from it; the next write is the first GTID of a fresh history that every
 * server reaches, and the data is intact. JUnit thread; no Netty buffers.
 */
class ClusterOperationsResetReplicationTest extends ClusterOperationsBaseTest {

    @Test
    void resetLeavesAWorkingClusterWithFreshGtids() throws Exception {
        start("failcount=3");
        MariaDbServer oldPrimary = cluster.primary();
        MariaDbServer neu = cluster.replicas().get(0);
        MariaDbServer other = cluster.replicas().get(1);
        oldPrimary.execute("INSERT INTO test.ops VALUES (1), (2), (3)");
        cluster.awaitReplication(Duration.ofSeconds(20));
        // A GTID no other server has, in a domain of its own: the GTIDs are out of sync while the data is not.
        other.execute("SET SESSION gtid_domain_id = 9; FLUSH TABLES");
        assertThat(other.queryValue("SELECT @@gtid_current_pos")).contains("9-");

        assertThatThrownBy(() -> monitor().call("reset-replication", List.of("nosuchserver")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nosuchserver");
        Object result = monitor().call("reset-replication", List.of(neu.name()));
        assertThat(((Map<?, ?>) result).get("result").toString()).isEqualTo("new primary: " + neu.name());

        assertThat(isMaster(neu)).isTrue();
        assertThat(neu.queryValue("SELECT @@read_only")).isEqualTo("0");
        for (MariaDbServer r : List.of(oldPrimary, other)) {
            assertThat(r.queryValue("SELECT @@read_only")).as(r.name()).isEqualTo("1");
            await(Duration.ofSeconds(10), () -> replicatesFrom(r, neu) && isSlave(r), r.name() + " replicates from "
                    + neu.name());
        }
        // Every server's position is sequence 0 of the new primary's domain: gtid_current_pos agrees everywhere.
        String zero = neu.queryValue("SELECT @@gtid_domain_id") + "-" + neu.serverId() + "-0";
        for (MariaDbServer r : List.of(neu, oldPrimary, other)) {
            assertThat(r.queryValue("SELECT @@gtid_slave_pos")).as(r.name()).isEqualTo(zero);
            assertThat(r.queryValue("SELECT @@gtid_current_pos")).as(r.name()).isEqualTo(zero);
        }
        neu.execute("INSERT INTO test.ops VALUES (4)");
        String pos = neu.gtidBinlogPos();
        assertThat(pos).as("the first GTID after the reset").matches("\\d+-" + neu.serverId() + "-1");
        assertThat(neu.queryValue("SELECT @@gtid_binlog_state")).isEqualTo(pos);
        for (MariaDbServer r : List.of(oldPrimary, other)) {
            await(Duration.ofSeconds(10), () -> pos.equals(r.queryValue("SELECT @@gtid_current_pos")),
                    r.name() + " is at " + pos + " and nothing else");
            assertThat(count(r, "")).as(r.name()).isEqualTo(4);
        }
        assertThat(monitor().call("fetch-cmd-result", List.of())).isEqualTo("reset-replication completed successfully.");
    }
}
