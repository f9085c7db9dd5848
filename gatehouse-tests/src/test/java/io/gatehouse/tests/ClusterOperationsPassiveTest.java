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
 * replicating from it, nobody is promoted) while its monitor still reports what it sees, and manual cluster
 * operations are refused, as MaxScale runs them only in active mode; once passive is turned off at runtime with
 * gatectl, the same monitor fails over. JUnit thread; no Netty buffers.
 */
class ClusterOperationsPassiveTest extends ClusterOperationsBaseTest {

    @Test
    void aPassiveInstanceDoesNotFailOverUntilItIsMadeActive() throws Exception {
        start("auto_failover=true\nfailcount=1", cnf -> cnf.replace("[maxscale]\n", "[maxscale]\npassive=true\n"));
        MariaDbServer primary = cluster.primary();
        MariaDbServer replica = cluster.replicas().get(0);
        await(Duration.ofSeconds(10), () -> isMaster(primary) && isSlave(replica), "the monitor sees the roles");
        String[] switchover = gatectl("call", "command", "mariadbmon", "switchover", MONITOR, replica.name());
        assertThat(switchover[0]).as(switchover[1]).isNotEqualTo("0");
        assertThat(switchover[1]).contains("switchover refused").contains("passive");
        assertThat(replica.queryValue("SELECT @@read_only")).as("the replica stays read-only").isEqualTo("1");
        assertThat(isMaster(primary)).as("the primary keeps its role").isTrue();
        primary.kill();
        await(Duration.ofSeconds(10), () -> !isMaster(primary), "the monitor sees the primary down");
        // Several monitor passes (500 ms each) with failcount=1: an active monitor would have promoted by now.
        Thread.sleep(3000);
        for (MariaDbServer r : cluster.replicas()) {
            assertThat(isMaster(r)).as(r.name() + " promoted by a passive instance").isFalse();
            assertThat(r.queryValue("SELECT @@read_only")).as(r.name()).isEqualTo("1");
        }
        String[] activate = gatectl("alter", "maxscale", "passive", "false");
        assertThat(activate[0]).as(activate[1]).isEqualTo("0");
        await(Duration.ofSeconds(20), () -> cluster.replicas().stream().anyMatch(this::isMaster),
                "a replica is promoted once the instance is active");
    }

    /** Runs gatectl against this test's Gatehouse: its exit code, then what it printed (out and err). */
    private String[] gatectl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--hosts";
        all[1] = "127.0.0.1:" + gatehouse.admin().port();
        System.arraycopy(args, 0, all, 2, args.length);
        int rc = Gatectl.run(all, new PrintWriter(out), new PrintWriter(err));
        return new String[] {Integer.toString(rc), out + "\n" + err};
    }
}
