package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code /v1/sql} query-editor API against the test kit's real servers: a connection opened with database
 * credentials to a server, a service or a listener runs SQL and answers result sets, OK results and errors in
 * MaxScale's shape, honours {@code max_rows}, needs its own token, is listed, and is really closed on the database by
 * {@code DELETE}. Real HTTP on loopback; JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminSqlTest {
    private static AdminFixture gh;
    private static MariaDbCluster cluster;

    @BeforeAll
    static void start(MariaDbCluster c) throws Exception {
        cluster = c;
        gh = AdminFixture.start(c);
    }

    @AfterAll
    static void stop() {
        if (gh != null) {
            gh.close();
        }
    }

    private static String open(String target, String extra) {
        return "{\"target\":\"" + target + "\",\"user\":\"" + Accounts.APP_USER + "\",\"password\":\""
                + Accounts.APP_PASSWORD + "\"" + extra + "}";
    }

    private static JsonNode connect(String target) {
        HttpResponse<String> r = gh.send("POST", "/v1/sql", open(target, ",\"db\":\"" + Accounts.DATABASE + "\""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return AdminFixture.parse(r.body());
    }

    private static JsonNode query(JsonNode conn, String sql, String extra) {
        HttpResponse<String> r = gh.send("POST", "/v1/sql/" + conn.at("/data/id").asText() + "/queries?token="
                + conn.at("/meta/token").asText(), "{\"sql\":\"" + sql + "\"" + extra + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return AdminFixture.parse(r.body()).at("/data/attributes/results");
    }

    @Test
    void aServerConnectionRunsStatementsAndAnswersEveryResult() {
        MariaDbServer primary = cluster.primary();
        JsonNode conn = connect(primary.name());
        String id = conn.at("/data/id").asText();
        assertThat(conn.at("/data/type").asText()).isEqualTo("sql");
        assertThat(conn.at("/data/attributes/target").asText()).isEqualTo(primary.name());
        assertThat(conn.at("/links/self").asText()).isEqualTo(gh.url("/v1/sql/" + id + "/"));

        JsonNode results = query(conn, "SELECT CONNECTION_ID() AS id, @@port AS port, DATABASE() AS db, NULL AS n;"
                + " DO 1; SELECT seq FROM seq_1_to_5", ",\"max_rows\":3");
        assertThat(results).hasSize(3);
        assertThat(results.get(0).at("/fields").toString()).isEqualTo("[\"id\",\"port\",\"db\",\"n\"]");
        JsonNode row = results.get(0).at("/data/0");
        assertThat(row.get(0).isIntegralNumber()).as("integers are JSON numbers").isTrue();
        assertThat(row.get(0).asLong()).isEqualTo(conn.at("/data/attributes/thread_id").asLong());
        assertThat(row.get(1).asInt()).isEqualTo(primary.port());
        assertThat(row.get(2).asText()).isEqualTo(Accounts.DATABASE);
        assertThat(row.get(3).isNull()).isTrue();
        assertThat(results.get(0).at("/complete").asBoolean()).isTrue();
        assertThat(results.get(1).at("/affected_rows").asLong()).isZero();
        assertThat(results.get(1).has("fields")).isFalse();
        assertThat(results.get(2).at("/data")).hasSize(3);
        assertThat(results.get(2).at("/complete").asBoolean()).isFalse();

        JsonNode error = query(conn, "SELECT * FROM no_such_table", "").get(0);
        assertThat(error.at("/errno").asInt()).isEqualTo(1146);
        assertThat(error.at("/sqlstate").asText()).isEqualTo("42S02");
        assertThat(error.at("/message").asText()).contains("no_such_table");
        // The connection stays usable after an error, with its session state.
        assertThat(query(conn, "SELECT DATABASE()", "").get(0).at("/data/0/0").asText()).isEqualTo(Accounts.DATABASE);

        JsonNode listed = gh.get("/v1/sql");
        assertThat(listed.at("/data").findValuesAsText("id")).contains(id);
        assertThat(gh.get("/v1/sql/" + id).at("/data/attributes/sql").asText()).isEqualTo("SELECT DATABASE()");

        long threadId = conn.at("/data/attributes/thread_id").asLong();
        assertThat(gh.send("DELETE", "/v1/sql/" + id + "?token=" + conn.at("/meta/token").asText(), null).statusCode())
                .isEqualTo(204);
        assertThat(gh.send("GET", "/v1/sql/" + id, null).statusCode()).isEqualTo(404);
        awaitGone(primary, threadId);
    }

    @Test
    void servicesAndListenersAreReachedThroughTheProxy() {
        List<String> replicaPorts = cluster.replicas().stream().map(s -> String.valueOf(s.port())).toList();
        JsonNode viaListener = connect("Read-Only-Listener");
        assertThat(query(viaListener, "SELECT @@port", "").get(0).at("/data/0/0").asText()).isIn(replicaPorts);
        JsonNode viaService = connect("RW-Split-Router");
        JsonNode r = query(viaService, "SELECT @@port", "").get(0);
        assertThat(r.at("/data/0/0").asText()).isIn(replicaPorts);
        for (JsonNode c : List.of(viaListener, viaService)) {
            gh.send("DELETE", "/v1/sql/" + c.at("/data/id").asText() + "?token=" + c.at("/meta/token").asText(), null);
        }
    }

    @Test
    void badRequestsAreRefusedNamingTheCause() throws Exception {
        HttpResponse<String> unknown = gh.send("POST", "/v1/sql", open("nosuch", ""));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("nosuch");
        HttpResponse<String> denied = gh.send("POST", "/v1/sql", "{\"target\":\"" + cluster.primary().name()
                + "\",\"user\":\"" + Accounts.APP_USER + "\",\"password\":\"wrong\"}");
        assertThat(denied.statusCode()).isEqualTo(400);
        assertThat(denied.body()).contains("Access denied");
        assertThat(gh.send("POST", "/v1/sql", "{\"target\":\"" + cluster.primary().name() + "\"}").statusCode())
                .isEqualTo(400);

        JsonNode conn = connect(cluster.primary().name());
        String id = conn.at("/data/id").asText();
        HttpResponse<String> noToken = gh.send("POST", "/v1/sql/" + id + "/queries", "{\"sql\":\"SELECT 1\"}");
        assertThat(noToken.statusCode()).isEqualTo(400);
        assertThat(noToken.body()).contains("token");
        JsonNode other = connect(cluster.primary().name());
        // One connection's token does not open another connection.
        assertThat(gh.send("POST", "/v1/sql/" + id + "/queries?token=" + other.at("/meta/token").asText(),
                "{\"sql\":\"SELECT 1\"}").statusCode()).isEqualTo(400);
        // An admin login token is no connection token either.
        String adminToken = gh.get("/v1/auth").at("/meta/token").asText();
        assertThat(gh.send("DELETE", "/v1/sql/" + id + "?token=" + adminToken, null).statusCode()).isEqualTo(400);
        for (JsonNode c : List.of(conn, other)) {
            assertThat(gh.send("DELETE", "/v1/sql/" + c.at("/data/id").asText() + "?token="
                    + c.at("/meta/token").asText(), null).statusCode()).isEqualTo(204);
        }
    }

    private static void awaitGone(MariaDbServer server, long threadId) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!server.query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID = " + threadId).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("connection " + threadId + " is still open on " + server.name());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
