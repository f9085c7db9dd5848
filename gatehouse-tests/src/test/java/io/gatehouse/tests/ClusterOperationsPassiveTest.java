package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.testkit.MariaDbServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The global passive: a passive instance with auto_failover on leaves a killed primary alone (the replicas keep
 * replicating from it, nobody is promoted) while its monitor still reports what it sees; once passive is turned off
 * at runtime with gatectl, the same monitor fails over. JUnit thread; no Netty buffers.
 */
class ClusterOperationsPassiveTest extends ClusterOperationsBaseTest {

    @Test
    void aPassiveInstanceDoesNotFailOverUntilItIsMadeActive() throws Exception {
        start("auto_failover=true\nfailcount=1", cnf -> cnf.replace("[maxscale]\n", "[maxscale]\npassive=true\n"));
        MariaDbServer primary = cluster.primary();
        primary.kill();
        await(Duration.ofSeconds(10), () -> !isMaster(primary), "the monitor sees the primary down");
        // Several monitor passes (500 ms each) with failcount=1: an active monitor would have promoted by now.
        Thread.sleep(3000);
        for (MariaDbServer r : cluster.replicas()) {
            assertThat(isMaster(r)).as(r.name() + " promoted by a passive instance").isFalse();
            assertThat(r.queryValue("SELECT @@read_only")).as(r.name()).isEqualTo("1");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Gatectl.run(new String[] {"--hosts", "127.0.0.1:" + gatehouse.admin().port(), "alter", "maxscale",
            "passive", "false"}, new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as(err.toString()).isZero();
        await(Duration.ofSeconds(20), () -> cluster.replicas().stream().anyMatch(this::isMaster),
                "a replica is promoted once the instance is active");
    }
}
