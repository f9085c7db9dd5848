package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
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
            Path file = PrimaryLossBed.configWithSplitService(cluster, dir, "Errors", "master_failure_mode=error_on_write\n");
            Set<String> replicas = PrimaryLossBed.replicaIds(cluster);
            try (Gatehouse gh = Gatehouse.start(file);
                 BlockingClient failOnWrite = PrimaryLossBed.connect(gh.port("Split-Listener"));
                 BlockingClient errorOnWrite = PrimaryLossBed.connect(gh.port("Errors-Listener"))) {
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
}
