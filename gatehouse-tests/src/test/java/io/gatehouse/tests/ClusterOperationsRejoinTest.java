package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rejoin with auto_rejoin=true: the old primary, restarted after a failover, becomes a replica of the new primary and
 * receives its writes; a server whose GTID history diverged is left alone and the reason is reported. JUnit thread;
 * no Netty buffers.
 */
class ClusterOperationsRejoinTest extends ClusterOperationsBaseTest {

    @Test
    void restartedOldPrimaryIsRejoinedAndADivergedServerIsNot() throws Exception {
        start("auto_failover=true\nauto_rejoin=true\nfailcount=2");
        MariaDbServer oldPrimary = cluster.primary();
        MariaDbServer second = cluster.replicas().get(0);
        MariaDbServer third = cluster.replicas().get(1);
        oldPrimary.execute("INSERT INTO test.ops VALUES (1), (2), (3)");
        cluster.awaitReplication(Duration.ofSeconds(10));

        oldPrimary.kill();
        await(Duration.ofSeconds(15), () -> isMaster(second) || isMaster(third), "a replica is promoted");
        MariaDbServer newPrimary = isMaster(second) ? second : third;
        MariaDbServer replica = newPrimary == second ? third : second;
        newPrimary.execute("INSERT INTO test.ops VALUES (4)");

        oldPrimary.start();
        await(Duration.ofSeconds(15), () -> replicatesFrom(oldPrimary, newPrimary) && isSlave(oldPrimary),
                "the restarted old primary replicates from " + newPrimary.name());
        assertThat(oldPrimary.queryValue("SELECT @@read_only")).isEqualTo("1");
        newPrimary.execute("INSERT INTO test.ops VALUES (5)");
        await(Duration.ofSeconds(10), () -> count(oldPrimary, "id IN (4, 5)") == 2,
                "the rejoined server receives the new primary's writes");

        // A replica that leaves replication and writes on its own has a history the primary never had.
        replica.execute("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF; INSERT INTO test.ops VALUES (1000)");
        await(Duration.ofSeconds(10), () -> {
            Object refused = monitor().diagnostics().get("rejoin_refused");
            return refused instanceof Map<?, ?> m && String.valueOf(m.get(replica.name())).contains("diverged");
        }, "the monitor reports why " + replica.name() + " is not rejoined");
        Thread.sleep(1500);
        assertThat(replica.queryMaps("SHOW ALL SLAVES STATUS")).as("the diverged server was left alone").isEmpty();
        assertThat(isSlave(replica)).isFalse();
        assertThat(isMaster(newPrimary)).isTrue();
    }
}
