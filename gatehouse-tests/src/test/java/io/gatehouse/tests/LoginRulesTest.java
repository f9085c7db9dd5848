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
 * Who may log in through a service and what they are told when they may not: {@code max_connections} (1040),
 * {@code enable_root_user}, database grants (1044), accounts created after start (found by a reload after the failed
 * login). JUnit test thread; blocking clients own no Netty buffers.
 */
@ExtendWith(MariaDbExtension.class)
class LoginRulesTest {
    private static ClientOptions as(int port, String user, String password) {
        return ClientOptions.tcp("127.0.0.1", port, user, password).withTimeouts(Duration.ofSeconds(10));
    }

    private static int code(ThrowingConnect c) {
        try {
            c.run().close();
        } catch (ServerErrorException e) {
            return e.code();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the login succeeded");
    }

    private interface ThrowingConnect {
        BlockingClient run() throws Exception;
    }

    @Test
    void loginRules(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String cnf = GatehouseExtension.config(cluster, dir)
                .replace("router_options=master\n", "router_options=master\nmax_connections=2\n");
        cnf = cnf.replace("[maxscale]\n", "[maxscale]\nusers_refresh_time=0s\n");
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        try (Gatehouse gh = Gatehouse.start(file)) {
            int port = gh.port("Write-Listener");
            try (BlockingClient a = BlockingClient.connect(as(port, Accounts.APP_USER, Accounts.APP_PASSWORD));
                 BlockingClient b = BlockingClient.connect(as(port, Accounts.APP_USER, Accounts.APP_PASSWORD))) {
                assertThat(code(() -> BlockingClient.connect(as(port, Accounts.APP_USER, Accounts.APP_PASSWORD))))
                        .isEqualTo(1040);
                assertThat(a.query("SELECT 1").scalar()).isEqualTo("1");
                assertThat(b.query("SELECT 1").scalar()).isEqualTo("1");
            }
            // The slots are free again once those sessions ended.
            Thread.sleep(200);
            assertThat(code(() -> BlockingClient.connect(as(port, Accounts.ROOT_USER, Accounts.ROOT_PASSWORD))))
                    .as("root is refused unless enable_root_user=true").isEqualTo(1045);

            cluster.primary().execute("CREATE USER 'late'@'%' IDENTIFIED BY 'latepwd'; GRANT SELECT ON test.* TO 'late'@'%'");
            cluster.awaitReplication(Duration.ofSeconds(10));
            try (BlockingClient late = BlockingClient.connect(as(port, "late", "latepwd").withDatabase("test"))) {
                assertThat(late.query("SELECT CURRENT_USER()").scalar()).isEqualTo("late@%");
                assertThat(code(() -> BlockingClient.connect(as(port, "late", "latepwd").withDatabase("mysql"))))
                        .as("no grant on the mysql database").isEqualTo(1044);
            } finally {
                cluster.primary().execute("DROP USER 'late'@'%'");
            }
        }
    }
}
