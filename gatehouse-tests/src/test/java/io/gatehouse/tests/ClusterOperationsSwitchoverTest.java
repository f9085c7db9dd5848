package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Switchover on command while a client writes through Gatehouse: no insert the client saw committed is lost, the
 * new primary is writable, the old primary becomes its replica, and the writer carries on. Bad requests are refused
 * without changing anything. JUnit thread plus a writer thread; no Netty buffers.
 */
class ClusterOperationsSwitchoverTest extends ClusterOperationsBaseTest {

    @Test
    void switchoverUnderWritesLosesNothingAndDemotesTheOldPrimary() throws Exception {
        start("failcount=3");
        MariaDbServer oldPrimary = cluster.primary();
        MariaDbServer newPrimary = cluster.replicas().get(0);
        MariaDbServer other = cluster.replicas().get(1);

        assertThatThrownBy(() -> monitor().call("switchover", List.of("nosuchserver")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nosuchserver");
        assertThatThrownBy(() -> monitor().call("switchover", List.of(newPrimary.name(), other.name())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not the primary");
        assertThat(isMaster(oldPrimary)).isTrue();

        // A SUPER session ignores read_only, so the demotion must end it.
        io.gatehouse.protocol.client.BlockingClient superSession = io.gatehouse.protocol.client.BlockingClient.connect(
                io.gatehouse.protocol.client.ClientOptions.tcp("127.0.0.1", oldPrimary.port(),
                        io.gatehouse.testkit.Accounts.ROOT_USER, io.gatehouse.testkit.Accounts.ROOT_PASSWORD));
        Writer writer = startWriter();
        await(Duration.ofSeconds(10), () -> writer.committedCount() > 200, "the writer has committed 200 rows");
        Object result = monitor().call("switchover", List.of(newPrimary.name(), oldPrimary.name()));
        assertThat(result).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) result).get("result").toString()).contains(newPrimary.name());
        int after = writer.committedCount();
        await(Duration.ofSeconds(10), () -> writer.committedCount() > after + 100,
                "the writer commits 100 more rows after the switchover");
        writer.stop();
        assertThatThrownBy(() -> superSession.query("SELECT 1")).as("the SUPER session was ended")
                .isInstanceOf(java.io.IOException.class);
        superSession.close();

        assertThat(isMaster(newPrimary)).isTrue();
        assertThat(isMaster(oldPrimary)).isFalse();
        assertThat(newPrimary.queryValue("SELECT @@read_only")).isEqualTo("0");
        assertThat(oldPrimary.queryValue("SELECT @@read_only")).isEqualTo("1");
        await(Duration.ofSeconds(10), () -> replicatesFrom(oldPrimary, newPrimary) && isSlave(oldPrimary),
                oldPrimary.name() + " replicates from " + newPrimary.name());
        await(Duration.ofSeconds(10), () -> replicatesFrom(other, newPrimary) && isSlave(other),
                other.name() + " replicates from " + newPrimary.name());

        Set<Integer> onNewPrimary = new HashSet<>();
        for (List<String> row : newPrimary.query("SELECT id FROM test.ops")) {
            onNewPrimary.add(Integer.parseInt(row.get(0)));
        }
        Set<Integer> lost = new HashSet<>(writer.committed);
        lost.removeAll(onNewPrimary);
        assertThat(lost).as("committed rows missing on the new primary").isEmpty();
        // The demoted primary has no transaction of its own that the new primary lacks: it follows it exactly.
        String pos = newPrimary.gtidBinlogPos();
        await(Duration.ofSeconds(10), () -> pos.equals(oldPrimary.queryValue("SELECT @@gtid_current_pos")),
                oldPrimary.name() + " reached " + pos);

        // And back again, with the candidate chosen by the monitor among the replicas of the new primary.
        monitor().call("switchover", List.of(oldPrimary.name()));
        assertThat(isMaster(oldPrimary)).isTrue();
        await(Duration.ofSeconds(10), () -> replicatesFrom(newPrimary, oldPrimary) && replicatesFrom(other, oldPrimary),
                "both replicas follow " + oldPrimary.name() + " again");
    }
}
