package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * readwritesplit's {@code strict_tmp_tables} (default true, as in MaxScale 24.02): a session that holds temporary
 * tables ends when its primary is lost, since the tables lived there; with {@code strict_tmp_tables=false}, or
 * without temporary tables, it reads on from the replicas ({@code master_failure_mode=fail_on_write}). Own cluster
 * (its primary is killed). JUnit test thread.
 */
class StrictTmpTablesTest {
    @Test
    void aSessionWithTemporaryTablesEndsWithItsPrimaryUnlessNotStrict(@TempDir Path dir) throws Exception {
        try (MariaDbCluster cluster = MariaDbCluster.start(null, 2)) {
            Path file = PrimaryLossBed.configWithSplitService(cluster, dir, "Loose", "strict_tmp_tables=false\n");
            Set<String> replicas = PrimaryLossBed.replicaIds(cluster);
            try (Gatehouse gh = Gatehouse.start(file);
                 BlockingClient strict = PrimaryLossBed.connect(gh.port("Split-Listener"));
                 BlockingClient noTables = PrimaryLossBed.connect(gh.port("Split-Listener"));
                 BlockingClient loose = PrimaryLossBed.connect(gh.port("Loose-Listener"))) {
                strict.execute("CREATE TEMPORARY TABLE tmp_strict (a INT)");
                loose.execute("CREATE TEMPORARY TABLE tmp_loose (a INT)");
                assertThat(noTables.query("SELECT @@server_id").scalar()).isIn(replicas);
                cluster.primary().kill();
                Thread.sleep(300);
                assertThatThrownBy(() -> strict.query("SELECT @@server_id"))
                        .as("strict_tmp_tables=true: the session ended with its primary")
                        .isInstanceOfAny(ServerErrorException.class, IOException.class);
                assertThat(loose.query("SELECT @@server_id").scalar()).as("strict_tmp_tables=false").isIn(replicas);
                assertThat(noTables.query("SELECT @@server_id").scalar()).as("no temporary tables").isIn(replicas);
            }
        }
    }
}
