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
 * mariadbmon's switchover_on_low_disk_space on real servers with the DISKS plugin: when only the primary's own
 * disk_space_threshold is exceeded, the monitor hands the primary role to a replica (which has disk space left) and
 * the old primary, now a replica low on disk, goes into maintenance (maintenance_on_low_disk_space). Without the
 * parameter the same full primary only loses Master (ClusterOperationsDiskSpaceTest). JUnit thread; no Netty buffers.
 */
class ClusterOperationsLowDiskSwitchoverTest extends ClusterOperationsBaseTest {

    @Test
    void aPrimaryLowOnDiskHandsItsRoleToAReplica() throws Exception {
        start("disk_space_check_interval=1s\nswitchover_on_low_disk_space=true", cnf -> {
            for (MariaDbServer s : cluster.servers()) {
                s.execute("SET SQL_LOG_BIN = 0; INSTALL SONAME 'disks'; GRANT FILE ON *.* TO '"
                        + Accounts.SERVICE_USER + "'@'%'");
            }
            return cnf;
        });
        MariaDbServer old = cluster.primary();
        // Only the primary's own limit is reached: every disk is more than 1% full.
        RuntimeChanges.of(gatehouse.runtime()).alterServer(old.name(), Map.of("disk_space_threshold", "*:1"));
        await(Duration.ofSeconds(60), () -> cluster.replicas().stream().anyMatch(this::isMaster),
                "a replica with disk space left became the primary");
        MariaDbServer neu = cluster.replicas().stream().filter(this::isMaster).findFirst().orElseThrow();
        assertThat(neu.queryValue("SELECT @@read_only")).isEqualTo("0");
        assertThat(isMaster(old)).isFalse();
        await(Duration.ofSeconds(20), () -> ServerStatus.has(status(old), ServerStatus.MAINTENANCE),
                "the old primary, a replica low on disk now, goes into maintenance");
        assertThat(ServerStatus.has(status(old), ServerStatus.DISK_SPACE_EXHAUSTED)).isTrue();
    }
}
