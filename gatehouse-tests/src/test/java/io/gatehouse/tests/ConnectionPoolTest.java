package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code persistpoolmax}: a backend connection left idle by one session is reused by the next one on the same
 * worker, whatever the router, logged in as the new user and with nothing of the previous session left (variables,
 * temporary tables, transactions and their locks). JUnit test thread; blocking clients, no Netty buffers.
 */
@ExtendWith(MariaDbExtension.class)
class ConnectionPoolTest {
    @Test
    void idleBackendConnectionsAreResetAndReused(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String cnf = GatehouseExtension.config(cluster, dir).replace("threads=2", "threads=1")
                .replace("type=server\n", "type=server\npersistpoolmax=4\npersistmaxtime=60s\n");
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        try (Gatehouse gh = Gatehouse.start(file)) {
            int port = gh.port("Write-Listener");
            long firstBackendThread;
            try (BlockingClient a = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER,
                    Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(10)))) {
                a.execute("SET @left_behind = 42");
                a.execute("CREATE TEMPORARY TABLE pool_tmp (a INT)");
                firstBackendThread = Long.parseLong(a.query("SELECT CONNECTION_ID()").scalar());
            }
            Thread.sleep(300);
            try (BlockingClient b = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER,
                    Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(10)))) {
                assertThat(Long.parseLong(b.query("SELECT CONNECTION_ID()").scalar())).isEqualTo(firstBackendThread);
                assertThat(b.query("SELECT @left_behind").scalar()).isNull();
                assertThatThrownBy(() -> b.query("SELECT * FROM pool_tmp"))
                        .isInstanceOfSatisfying(ServerErrorException.class, e -> assertThat(e.code()).isEqualTo(1146));
            }
            Thread.sleep(300);
            try (BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port,
                    Accounts.SERVICE_USER, Accounts.SERVICE_PASSWORD).withTimeouts(Duration.ofSeconds(10)))) {
                assertThat(Long.parseLong(c.query("SELECT CONNECTION_ID()").scalar())).isEqualTo(firstBackendThread);
                assertThat(c.query("SELECT CURRENT_USER()").scalar()).startsWith(Accounts.SERVICE_USER + "@");
                assertThat(c.query("SELECT DATABASE()").scalar()).isNull();
            }
            assertThat(gh.runtime().servers().get(cluster.primary().name()).reusedConnections()).isPositive();
        }
    }

    private static BlockingClient app(int port) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER, Accounts.APP_PASSWORD)
                .withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(10)));
    }

    private static int backendConnections(Gatehouse gh, MariaDbCluster cluster) {
        return cluster.servers().stream().mapToInt(s -> gh.runtime().servers().get(s.name()).currentConnections())
                .sum();
    }

    @Test
    void readWriteSplitReusesConnectionsAndNoLockOutlivesItsClient(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        try (Connection root = DriverManager.getConnection(cluster.primary().jdbcUrl(), Accounts.ROOT_USER,
                Accounts.ROOT_PASSWORD); Statement st = root.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS test.pool_lock (id INT PRIMARY KEY)");
            st.execute("INSERT IGNORE INTO test.pool_lock VALUES (1)");
        }
        String cnf = GatehouseExtension.config(cluster, dir).replace("threads=2", "threads=1")
                .replace("type=server\n", "type=server\npersistpoolmax=10\npersistmaxtime=60s\n");
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        try (Gatehouse gh = Gatehouse.start(file)) {
            int port = gh.port("Split-Listener");
            try (BlockingClient warm = app(port)) {
                warm.query("SELECT 1");
            }
            // A client leaves inside a transaction that holds a row lock.
            try (BlockingClient a = app(port)) {
                a.execute("START TRANSACTION");
                assertThat(a.query("SELECT id FROM test.pool_lock WHERE id = 1 FOR UPDATE").scalar()).isEqualTo("1");
            }
            long deadline = System.nanoTime() + 1_000_000_000L;
            try (Connection b = DriverManager.getConnection(cluster.primary().jdbcUrl(), Accounts.ROOT_USER,
                    Accounts.ROOT_PASSWORD); Statement st = b.createStatement()) {
                st.execute("START TRANSACTION");
                while (true) {
                    try {
                        st.executeQuery("SELECT id FROM test.pool_lock WHERE id = 1 FOR UPDATE NOWAIT").close();
                        break;
                    } catch (SQLException e) {
                        assertThat(System.nanoTime()).as("the row is still locked: %s", e.getMessage())
                                .isLessThan(deadline);
                        Thread.sleep(20);
                    }
                }
                st.execute("ROLLBACK");
            }
            // Connect, query, disconnect: the pool serves them, the backend connection count stays flat.
            for (int i = 0; i < 5; i++) {
                try (BlockingClient c = app(port)) {
                    c.query("SELECT 1");
                }
            }
            long reusedBefore = cluster.servers().stream()
                    .mapToLong(s -> gh.runtime().servers().get(s.name()).reusedConnections()).sum();
            int flat = backendConnections(gh, cluster);
            for (int i = 0; i < 40; i++) {
                try (BlockingClient c = app(port)) {
                    c.query("SELECT 1");
                    c.execute("SET @x = " + i);
                }
                // A session may arrive while a parked connection's reset is still on its way (then it opens one
                // more); at most one such extra per server, never one per session.
                assertThat(backendConnections(gh, cluster)).as("backend connections after %d sessions", i + 6)
                        .isLessThanOrEqualTo(flat + cluster.servers().size());
            }
            long reused = cluster.servers().stream()
                    .mapToLong(s -> gh.runtime().servers().get(s.name()).reusedConnections()).sum() - reusedBefore;
            assertThat(reused).as("pooled connections taken by readwritesplit sessions").isGreaterThanOrEqualTo(40);
        }
    }
}
