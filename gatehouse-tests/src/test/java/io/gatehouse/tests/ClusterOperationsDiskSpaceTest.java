package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.runtime.RuntimeChanges;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * disk_space_threshold and disk_space_check_interval with mariadbmon on real servers with the DISKS plugin: a limit
 * every disk exceeds marks each server "Disk Space Exhausted", puts the replicas into maintenance
 * (maintenance_on_low_disk_space) and takes Master from the primary (master_conditions' default disk_space_ok); a
 * limit no disk reaches gives the primary back its role while the replicas stay in maintenance until an operator
 * clears it. JUnit thread; no Netty buffers.
 */
class ClusterOperationsDiskSpaceTest extends ClusterOperationsBaseTest {

    @Test
    void fullDisksAreSeenAndActedUpon() throws Exception {
        start("disk_space_threshold=*:100\ndisk_space_check_interval=1s", cnf -> {
            for (MariaDbServer s : cluster.servers()) {
                s.execute("SET SQL_LOG_BIN = 0; INSTALL SONAME 'disks'; GRANT FILE ON *.* TO '"
                        + Accounts.SERVICE_USER + "'@'%'");
            }
            return cnf;
        });
        MariaDbServer primary = cluster.primary();
        // Every disk is more than 1% full.
        RuntimeChanges.of(gatehouse.runtime()).alterMonitor(MONITOR, Map.of("disk_space_threshold", "*:1"));
        for (MariaDbServer s : cluster.servers()) {
            await(Duration.ofSeconds(10), () -> ServerStatus.has(status(s), ServerStatus.DISK_SPACE_EXHAUSTED),
                    s.name() + " is seen as out of disk space");
        }
        for (MariaDbServer r : cluster.replicas()) {
            await(Duration.ofSeconds(10), () -> ServerStatus.has(status(r), ServerStatus.MAINTENANCE),
                    r.name() + " is put into maintenance");
        }
        await(Duration.ofSeconds(10), () -> !isMaster(primary), "a full primary is no Master (disk_space_ok)");
        assertThat(ServerStatus.has(status(primary), ServerStatus.MAINTENANCE)).as("the primary keeps serving")
                .isFalse();

        RuntimeChanges.of(gatehouse.runtime()).alterMonitor(MONITOR, Map.of("disk_space_threshold", "*:100"));
        await(Duration.ofSeconds(10), () -> isMaster(primary), "Master again once the limit is not reached");
        for (MariaDbServer r : cluster.replicas()) {
            assertThat(ServerStatus.has(status(r), ServerStatus.DISK_SPACE_EXHAUSTED)).isFalse();
            assertThat(ServerStatus.has(status(r), ServerStatus.MAINTENANCE)).as("cleared only by an operator")
                    .isTrue();
            gatehouse.runtime().servers().get(r.name()).setAdminBits(ServerStatus.MAINTENANCE, false);
            await(Duration.ofSeconds(10), () -> isSlave(r), r.name() + " is a Slave once maintenance is cleared");
        }
    }
}
