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
import java.util.Set;
import java.util.stream.Collectors;
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
            String cnf = GatehouseExtension.config(cluster, dir)
                    + "[Loose-Service]\ntype=service\nrouter=readwritesplit\nstrict_tmp_tables=false\n"
                    + "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword="
                    + Accounts.SERVICE_PASSWORD + "\n\n[Loose-Listener]\ntype=listener\nservice=Loose-Service\n"
                    + "address=127.0.0.1\nport=0\n";
            Path file = dir.resolve("gatehouse.cnf");
            Files.writeString(file, cnf);
            Set<String> replicas = cluster.replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                    .collect(Collectors.toSet());
            try (Gatehouse gh = Gatehouse.start(file);
                 BlockingClient strict = connect(gh.port("Split-Listener"));
                 BlockingClient noTables = connect(gh.port("Split-Listener"));
                 BlockingClient loose = connect(gh.port("Loose-Listener"))) {
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

    private static BlockingClient connect(int port) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER, Accounts.APP_PASSWORD)
                .withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(20)));
    }
}
