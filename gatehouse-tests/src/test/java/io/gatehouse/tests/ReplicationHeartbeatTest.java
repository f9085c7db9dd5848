package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * mariadbmon's {@code replication_heartbeat} (a Gatehouse extension): replication lag in milliseconds, shown in the
 * REST server attributes and gatectl's monitor diagnostics, and readwritesplit's {@code max_replication_lag=500ms}
 * keeping reads off a replica that falls behind by more than that. A replica is held back by a root session that
 * holds {@code LOCK TABLES} on the heartbeat table there, which stops its SQL thread at the next beat while the
 * thread still counts as running. JUnit test thread; blocking clients, JDBC and HTTP, no Netty buffers.
 */
@ExtendWith(MariaDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationHeartbeatTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private MariaDbCluster cluster;
    private Gatehouse gh;
    private Path dir;

    @BeforeAll
    void start(MariaDbCluster c) throws Exception {
        cluster = c;
        // The heartbeat needs these grants for the monitor's user (README: replication_heartbeat).
        c.primary().execute("GRANT CREATE, SELECT, INSERT, DELETE ON gatehouse_schema.* TO '" + Accounts.SERVICE_USER
                + "'@'%'");
        dir = Files.createTempDirectory("gatehouse-heartbeat");
        String cnf = GatehouseExtension.config(c, dir).replace("monitor_interval=500ms\n",
                "monitor_interval=200ms\nreplication_heartbeat=true\n")
                + "\n[Lag-Service]\ntype=service\nrouter=readwritesplit\nmax_replication_lag=500ms\n"
                + "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\n\n[Lag-Listener]\ntype=listener\nservice=Lag-Service\naddress=127.0.0.1\nport=0\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        gh = Gatehouse.start(file);
    }

    @AfterAll
    void stop() {
        if (gh != null) {
            gh.close();
        }
        cluster.primary().execute("DROP DATABASE IF EXISTS gatehouse_schema");
        cluster.primary().execute("REVOKE CREATE, SELECT, INSERT, DELETE ON gatehouse_schema.* FROM '"
                + Accounts.SERVICE_USER + "'@'%'");
        cluster.awaitReplication(Duration.ofSeconds(30));
        TempDirs.delete(dir);
    }

    private long lagMillis(MariaDbServer s) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.admin().port() + "/v1/servers/"
                        + s.name())).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        JsonNode attrs = new ObjectMapper().readTree(resp.body()).path("data").path("attributes");
        return attrs.path("replication_lag_ms").asLong(Long.MIN_VALUE);
    }

    /** Polls the REST lag of {@code s} until {@code wanted} holds (at most 20 s); returns the last value. */
    private long awaitLag(MariaDbServer s, LongPredicate wanted) throws Exception {
        long lag = Long.MIN_VALUE;
        for (int i = 0; i < 200; i++) {
            lag = lagMillis(s);
            if (wanted.test(lag)) {
                return lag;
            }
            Thread.sleep(100);
        }
        return lag;
    }

    private Set<String> readServers() throws Exception {
        Set<String> seen = new HashSet<>();
        try (BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port("Lag-Listener"),
                Accounts.APP_USER, Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE)
                .withTimeouts(Duration.ofSeconds(20)))) {
            for (int i = 0; i < 30; i++) {
                seen.add(c.query("SELECT @@server_id").scalar());
            }
        }
        return seen;
    }

    @Test
    void lagIsMeasuredInMillisecondsAndReadsAvoidAReplicaOverTheLimit() throws Exception {
        MariaDbServer held = cluster.replicas().get(0);
        MariaDbServer other = cluster.replicas().get(1);
        String heldId = String.valueOf(held.serverId());
        String otherId = String.valueOf(other.serverId());
        long healthy = awaitLag(held, lag -> lag >= 0 && lag < 500);
        assertThat(healthy).as("a replica in step has a lag under 500 ms").isBetween(0L, 499L);
        assertThat(awaitLag(other, lag -> lag >= 0 && lag < 500)).isBetween(0L, 499L);
        assertThat(readServers()).contains(heldId, otherId);
        // Wait for the table to exist on the replica before locking it.
        cluster.awaitReplication(Duration.ofSeconds(30));
        try (Connection conn = DriverManager.getConnection(held.jdbcUrl(), Accounts.ROOT_USER, Accounts.ROOT_PASSWORD);
             Statement st = conn.createStatement()) {
            st.execute("LOCK TABLES gatehouse_schema.replication_heartbeat READ");
            // Seconds_Behind_Master would only ever give whole seconds: the heartbeat gives the milliseconds.
            long behind = awaitLag(held, lag -> lag > 500 && lag % 1000 != 0);
            assertThat(behind).as("the held-back replica's lag in ms").isGreaterThan(500);
            assertThat(behind % 1000).as("a lag measured below the second").isNotZero();
            assertThat(readServers()).as("reads avoid the replica over max_replication_lag=500ms")
                    .doesNotContain(heldId).contains(otherId);
            String diagnostics = gatectl("show", "monitor", "Cluster-Monitor");
            assertThat(diagnostics).contains("replication_lag_ms");
            st.execute("UNLOCK TABLES");
        }
        assertThat(awaitLag(held, lag -> lag >= 0 && lag < 500)).as("caught up again").isBetween(0L, 499L);
        boolean back = false;
        for (int i = 0; i < 20 && !back; i++) {
            back = readServers().contains(heldId);
        }
        assertThat(back).as("reads return to the replica once it is within the limit").isTrue();
    }

    private String gatectl(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--timeout", "30000", "--hosts",
                "127.0.0.1:" + gh.admin().port()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(status).as(err.toString()).isZero();
        return out.toString();
    }
}
