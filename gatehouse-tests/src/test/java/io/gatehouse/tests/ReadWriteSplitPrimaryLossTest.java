package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code master_failure_mode}: with the default {@code fail_on_write} a session whose primary died keeps reading
 * from the replicas and ends at its first write; with {@code error_on_write} the write gets an error and the
 * session carries on. The router's diagnostics count statements per server. Own cluster. JUnit test thread.
 */
class ReadWriteSplitPrimaryLossTest {
    @Test
    void sessionsOutliveThePrimaryUntilTheyWrite(@TempDir Path dir) throws Exception {
        try (MariaDbCluster cluster = MariaDbCluster.start(null, 2)) {
            String cnf = GatehouseExtension.config(cluster, dir)
                    + "[Errors-Service]\ntype=service\nrouter=readwritesplit\nmaster_failure_mode=error_on_write\n"
                    + "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword="
                    + Accounts.SERVICE_PASSWORD + "\n\n[Errors-Listener]\ntype=listener\nservice=Errors-Service\n"
                    + "address=127.0.0.1\nport=0\n";
            Path file = dir.resolve("gatehouse.cnf");
            Files.writeString(file, cnf);
            Set<String> replicas = cluster.replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                    .collect(Collectors.toSet());
            try (Gatehouse gh = Gatehouse.start(file);
                 BlockingClient failOnWrite = connect(gh.port("Split-Listener"));
                 BlockingClient errorOnWrite = connect(gh.port("Errors-Listener"))) {
                failOnWrite.execute("CREATE TABLE IF NOT EXISTS pl (a INT)");
                cluster.primary().kill();
                Thread.sleep(300);
                assertThat(failOnWrite.query("SELECT @@server_id").scalar()).isIn(replicas);
                assertThat(errorOnWrite.query("SELECT @@server_id").scalar()).isIn(replicas);

                assertThatThrownBy(() -> errorOnWrite.execute("INSERT INTO pl VALUES (1)"))
                        .isInstanceOf(ServerErrorException.class);
                assertThat(errorOnWrite.query("SELECT @@server_id").scalar()).isIn(replicas);

                assertThatThrownBy(() -> {
                    failOnWrite.execute("INSERT INTO pl VALUES (1)");
                    failOnWrite.query("SELECT 1");
                }).isInstanceOfAny(ServerErrorException.class, IOException.class);
                @SuppressWarnings("unchecked")
                Map<String, Object> perServer = (Map<String, Object>) gh.runtime().services().get("Split-Service")
                        .router().diagnostics().get("server_query_statistics");
                assertThat(perServer).containsKey(cluster.primary().name());
            }
        }
    }

    private static BlockingClient connect(int port) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER, Accounts.APP_PASSWORD)
                .withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(20)));
    }
}
