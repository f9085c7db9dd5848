package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * mariadbmon's write test: a primary whose binary log is still gets a row inserted into write_test_table every
 * write_test_interval; a primary that cannot write (here a client holds FLUSH TABLES WITH READ LOCK) fails it
 * within backend_read_timeout: with write_test_fail_action=log that is logged and counted and nothing else
 * changes; with failover the primary goes into maintenance and a replica takes over. Own cluster per test; JUnit
 * thread; blocking clients only, no Netty buffers.
 */
class ClusterOperationsWriteTestTest extends ClusterOperationsBaseTest {
    // The base configuration has backend_read_timeout=2s: a write test waits at most that long.
    private static final String PARAMS = "write_test_interval=1s\n";

    private long diagnostic(String key) {
        return ((Number) monitor().diagnostics().get(key)).longValue();
    }

    /** The write test's database; the monitor creates the table in it, as MaxScale's documentation asks. */
    private void createDatabase() {
        cluster.primary().execute("CREATE DATABASE mxs; GRANT SELECT, INSERT, DELETE, CREATE, DROP ON mxs.* TO '"
                + Accounts.SERVICE_USER + "'@'%'");
    }

    /** A client holding the global read lock on {@code s}: every write there waits until it goes. */
    private static BlockingClient readLock(MariaDbServer s) throws Exception {
        BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", s.port(), Accounts.ROOT_USER,
                Accounts.ROOT_PASSWORD).withTimeouts(Duration.ofSeconds(10)));
        c.query("FLUSH TABLES WITH READ LOCK");
        return c;
    }

    @Test
    void aStillPrimaryIsWrittenToAndAFailureIsLogged() throws Exception {
        start(PARAMS);
        createDatabase();
        MariaDbServer primary = cluster.primary();
        await(Duration.ofSeconds(20), () -> diagnostic("write_tests") >= 2, "two write tests were done");
        assertThat(Long.parseLong(primary.queryValue("SELECT COUNT(*) FROM mxs.maxscale_write_test")))
                .as("rows the write tests inserted").isPositive();
        assertThat(diagnostic("write_test_failures")).isZero();

        try (BlockingClient lock = readLock(primary)) {
            await(Duration.ofSeconds(20), () -> diagnostic("write_test_failures") >= 1, "a write test failed");
            assertThat(isMaster(primary)).as("write_test_fail_action=log changes nothing").isTrue();
            assertThat(ServerStatus.has(status(primary), ServerStatus.MAINTENANCE)).isFalse();
            lock.query("UNLOCK TABLES");
        }
    }

    @Test
    void aPrimaryThatCannotWriteIsFailedOverFrom() throws Exception {
        start(PARAMS + "write_test_fail_action=failover\n");
        createDatabase();
        MariaDbServer old = cluster.primary();
        await(Duration.ofSeconds(20), () -> diagnostic("write_tests") >= 1, "a write test was done");
        try (BlockingClient lock = readLock(old)) {
            await(Duration.ofSeconds(30), () -> ServerStatus.has(status(old), ServerStatus.MAINTENANCE)
                    && cluster.replicas().stream().anyMatch(this::isMaster), "a replica took over");
            Map<String, Object> d = monitor().diagnostics();
            assertThat(String.valueOf(d.get("last_operation"))).contains("failed the write test");
            lock.query("UNLOCK TABLES");
        }
        MariaDbServer neu = cluster.replicas().stream().filter(this::isMaster).findFirst().orElseThrow();
        // The new primary takes writes through Gatehouse's write service.
        neu.execute("INSERT INTO test.ops VALUES (1)");
        assertThat(neu.queryValue("SELECT @@read_only")).isEqualTo("0");
    }
}
