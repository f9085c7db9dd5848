package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Gatehouse in front of the shared cluster with one filter section on two services: {@code F-Split}
 * (readwritesplit) and {@code F-Conn} (readconnroute with the given role), each with a listener; plus clients for
 * them (MariaDB Connector/J, the {@code mariadb} CLI). Used by the filter tests on the JUnit thread; owns no buffers.
 */
final class FilterBed implements AutoCloseable {
    static final String SPLIT = "F-Split-Listener";
    static final String CONN = "F-Conn-Listener";
    /** One client for the class: a client nobody references can be collected, and closed, during a request. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Gatehouse gatehouse;
    final MariaDbCluster cluster;

    private FilterBed(Gatehouse gatehouse, MariaDbCluster cluster) {
        this.gatehouse = gatehouse;
        this.cluster = cluster;
    }

    /** The configuration: the standard one plus {@code filterSection} (named F) on both services. */
    static String config(MariaDbCluster cluster, Path dir, String filterSection, String connRole) {
        String svc = "\ncluster=Cluster-Monitor\nfilters=F\nuser=" + Accounts.SERVICE_USER + "\npassword="
                + Accounts.SERVICE_PASSWORD + "\n\n";
        return GatehouseExtension.config(cluster, dir) + "[F]\ntype=filter\n" + filterSection + "\n\n"
                + "[F-Split]\ntype=service\nrouter=readwritesplit" + svc
                + "[F-Split-Listener]\ntype=listener\nservice=F-Split\naddress=127.0.0.1\nport=0\n\n"
                + "[F-Conn]\ntype=service\nrouter=readconnroute\nrouter_options=" + connRole + svc
                + "[F-Conn-Listener]\ntype=listener\nservice=F-Conn\naddress=127.0.0.1\nport=0\n\n";
    }

    /** Starts Gatehouse with {@code filterSection} and waits until both services take sessions. */
    static FilterBed start(MariaDbCluster cluster, Path dir, String filterSection, String connRole) throws Exception {
        return start(cluster, dir, filterSection, connRole, config(cluster, dir, filterSection, connRole));
    }

    /**
     * The same with runtime changes persisted in {@code dir/persist}, away from the static file (every {@code *.cnf}
     * of persistdir is laid over the configuration at start).
     */
    static FilterBed startPersisting(MariaDbCluster cluster, Path dir, String filterSection) throws Exception {
        Files.createDirectories(dir.resolve("persist"));
        return start(cluster, dir, filterSection, "master", config(cluster, dir, filterSection, "master")
                .replace("persistdir=" + dir + "\n", "persistdir=" + dir.resolve("persist") + "\n"));
    }

    private static FilterBed start(MariaDbCluster cluster, Path dir, String filterSection, String connRole,
                                   String config) throws Exception {
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, config);
        FilterBed bed = new FilterBed(Gatehouse.start(file), cluster);
        try {
            bed.awaitReady(SPLIT);
            bed.awaitReady(CONN);
            return bed;
        } catch (Exception | AssertionError e) {
            bed.close();
            throw e;
        }
    }

    /** Asserts that Gatehouse refuses to start with {@code filterSection}, with a message containing each part. */
    static void assertRefused(MariaDbCluster cluster, Path dir, String filterSection, String... parts) throws Exception {
        Path file = dir.resolve("refused.cnf");
        Files.writeString(file, config(cluster, dir, filterSection, "master"));
        var refusal = assertThatThrownBy(() -> Gatehouse.start(file).close());
        for (String p : parts) {
            refusal.hasMessageContaining(p);
        }
    }

    String url(String listener) {
        return "jdbc:mariadb://127.0.0.1:" + gatehouse.port(listener) + "/" + Accounts.DATABASE;
    }

    Connection connect(String listener) throws SQLException {
        return DriverManager.getConnection(url(listener), Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    /** The first value of the first row of {@code sql} on {@code c}. */
    static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs the mariadb CLI as the application user on {@code listener}; fails with its output on a non-zero exit. */
    String cli(String listener, String sql) throws Exception {
        Subprocess.Output out = cliRun(listener, sql);
        assertThat(out.exitCode()).as(out.describe()).isZero();
        return out.stdout();
    }

    Subprocess.Output cliRun(String listener, String sql) throws Exception {
        // --comments keeps the statement's own comments (hints) instead of stripping them client-side.
        List<String> command = new ArrayList<>(List.of("mariadb", "--no-defaults", "--protocol=TCP", "--comments",
                "--connect-timeout=10", "-h127.0.0.1", "-P" + gatehouse.port(listener), "-u" + Accounts.APP_USER,
                "-p" + Accounts.APP_PASSWORD, "-N", "-B", Accounts.DATABASE, "-e", sql));
        return Subprocess.run(command, null, Duration.ofSeconds(60));
    }

    /** The filter's {@code filter_diagnostics} from the REST API ({@code GET /v1/filters/F}). */
    JsonNode diagnostics() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatehouse.admin().port()
                        + "/v1/filters/F"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return new ObjectMapper().readTree(resp.body()).at("/data/attributes/filter_diagnostics");
    }

    String primaryId() {
        return String.valueOf(cluster.primary().serverId());
    }

    Set<String> replicaIds() {
        return cluster.replicas().stream().map(MariaDbServer::serverId).map(String::valueOf).collect(Collectors.toSet());
    }

    /**
     * Reads {@code @@server_id} on {@code c} until a read lands on a replica (readwritesplit opens its replica
     * connections while the first statements already run on the primary) and returns it; fails after 10 seconds.
     */
    String awaitReplicaRead(Connection c) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String id = scalar(c, "SELECT @@server_id");
        while (!replicaIds().contains(id) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            id = scalar(c, "SELECT @@server_id");
        }
        assertThat(id).as("a read of a session that did not write").isIn(replicaIds());
        return id;
    }

    private void awaitReady(String listener) throws Exception {
        // The monitor's first pass decides which servers are running; until then no server qualifies.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (Connection c = connect(listener)) {
                scalar(c, "SELECT 1");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public void close() {
        gatehouse.close();
    }
}
