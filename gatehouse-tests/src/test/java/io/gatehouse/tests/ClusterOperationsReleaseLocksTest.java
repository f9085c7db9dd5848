package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * cooperative_monitoring_locks and the release-locks command: the monitor takes MaxScale's locks
 * ({@code maxscale_mariadbmonitor} on every server, {@code maxscale_mariadbmonitor_master} on the primary), gives
 * them all back on the command and does not take them again in the following passes; a second release has nothing
 * to give back and says so. JUnit thread; no Netty buffers.
 */
class ClusterOperationsReleaseLocksTest extends ClusterOperationsBaseTest {
    private static final String LOCK = "maxscale_mariadbmonitor";
    private static final String MASTER_LOCK = "maxscale_mariadbmonitor_master";

    @Test
    void releaseLocksGivesBackMaxScalesLocksAndKeepsThemFree() throws Exception {
        start("cooperative_monitoring_locks=majority_of_all");
        MariaDbServer primary = cluster.primary();
        await(Duration.ofSeconds(10), () -> Boolean.TRUE.equals(monitor().diagnostics().get("cooperative_primary"))
                && cluster.servers().stream().allMatch(s -> locked(s, LOCK)) && locked(primary, MASTER_LOCK),
                "the monitor holds the lock of every server and the primary lock");
        for (MariaDbServer r : cluster.replicas()) {
            assertThat(locked(r, MASTER_LOCK)).as(r.name()).isFalse();
        }

        Object result = monitor().call("release-locks", List.of());
        assertThat(((Map<?, ?>) result).get("result").toString()).startsWith("released 4 lock(s)");
        assertThat(monitor().diagnostics().get("cooperative_primary")).isEqualTo(false);
        // Several passes (500 ms each) later the locks are still free.
        Thread.sleep(2000);
        for (MariaDbServer s : cluster.servers()) {
            assertThat(locked(s, LOCK)).as(s.name()).isFalse();
            assertThat(locked(s, MASTER_LOCK)).as(s.name()).isFalse();
        }
        assertThatThrownBy(() -> monitor().call("release-locks", List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("held no locks");
        assertThat(ClusterOperationsAsyncCommandsTest.detail(monitor().call("fetch-cmd-result", List.of())))
                .contains("held no locks");
    }

    private static boolean locked(MariaDbServer s, String lock) {
        return "1".equals(s.queryValue("SELECT IS_USED_LOCK('" + lock + "') IS NOT NULL"));
    }
}
