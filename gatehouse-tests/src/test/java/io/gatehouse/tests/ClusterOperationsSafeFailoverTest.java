package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * auto_failover=safe: when the GTIDs show that the dead primary had transactions no replica received, automatic
 * failover is refused, the cluster is left untouched and the reason is reported; an operator's failover command
 * still promotes a replica. JUnit thread; no Netty buffers.
 */
class ClusterOperationsSafeFailoverTest extends ClusterOperationsBaseTest {

    @Test
    void safeFailoverRefusesToLoseTransactions() throws Exception {
        start("auto_failover=safe\nfailcount=2");
        MariaDbServer primary = cluster.primary();
        for (MariaDbServer r : cluster.replicas()) {
            r.execute("STOP SLAVE IO_THREAD");
        }
        primary.execute("INSERT INTO test.ops VALUES (1), (2)");
        monitor().tickNow();
        primary.kill();

        await(Duration.ofSeconds(10), () -> monitor().diagnostics().get("failover_refused") != null,
                "the monitor reports that failover was refused");
        assertThat(monitor().diagnostics().get("failover_refused").toString())
                .contains("safe").contains(primary.name());
        Thread.sleep(1500);
        for (MariaDbServer r : cluster.replicas()) {
            assertThat(isMaster(r)).as("%s was not promoted", r.name()).isFalse();
            assertThat(r.queryMaps("SHOW ALL SLAVES STATUS")).as("%s still points at the old primary", r.name())
                    .singleElement().satisfies(m -> assertThat(m.get("Master_Port"))
                            .isEqualTo(String.valueOf(primary.port())));
            assertThat(r.queryValue("SELECT @@read_only")).isEqualTo("1");
        }

        // The operator may accept the loss: the command promotes a replica and the other one follows it.
        monitor().call("failover", java.util.List.of());
        MariaDbServer a = cluster.replicas().get(0);
        MariaDbServer b = cluster.replicas().get(1);
        assertThat(isMaster(a) ^ isMaster(b)).isTrue();
        MariaDbServer promoted = isMaster(a) ? a : b;
        MariaDbServer follower = promoted == a ? b : a;
        assertThat(promoted.queryValue("SELECT @@read_only")).isEqualTo("0");
        await(Duration.ofSeconds(10), () -> replicatesFrom(follower, promoted), follower.name() + " follows "
                + promoted.name());
    }
}
