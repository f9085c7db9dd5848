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
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code persistpoolmax}: a backend connection left idle by one session is reused by the next one on the same
 * worker, logged in as the new user and with nothing of the previous session left (variables, temporary tables).
 * JUnit test thread; blocking clients, no Netty buffers.
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
}
