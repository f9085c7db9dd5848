package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code idle_session_pool_time} against the shared primary-and-replicas cluster, through readconnroute,
 * readwritesplit and schemarouter: a session idle that long gives its backend connections back (the servers'
 * process lists and the session's REST view show none), and its next statements run on new connections with its default database, user
 * variables, session variables, collation, autocommit and prepared statements (Connector/J, server-side prepares)
 * re-applied; a session with an open transaction, a temporary table, a GET_LOCK or a procedure's SET (seen through
 * the server's session-state tracking) keeps its connection, and the REST API names the reason. No pooling ({@code persistpoolmax} is 0), so a given-back connection is closed on the server.
 * The JUnit thread with blocking clients; no Netty buffers.
 */
@ExtendWith(MariaDbExtension.class)
class IdleSessionPoolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] LISTENERS = {"Write-Listener", "Split-Listener", "Shard-Listener"};
    /** An account of this test's own, so that the servers' process lists show only its sessions' connections. */
    private static final String USER = "sharer";
    private static final String PASSWORD = "sharer-pw";
    private static final String APP_HOST_FILTER = "USER = '" + USER + "'";

    @TempDir
    static Path dir;
    static MariaDbCluster cluster;
    static Gatehouse gh;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(MariaDbCluster shared) throws Exception {
        cluster = shared;
        try (Connection root = DriverManager.getConnection(cluster.primary().jdbcUrl(), Accounts.ROOT_USER,
                Accounts.ROOT_PASSWORD); Statement st = root.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS sharing_other");
            st.execute("CREATE TABLE IF NOT EXISTS " + Accounts.DATABASE + ".sharing_t (id INT PRIMARY KEY, v INT)");
            st.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            st.execute("GRANT ALL ON sharing_other.* TO '" + USER + "'@'%'");
            st.execute("GRANT ALL ON " + Accounts.DATABASE + ".* TO '" + USER + "'@'%'");
        }
        String cnf = GatehouseExtension.config(cluster, dir)
                .replace("type=service\n", "type=service\nidle_session_pool_time=1s\n")
                + "[Shard-Service]\ntype=service\nrouter=schemarouter\nservers=" + cluster.primary().name()
                + "\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\nidle_session_pool_time=1s\n\n[Shard-Listener]\ntype=listener\nservice=Shard-Service\n"
                + "protocol=MariaDBClient\naddress=127.0.0.1\nport=0\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        gh = Gatehouse.start(file);
    }

    @AfterAll
    static void stop() {
        if (gh != null) {
            gh.close();
        }
    }

    private static BlockingClient app(String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port(listener), USER, PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(20)));
    }

    /** The application account's connections on every server of the cluster (replication threads excluded). */
    private static int serverSideConnections() {
        int n = 0;
        for (MariaDbServer s : cluster.servers()) {
            n += Integer.parseInt(s.queryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
                    + APP_HOST_FILTER));
        }
        return n;
    }

    private static List<Long> serverSideIds() {
        List<Long> ids = new ArrayList<>();
        for (MariaDbServer s : cluster.servers()) {
            String v = s.queryValue("SELECT IFNULL(GROUP_CONCAT(ID), '') FROM information_schema.PROCESSLIST WHERE "
                    + APP_HOST_FILTER);
            for (String id : v.split(",")) {
                if (!id.isBlank()) {
                    ids.add(Long.parseLong(id.trim()));
                }
            }
        }
        return ids;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(end);
            Thread.sleep(100);
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.admin().port()
                        + "/v1/" + path)).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private JsonNode sharing(long sessionId) throws Exception {
        return get("sessions/" + sessionId).at("/data/attributes/sharing");
    }

    private boolean released(long sessionId) {
        try {
            return sharing(sessionId).path("released").asBoolean();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anIdleSessionGivesItsConnectionsBackAndKeepsItsState() throws Exception {
        for (String listener : LISTENERS) {
            try (BlockingClient c = app(listener)) {
                c.execute("USE sharing_other");
                c.execute("SET @uv = 42");
                c.execute("SET SESSION group_concat_max_len = 4321");
                c.execute("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
                c.execute("SET autocommit = 0");
                List<Long> before = serverSideIds();
                assertThat(before).as(listener).isNotEmpty();

                await(listener + ": the session gives its connections back", () -> serverSideConnections() == 0);
                await(listener + ": the REST API shows it", () -> released(c.connectionId()));
                assertThat(get("sessions/" + c.connectionId()).at("/data/attributes/connections")).isEmpty();

                var row = c.query("SELECT DATABASE(), @uv, @@group_concat_max_len, @@collation_connection,"
                        + " @@autocommit").rows().get(0);
                assertThat(row).as(listener).containsExactly("sharing_other", "42", "4321", "utf8mb4_unicode_ci",
                        "0");
                assertThat(serverSideIds()).as(listener + ": new connections").isNotEmpty()
                        .doesNotContainAnyElementsOf(before);
                c.execute("COMMIT");
            }
        }
        JsonNode stats = get("services/Split-Service").at("/data/attributes/statistics/connection_sharing");
        assertThat(stats.path("connections_released").asLong()).isPositive();
        assertThat(stats.path("connections_restored").asLong()).isPositive();
    }

    @Test
    void transactionsTemporaryTablesAndUserLocksPinTheSession() throws Exception {
        for (String listener : LISTENERS) {
            String service = listener.replace("Listener", "Service");
            try (BlockingClient c = app(listener)) {
                c.execute("CREATE TEMPORARY TABLE sharing_tmp (a INT)");
                c.execute("INSERT INTO sharing_tmp VALUES (7)");
                pinnedFor(c, service, "temporary-tables");
                assertThat(c.query("SELECT a FROM sharing_tmp").scalar()).isEqualTo("7");
                c.execute("DROP TEMPORARY TABLE sharing_tmp");

                c.execute("BEGIN");
                c.execute("REPLACE INTO sharing_t VALUES (1, 1)");
                pinnedFor(c, service, "transaction");
                c.execute("ROLLBACK");

                assertThat(c.query("SELECT GET_LOCK('sharing_lock', 5)").scalar()).isEqualTo("1");
                pinnedFor(c, service, "user-locks");
                assertThat(c.query("SELECT RELEASE_LOCK('sharing_lock')").scalar()).isEqualTo("1");

                await(listener + ": nothing pins it any more", () -> released(c.connectionId()));
                assertThat(sharing(c.connectionId()).path("pinned_by")).isEmpty();
                assertThat(c.query("SELECT 1").scalar()).isEqualTo("1");
            }
        }
    }

    @Test
    void aResetConnectionForgetsTheStateThatWouldBeReapplied() throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + gh.port("Split-Listener") + "/" + Accounts.DATABASE
                + "?connectTimeout=20000&useResetConnection=true";
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("SET @uv = 9");
            await("connections given back", () -> serverSideConnections() == 0);
            c.unwrap(org.mariadb.jdbc.Connection.class).reset();    // COM_RESET_CONNECTION on a new connection
            await("given back after the reset", () -> serverSideConnections() == 0);
            try (ResultSet rs = st.executeQuery("SELECT @uv")) {
                rs.next();
                assertThat(rs.getString(1)).as("the reset variable is not re-applied").isNull();
            }
        }
    }

    @Test
    void aProcedureChangingSessionStatePinsTheSession() throws Exception {
        try (Connection root = DriverManager.getConnection(cluster.primary().jdbcUrl(), Accounts.ROOT_USER,
                Accounts.ROOT_PASSWORD); Statement st = root.createStatement()) {
            st.execute("CREATE OR REPLACE PROCEDURE " + Accounts.DATABASE
                    + ".sharing_set_zone() SET time_zone = '+03:00'");
            st.execute("GRANT EXECUTE ON " + Accounts.DATABASE + ".* TO '" + USER + "'@'%'");
        }
        String url = "jdbc:mariadb://127.0.0.1:" + gh.port("Write-Listener") + "/" + Accounts.DATABASE
                + "?connectTimeout=20000";
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement st = c.createStatement()) {
            long session = c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
            st.execute("CALL sharing_set_zone()");
            Thread.sleep(2500);
            JsonNode sh = sharing(session);
            assertThat(sh.path("released").asBoolean()).isFalse();
            assertThat(sh.path("pinned_by").toString()).contains("untracked-state");
            try (ResultSet rs = st.executeQuery("SELECT @@time_zone")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("+03:00");
            }
        }
    }

    /** Idle for 2.5 times idle_session_pool_time, the session still has its connection, pinned for {@code why}. */
    private void pinnedFor(BlockingClient c, String service, String why) throws Exception {
        List<Long> before = serverSideIds();
        Thread.sleep(2500);
        JsonNode sh = sharing(c.connectionId());
        assertThat(sh.path("released").asBoolean()).as(why).isFalse();
        List<String> reasons = new ArrayList<>();
        sh.path("pinned_by").forEach(n -> reasons.add(n.asText()));
        assertThat(reasons).contains(why);
        assertThat(serverSideIds()).as(why).containsAll(before).isNotEmpty();
        JsonNode stats = get("services/" + service).at("/data/attributes/statistics/connection_sharing/pinned_by/" + why);
        assertThat(stats.asLong()).as(why).isPositive();
    }

    @Test
    void preparedStatementsAreRepreparedOnTheNewConnection() throws Exception {
        for (String listener : LISTENERS) {
            String url = "jdbc:mariadb://127.0.0.1:" + gh.port(listener) + "/" + Accounts.DATABASE
                    + "?useServerPrepStmts=true&cachePrepStmts=false&connectTimeout=20000";
            try (Connection c = DriverManager.getConnection(url, USER, PASSWORD);
                 PreparedStatement add = c.prepareStatement("SELECT ? + 1, DATABASE()")) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET @uv = 5");
                }
                assertThat(intOf(add, 1)).isEqualTo(2);
                await(listener + ": connections given back", () -> serverSideConnections() == 0);

                assertThat(intOf(add, 10)).as(listener + ": re-prepared").isEqualTo(11);
                try (PreparedStatement second = c.prepareStatement("SELECT ? * 2 + @uv")) {
                    second.setInt(1, 4);
                    try (ResultSet rs = second.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(13);
                    }
                    assertThat(intOf(add, 20)).isEqualTo(21);

                    await(listener + ": given back again", () -> serverSideConnections() == 0);
                    second.setInt(1, 6);
                    try (ResultSet rs = second.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as(listener + ": both statements re-prepared").isEqualTo(17);
                    }
                    assertThat(intOf(add, 30)).isEqualTo(31);
                }
            }
        }
    }

    private static int intOf(PreparedStatement ps, int arg) throws Exception {
        ps.setInt(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getString(2)).isEqualTo(Accounts.DATABASE);
            return rs.getInt(1);
        }
    }
}
