package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The failover-safe command (and async-failover-safe): refused, with nothing changed, when the dead primary had
 * written GTIDs that no replica received (their IO threads were stopped before the last writes), while a plain
 * failover then goes ahead; carried out when one replica received everything, which it promotes. Automatic failover
 * is off. JUnit thread; no Netty buffers.
 */
class ClusterOperationsFailoverSafeCommandTest extends ClusterOperationsBaseTest {

    @Test
    void refusedWhenEveryReplicaMissesTransactions() throws Exception {
        start("failcount=2");
        MariaDbServer primary = cluster.primary();
        for (MariaDbServer r : cluster.replicas()) {
            r.execute("STOP SLAVE IO_THREAD");
        }
        primary.execute("INSERT INTO test.ops VALUES (1), (2)");
        monitor().tickNow();
        primary.kill();
        await(Duration.ofSeconds(10), () -> !ServerStatus.has(status(primary), ServerStatus.RUNNING),
                "the monitor sees the primary down");

        assertThatThrownBy(() -> monitor().call("failover-safe", List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("failover-safe")
                .hasMessageContaining(primary.name()).hasMessageContaining("lose transactions");
        assertThat(monitor().call("async-failover-safe", List.of())).isNull();
        Object[] fetched = {null};
        await(Duration.ofSeconds(30), () -> {
            fetched[0] = fetch();
            return !String.valueOf(fetched[0]).contains("No manual command results");
        }, "the async failover-safe has finished");
        assertThat(ClusterOperationsAsyncCommandsTest.detail(fetched[0])).contains("lose transactions");
        for (MariaDbServer r : cluster.replicas()) {
            assertThat(isMaster(r)).as("%s was not promoted", r.name()).isFalse();
            assertThat(r.queryMaps("SHOW ALL SLAVES STATUS")).as("%s still points at the old primary", r.name())
                    .singleElement().satisfies(m -> assertThat(m.get("Master_Port"))
                            .isEqualTo(String.valueOf(primary.port())));
            assertThat(r.queryValue("SELECT @@read_only")).isEqualTo("1");
        }

        // The plain command accepts the loss.
        monitor().call("failover", List.of());
        assertThat(cluster.replicas().stream().filter(this::isMaster).count()).isEqualTo(1);
    }

    @Test
    void carriedOutWhenAReplicaHasEverything() throws Exception {
        start("failcount=2");
        MariaDbServer primary = cluster.primary();
        MariaDbServer upToDate = cluster.replicas().get(0);
        MariaDbServer behind = cluster.replicas().get(1);
        behind.execute("STOP SLAVE IO_THREAD");
        primary.execute("INSERT INTO test.ops VALUES (1), (2)");
        await(Duration.ofSeconds(10), () -> count(upToDate, "") == 2, upToDate.name() + " has both rows");
        monitor().tickNow();
        primary.kill();
        await(Duration.ofSeconds(10), () -> !ServerStatus.has(status(primary), ServerStatus.RUNNING),
                "the monitor sees the primary down");

        Object result = monitor().call("failover-safe", List.of());
        assertThat(((Map<?, ?>) result).get("result").toString()).contains(upToDate.name());
        assertThat(isMaster(upToDate)).isTrue();
        assertThat(upToDate.queryValue("SELECT @@read_only")).isEqualTo("0");
        await(Duration.ofSeconds(10), () -> replicatesFrom(behind, upToDate), behind.name() + " follows "
                + upToDate.name());
        await(Duration.ofSeconds(10), () -> count(behind, "") == 2, behind.name() + " got the rows it lacked");
        assertThat(fetch()).isEqualTo("failover-safe completed successfully.");
    }

    private Object fetch() {
        try {
            return monitor().call("fetch-cmd-result", List.of());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
