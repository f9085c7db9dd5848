package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A readwritesplit session outlives a replica: reads carry on elsewhere with the same session state, and when the
 * replica comes back the session connects to it again, replays its session commands (variables, text prepared
 * statements) and reads there with the same state. Own cluster, since it kills a server. JUnit test thread.
 */
class ReadWriteSplitReplicaLossTest {
    @Test
    void lostReplicasAreReplacedWithTheSessionStateReplayed(@TempDir Path dir) throws Exception {
        try (MariaDbCluster cluster = MariaDbCluster.start(null, 2)) {
            Path cnf = dir.resolve("gatehouse.cnf");
            Files.writeString(cnf, GatehouseExtension.config(cluster, dir));
            try (Gatehouse gh = Gatehouse.start(cnf);
                 BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port("Split-Listener"),
                         Accounts.APP_USER, Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE)
                         .withTimeouts(Duration.ofSeconds(20)))) {
                c.execute("SET @kept = 'state'");
                c.execute("PREPARE show_kept FROM 'SELECT @kept, @@server_id'");
                MariaDbServer lost = cluster.replicas().get(0);
                lost.kill();
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 20; i++) {
                    List<String> row = c.query("SELECT @kept, @@server_id").rows().get(0);
                    assertThat(row.get(0)).isEqualTo("state");
                    seen.add(row.get(1));
                }
                assertThat(seen).doesNotContain(String.valueOf(lost.serverId()));

                lost.start();
                var server = gh.runtime().servers().get(lost.name());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!ServerStatus.has(server.status(), ServerStatus.SLAVE) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(ServerStatus.describe(server.status())).isEqualTo("Slave, Running");
                boolean backOnLost = false;
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!backOnLost && System.nanoTime() < deadline) {
                    List<String> row = c.query("EXECUTE show_kept").rows().get(0);
                    assertThat(row.get(0)).isEqualTo("state");
                    backOnLost = row.get(1).equals(String.valueOf(lost.serverId()));
                    Thread.sleep(20);
                }
                assertThat(backOnLost).as("reads reach the returned replica again").isTrue();
            }
        }
    }
}
