package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hintfilter in front of readwritesplit: every hint form of MaxScale's comment syntax sends the statement where
 * it says, asserted with {@code @@server_id}. Its own Gatehouse in front of the shared cluster. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class HintFilterTest {
    @Test
    void hintsRouteStatements(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String cnf = GatehouseExtension.config(cluster, dir)
                .replace("router=readwritesplit\n", "router=readwritesplit\nfilters=Hints\n")
                + "[Hints]\ntype=filter\nmodule=hintfilter\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        String primary = String.valueOf(cluster.primary().serverId());
        Set<String> replicas = cluster.replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                .collect(Collectors.toSet());
        MariaDbServer second = cluster.replicas().get(1);
        try (Gatehouse gh = Gatehouse.start(file);
             BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port("Split-Listener"),
                     Accounts.APP_USER, Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE)
                     .withTimeouts(Duration.ofSeconds(20)))) {
            assertThat(c.query("SELECT @@server_id").scalar()).isIn(replicas);
            assertThat(c.query("SELECT @@server_id -- maxscale route to master").scalar()).isEqualTo(primary);
            assertThat(c.query("SELECT /* maxscale route to master */ @@server_id").scalar()).isEqualTo(primary);
            assertThat(c.query("SELECT @@server_id # maxscale route to slave").scalar()).isIn(replicas);
            for (int i = 0; i < 4; i++) {
                assertThat(c.query("SELECT /* maxscale route to server " + second.name() + " */ @@server_id")
                        .scalar()).isEqualTo(String.valueOf(second.serverId()));
            }
            String last = c.query("SELECT @@server_id").scalar();
            for (int i = 0; i < 4; i++) {
                assertThat(c.query("SELECT @@server_id -- maxscale route to last").scalar()).isEqualTo(last);
            }
            // A named hint, then active for every statement until the end.
            c.query("SELECT 1 -- maxscale to_primary prepare route to master");
            assertThat(c.query("SELECT @@server_id").scalar()).isIn(replicas);
            c.query("SELECT 1 -- maxscale to_primary begin");
            for (int i = 0; i < 3; i++) {
                assertThat(c.query("SELECT @@server_id").scalar()).isEqualTo(primary);
            }
            c.query("SELECT 1 -- maxscale end");
            assertThat(c.query("SELECT @@server_id").scalar()).isIn(replicas);
            // An anonymous block.
            c.query("SELECT 1 -- maxscale begin route to server " + second.name());
            assertThat(c.query("SELECT @@server_id").scalar()).isEqualTo(String.valueOf(second.serverId()));
            c.query("SELECT 1 -- maxscale end");
            // A lag limit that no replica can fail still lets reads go to replicas; hints never move writes.
            assertThat(c.query("SELECT @@server_id -- maxscale max_slave_replication_lag=100").scalar()).isIn(replicas);
            c.execute("CREATE TABLE IF NOT EXISTS hint_w (a INT)");
            c.execute("INSERT INTO hint_w VALUES (1) -- maxscale route to slave");
        }
    }
}
