package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.scalar;
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
import java.sql.Connection;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hintfilter: in front of readwritesplit every hint form of MaxScale's comment syntax sends the statement where
 * it says, asserted with {@code @@server_id}, with Gatehouse's own client, MariaDB Connector/J and the mariadb CLI;
 * readconnroute, which routes whole sessions, keeps each statement on its session's server whatever the hint says.
 * Its own Gatehouse in front of the shared cluster. JUnit test thread.
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

    @Test
    void realClientsThroughBothRouters(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        // readconnroute serves replicas here, so a hint to the primary that it obeyed would show.
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=hintfilter", "slave")) {
            MariaDbServer second = cluster.replicas().get(1);
            String secondId = String.valueOf(second.serverId());
            String primaryName = cluster.primary().name();
            try (Connection c = bed.connect(SPLIT)) {
                bed.awaitReplicaRead(c);
                assertThat(scalar(c, "SELECT @@server_id -- maxscale route to master")).isEqualTo(bed.primaryId());
                assertThat(scalar(c, "SELECT /* maxscale route to server " + second.name() + " */ @@server_id"))
                        .isEqualTo(secondId);
                assertThat(scalar(c, "SELECT @@server_id # maxscale route to slave")).isIn(bed.replicaIds());
                scalar(c, "SELECT 1 -- maxscale to_primary prepare route to master");
                scalar(c, "SELECT 1 -- maxscale to_primary begin");
                assertThat(scalar(c, "SELECT @@server_id")).isEqualTo(bed.primaryId());
                scalar(c, "SELECT 1 -- maxscale end");
                assertThat(scalar(c, "SELECT @@server_id")).isIn(bed.replicaIds());
            }
            // The CLI keeps the comments (--comments); the first plain reads of a new session may still run on the
            // primary, so only the hinted statements are asserted.
            assertThat(bed.cli(SPLIT, "SELECT 'p', @@server_id -- maxscale route to master\n;"
                    + " SELECT /* maxscale route to server " + second.name() + " */ 's', @@server_id;"
                    + " SELECT /* maxscale route to master */ 'p', @@server_id"))
                    .isEqualTo("p\t" + bed.primaryId() + "\ns\t" + secondId + "\np\t" + bed.primaryId() + "\n");

            // readconnroute picks one server per session and routes every statement there: the hints change nothing.
            try (Connection c = bed.connect(CONN)) {
                String own = scalar(c, "SELECT @@server_id");
                assertThat(own).isIn(bed.replicaIds());
                assertThat(scalar(c, "SELECT @@server_id -- maxscale route to master")).isEqualTo(own);
                assertThat(scalar(c, "SELECT /* maxscale route to server " + primaryName + " */ @@server_id"))
                        .isEqualTo(own);
            }
            String[] ids = bed.cli(CONN, "SELECT @@server_id; SELECT @@server_id -- maxscale route to master\n;"
                    + " SELECT /* maxscale route to server " + primaryName + " */ @@server_id").split("\n");
            assertThat(ids).hasSize(3).containsOnly(ids[0]);
            assertThat(ids[0]).isIn(bed.replicaIds());
        }
    }
}
