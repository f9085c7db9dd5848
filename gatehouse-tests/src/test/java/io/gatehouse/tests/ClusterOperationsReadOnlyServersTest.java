package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * enforce_read_only_servers: a server that stopped replicating and was made writable is not a replica, so
 * enforce_read_only_slaves would leave it alone; with enforce_read_only_servers the monitor makes it read-only again,
 * and the primary stays writable. JUnit thread; no Netty buffers.
 */
class ClusterOperationsReadOnlyServersTest extends ClusterOperationsBaseTest {

    @Test
    void everyServerButThePrimaryIsMadeReadOnly() throws Exception {
        start("enforce_read_only_servers=true");
        MariaDbServer primary = cluster.primary();
        MariaDbServer standalone = cluster.replicas().get(0);
        standalone.execute("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF");
        await(Duration.ofSeconds(10), () -> "1".equals(standalone.queryValue("SELECT @@global.read_only")),
                standalone.name() + " is made read-only although it replicates from nobody");
        assertThat(isSlave(standalone)).as("it is no replica").isFalse();
        assertThat(primary.queryValue("SELECT @@global.read_only")).isEqualTo("0");
    }
}
