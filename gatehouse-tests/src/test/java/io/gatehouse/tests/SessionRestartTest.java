package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.tests.GatectlRunner.Run;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A running session's filters changed and the session restarted, as with maxctrl's {@code alter session-filters},
 * {@code reload session} and {@code reload sessions}: through readconnroute, readwritesplit and schemarouter, a real
 * client (MariaDB Connector/J) sees its next statement go through the filters given (two regexfilters, whose order
 * shows), and no longer once they are taken away, while its user variable, default database and server-side prepared
 * statement carry on. A restart after a service's parameter changed takes the new value; a session with a transaction
 * open is restarted only once it ends. The REST answers (codes, MaxScale's error texts, the session's filters
 * relationship) are checked too. Real cluster; gatectl runs in this JVM on the JUnit thread.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionRestartTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough for a loaded 2-core machine; the restart itself waits only for the session's next pause. */
    private static final long DEADLINE_MILLIS = 60_000;
    private static final String QUERY = "SELECT 'fromtext'";

    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;
    /** A second database, which the sessions make their default with USE before they are restarted. */
    private final String otherDb = Names.unique("restart_db");

    SessionRestartTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-session-restart");
        directExecute("CREATE DATABASE " + otherDb);
        cluster.awaitReplication(java.time.Duration.ofSeconds(60));
        String svc = "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
        String config = GatehouseExtension.config(cluster, dir)
                + "[Rx]\ntype=filter\nmodule=regexfilter\nmatch=fromtext\nreplace=first\n\n"
                + "[Rx2]\ntype=filter\nmodule=regexfilter\nmatch=first\nreplace=second\n\n"
                + "[Shard-Service]\ntype=service\nrouter=schemarouter\nservers=" + cluster.primary().name() + "\n"
                + svc + "\n"
                + "[Shard-Listener]\ntype=listener\nservice=Shard-Service\naddress=127.0.0.1\nport=0\n\n"
                + "[Pool-Service]\ntype=service\nrouter=readwritesplit\ncluster=Cluster-Monitor\n"
                + "idle_session_pool_time=1s\n" + svc + "\n"
                + "[Pool-Listener]\ntype=listener\nservice=Pool-Service\naddress=127.0.0.1\nport=0\n\n";
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, config);
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    void stop() throws Exception {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
        directExecute("DROP DATABASE IF EXISTS " + otherDb);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener", "Shard-Listener"})
    void filtersAddedToARunningSessionApplyFromItsNextStatementAndItsStateCarriesOn(String listener)
            throws Exception {
        try (Connection c = connect(listener)) {
            String id = sessionId(c);
            execute(c, "USE " + otherDb);
            execute(c, "SET @carried = 42");
            PreparedStatement ps = c.prepareStatement("SELECT CONCAT(?, '-ps')");
            ps.setString(1, "before");
            assertThat(single(ps)).isEqualTo("before-ps");
            assertThat(scalar(c, QUERY)).isEqualTo("fromtext");

            ok("alter", "session-filters", id, "Rx", "Rx2");
            awaitFilters(id, List.of("Rx", "Rx2"));
            assertThat(scalar(c, QUERY)).as("Rx then Rx2").isEqualTo("second");
            ok("alter", "session-filters", id, "Rx2", "Rx");
            awaitFilters(id, List.of("Rx2", "Rx"));
            assertThat(scalar(c, QUERY)).as("Rx2 then Rx: Rx2 finds nothing to replace").isEqualTo("first");

            ok("alter", "session-filters", id);
            awaitFilters(id, List.of());
            assertThat(scalar(c, QUERY)).isEqualTo("fromtext");

            assertThat(scalar(c, "SELECT @carried")).isEqualTo("42");
            assertThat(scalar(c, "SELECT DATABASE()")).isEqualTo(otherDb);
            ps.setString(1, "after");
            assertThat(single(ps)).as("the server-side prepared statement").isEqualTo("after-ps");
            ps.close();
            assertThat(sessionIdOf(c)).isEqualTo(id);
        }
    }

    @Test
    void aRestartTakesTheServicesChangedParameterAndChain() throws Exception {
        try (Connection c = connect("Read-Listener")) {
            String id = sessionId(c);
            int primaryId = Integer.parseInt(directScalar("SELECT @@server_id"));
            assertThat(Integer.parseInt(scalar(c, "SELECT @@server_id"))).as("a replica first").isNotEqualTo(primaryId);
            ok("alter", "service", "Read-Service", "router_options", "master");
            ok("alter", "service-filters", "Read-Service", "Rx");
            try {
                assertThat(scalar(c, QUERY)).as("not restarted yet: the chain it started with").isEqualTo("fromtext");
                ok("reload", "session", id);
                awaitFilters(id, List.of("Rx"));
                assertThat(scalar(c, QUERY)).isEqualTo("first");
                assertThat(Integer.parseInt(scalar(c, "SELECT @@server_id"))).as("router_options=master now")
                        .isEqualTo(primaryId);
            } finally {
                ok("alter", "service", "Read-Service", "router_options", "slave");
                ok("alter", "service-filters", "Read-Service");
            }
            ok("reload", "sessions");
            awaitFilters(id, List.of());
            assertThat(scalar(c, QUERY)).isEqualTo("fromtext");
            assertThat(Integer.parseInt(scalar(c, "SELECT @@server_id"))).isNotEqualTo(primaryId);
        }
    }

    @Test
    void aSessionWithATransactionOpenIsRestartedOnlyOnceItEnds() throws Exception {
        String table = Names.unique("restart_trx");
        try (Connection c = connect("Split-Listener")) {
            String id = sessionId(c);
            execute(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            try {
                execute(c, "START TRANSACTION");
                execute(c, "INSERT INTO " + table + " VALUES (1)");
                ok("alter", "session-filters", id, "Rx");
                // The session is quiet between these statements, but its transaction is open: the chain stays.
                for (int i = 0; i < 20; i++) {
                    assertThat(scalar(c, QUERY)).as("inside the transaction").isEqualTo("fromtext");
                    Thread.sleep(20);
                }
                assertThat(filters(id)).isEmpty();
                execute(c, "INSERT INTO " + table + " VALUES (2)");
                execute(c, "COMMIT");
                awaitFilters(id, List.of("Rx"));
                assertThat(scalar(c, QUERY)).isEqualTo("first");
                assertThat(scalar(c, "SELECT COUNT(*) FROM " + table)).isEqualTo("2");
            } finally {
                execute(c, "DROP TABLE IF EXISTS " + table);
            }
        }
    }

    @Test
    void theRestAnswersAsMaxScales() throws Exception {
        try (Connection c = connect("Split-Listener")) {
            String id = sessionId(c);
            HttpResponse<String> r = http("PATCH", "sessions/" + id,
                    "{\"data\":{\"relationships\":{\"filters\":{\"data\":[{\"id\":\"Nope\",\"type\":\"filters\"}]}}}}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("Not a valid filter: Nope");
            r = http("PATCH", "sessions/" + id,
                    "{\"data\":{\"relationships\":{\"filters\":{\"data\":[{\"id\":7}]}}}}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("Not a JSON string but a integer");
            assertThat(filters(id)).isEmpty();

            r = http("PATCH", "sessions/" + id + "/relationships/filters",
                    "{\"data\":[{\"id\":\"Rx\",\"type\":\"filters\"}]}");
            assertThat(r.statusCode()).isEqualTo(204);
            awaitFilters(id, List.of("Rx"));
            JsonNode rel = JSON.readTree(http("GET", "sessions/" + id + "/relationships/filters", null).body());
            assertThat(rel.path("data").get(0).path("id").asText()).isEqualTo("Rx");
            assertThat(rel.path("data").get(0).path("type").asText()).isEqualTo("filters");
            assertThat(scalar(c, QUERY)).isEqualTo("first");

            assertThat(http("POST", "sessions/" + id + "/restart", null).statusCode()).isEqualTo(204);
            awaitFilters(id, List.of());
            assertThat(scalar(c, QUERY)).as("a restart takes the service's chain (none)").isEqualTo("fromtext");

            assertThat(http("POST", "sessions/987654321/restart", null).statusCode()).isEqualTo(404);
            assertThat(http("POST", "sessions/restart", null).statusCode()).isEqualTo(204);
        }
        try (Connection pooled = connect("Pool-Listener")) {
            String id = sessionId(pooled);
            HttpResponse<String> r = http("POST", "sessions/" + id + "/restart", null);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("Cannot restart session if 'idle_session_pool_time' is in use.");
            Run all = GatectlRunner.run(gatehouse, "reload", "sessions");
            assertThat(all.status()).isEqualTo(1);
            assertThat(all.err()).contains("Could not restart all sessions");
            assertThat(scalar(pooled, "SELECT 'still serving'")).isEqualTo("still serving");
        }
    }

    private Connection connect(String listener) throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port(listener) + "/"
                + Accounts.DATABASE + "?user=" + Accounts.APP_USER + "&password=" + Accounts.APP_PASSWORD
                + "&useServerPrepStmts=true");
    }

    /** The Gatehouse session id of {@code c} (the connection id of its handshake), once the admin API lists it. */
    private String sessionId(Connection c) throws Exception {
        String id = sessionIdOf(c);
        await(() -> http("GET", "sessions/" + id, null).statusCode() == 200, "session " + id + " listed");
        return id;
    }

    private static String sessionIdOf(Connection c) throws Exception {
        return Long.toString(c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId());
    }

    private Run ok(String... args) {
        Run r = GatectlRunner.run(gatehouse, args);
        assertThat(r.status()).as("gatectl %s: %s", String.join(" ", args), r.err()).isZero();
        assertThat(r.out()).isEqualTo("OK\n");
        return r;
    }

    /** The names in the session's filters relationship (empty when it has none, as MaxScale leaves it out). */
    private List<String> filters(String id) throws Exception {
        HttpResponse<String> r = http("GET", "sessions/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        JSON.readTree(r.body()).path("data").path("relationships").path("filters").path("data")
                .forEach(f -> names.add(f.path("id").asText()));
        return names;
    }

    private void awaitFilters(String id, List<String> expected) throws Exception {
        await(() -> filters(id).equals(expected), "session " + id + " with filters " + expected);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long end = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!check.holds()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("not within " + DEADLINE_MILLIS + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }

    private HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatehouse.admin().port() + "/v1/"
                        + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private void directExecute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + cluster.primary().port() + "/"
                + Accounts.DATABASE + "?user=" + Accounts.APP_USER + "&password=" + Accounts.APP_PASSWORD)) {
            execute(c, sql);
        }
    }

    private String directScalar(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + cluster.primary().port() + "/"
                + Accounts.DATABASE + "?user=" + Accounts.APP_USER + "&password=" + Accounts.APP_PASSWORD)) {
            return scalar(c, sql);
        }
    }

    private static String scalar(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static String single(PreparedStatement ps) throws Exception {
        try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
