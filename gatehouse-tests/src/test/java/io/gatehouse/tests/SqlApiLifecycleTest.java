package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The parts of the {@code /v1/sql} query API beyond running one statement, as MaxScale's GUI uses them, against the
 * shared cluster through the shared Gatehouse: asynchronous queries (202, the result later, erased), cancel of a
 * running {@code SLEEP} by {@code KILL QUERY}, the query timeout, reconnect after the server killed the connection,
 * clone, the token in a cookie ({@code persist=yes}), and the honest refusals of ODBC. Real HTTP on loopback, real
 * servers checked through their process lists; JUnit thread, plus one thread waiting for a synchronous answer.
 */
@ExtendWith(GatehouseExtension.class)
class SqlApiLifecycleTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatehouseExtension.RunningGatehouse gatehouse;
    private final MariaDbCluster cluster;
    /** Connections this test opened: closed after it, whatever happened. */
    private final List<Conn> opened = new ArrayList<>();

    SqlApiLifecycleTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.gatehouse = gatehouse;
        this.cluster = gatehouse.cluster();
    }

    /** An open SQL API connection: its id and token (null when the token is in a cookie). */
    private record Conn(String id, String token, String cookie, JsonNode doc) {
        String auth() {
            return token == null ? "" : "?token=" + token;
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (Conn c : opened) {
            // A query still running (a failed assertion) is stopped first, so the close is not refused as busy.
            send("POST", "/v1/sql/" + c.id() + "/cancel" + c.auth(), null, c.cookie());
            for (int i = 0; i < 50; i++) {
                int status = send("DELETE", "/v1/sql/" + c.id() + c.auth(), null, c.cookie()).statusCode();
                if (status != 503) {
                    break;
                }
                Thread.sleep(100);
            }
        }
    }

    private String base() {
        return "http://127.0.0.1:" + gatehouse.gatehouse().admin().port();
    }

    private HttpResponse<String> send(String method, String path, String body, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, null);
    }

    private static JsonNode parse(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> openRaw(String target, String params) throws Exception {
        return send("POST", "/v1/sql" + params, "{\"target\":\"" + target + "\",\"user\":\"" + Accounts.APP_USER
                + "\",\"password\":\"" + Accounts.APP_PASSWORD + "\",\"db\":\"" + Accounts.DATABASE + "\"}");
    }

    private Conn connect(String target, String params) throws Exception {
        HttpResponse<String> r = openRaw(target, params);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode doc = parse(r);
        String id = doc.at("/data/id").asText();
        assertThat(r.headers().firstValue("Location")).hasValue(base() + "/v1/sql/" + id);
        Conn c = new Conn(id, doc.at("/meta/token").isMissingNode() ? null : doc.at("/meta/token").asText(), null, doc);
        opened.add(c);
        return c;
    }

    private HttpResponse<String> query(Conn c, String sql, boolean async) throws Exception {
        return send("POST", "/v1/sql/" + c.id() + "/queries" + c.auth() + (async ? "&async=true" : ""),
                "{\"sql\":\"" + sql + "\"}", c.cookie());
    }

    /** The async result at {@code location}, polled until it is no longer 202. */
    private HttpResponse<String> awaitResult(Conn c, String location, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            HttpResponse<String> r = send("GET", location.substring(base().length()) + c.auth(), null, c.cookie());
            if (r.statusCode() != 202 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the server shows {@code threadId} running a statement that contains {@code text}. */
    private static void awaitRunning(MariaDbServer s, long threadId, String text) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!s.query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID = " + threadId + " AND INFO LIKE '%"
                    + text + "%'").isEmpty()) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("thread " + threadId + " never ran " + text + " on " + s.name());
    }

    @Test
    void anAsyncQueryIsAcceptedThenAnsweredThenErased() throws Exception {
        Conn c = connect(cluster.primary().name(), "");
        HttpResponse<String> accepted = query(c, "SELECT SLEEP(1), 42 AS answer", true);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode doc = parse(accepted);
        String queryId = doc.at("/data/id").asText();
        assertThat(queryId).isEqualTo(c.id() + ".1");
        assertThat(doc.at("/data/type").asText()).isEqualTo("queries");
        String location = base() + "/v1/sql/" + c.id() + "/queries/" + queryId + "/";
        assertThat(accepted.headers().firstValue("Location")).hasValue(location);
        assertThat(doc.at("/links/self").asText()).isEqualTo(location);

        // While it runs: its result is not ready, and the connection takes no second query nor an erase.
        HttpResponse<String> running = send("GET", "/v1/sql/" + c.id() + "/queries/" + queryId + c.auth(), null);
        assertThat(running.statusCode()).as(running.body()).isEqualTo(202);
        assertThat(parse(running).at("/data/attributes/sql").asText()).isEqualTo("SELECT SLEEP(1), 42 AS answer");
        HttpResponse<String> second = query(c, "SELECT 2", false);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(503);
        assertThat(second.body()).contains("busy");
        assertThat(send("DELETE", "/v1/sql/" + c.id() + "/queries/" + queryId + c.auth(), null).statusCode())
                .isEqualTo(503);
        assertThat(send("DELETE", "/v1/sql/" + c.id() + c.auth(), null).statusCode()).as("closing a busy connection")
                .isEqualTo(503);

        HttpResponse<String> done = awaitResult(c, location, Duration.ofSeconds(20));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        JsonNode results = parse(done).at("/data/attributes/results");
        assertThat(results.at("/0/fields").toString()).isEqualTo("[\"SLEEP(1)\",\"answer\"]");
        assertThat(results.at("/0/data/0/1").asInt()).isEqualTo(42);
        assertThat(parse(done).at("/data/attributes/execution_time").asDouble()).isGreaterThanOrEqualTo(0.9);
        // A result can be read more than once, until it is erased.
        assertThat(awaitResult(c, location, Duration.ZERO).statusCode()).isEqualTo(201);
        HttpResponse<String> erased = send("DELETE", "/v1/sql/" + c.id() + "/queries/" + queryId + c.auth(), null);
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        HttpResponse<String> gone = awaitResult(c, location, Duration.ZERO);
        assertThat(gone.statusCode()).as("MaxScale answers 400 when no async result is kept").isEqualTo(400);
        assertThat(gone.body()).contains("no asynchronous query result");

        // The connection is free again; a synchronous query works and numbers itself after the async one.
        HttpResponse<String> next = query(c, "SELECT 7", false);
        assertThat(next.statusCode()).as(next.body()).isEqualTo(201);
        assertThat(parse(next).at("/data/id").asText()).isEqualTo(c.id() + ".2");
    }

    @Test
    void cancelStopsARunningSleepWithTheServersError() throws Exception {
        MariaDbServer primary = cluster.primary();
        Conn c = connect(primary.name(), "");
        long thread = c.doc().at("/data/attributes/thread_id").asLong();

        // Asynchronous: the cancel ends it and the result holds the error the server gave.
        HttpResponse<String> accepted = query(c, "SELECT SLEEP(20)", true);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        awaitRunning(primary, thread, "SLEEP(20)");
        long start = System.nanoTime();
        HttpResponse<String> cancel = send("POST", "/v1/sql/" + c.id() + "/cancel" + c.auth(), null);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        HttpResponse<String> done = awaitResult(c, accepted.headers().firstValue("Location").orElseThrow(),
                Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        JsonNode result = parse(done).at("/data/attributes/results/0");
        assertThat(result.at("/errno").asInt()).as(result.toString()).isEqualTo(1317);
        assertThat(result.at("/message").asText()).containsIgnoringCase("interrupted");

        // Synchronous: the request waiting for the answer gets it early, from another HTTP connection's cancel.
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return query(c, "SELECT SLEEP(20)", false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitRunning(primary, thread, "SLEEP(20)");
        start = System.nanoTime();
        assertThat(send("POST", "/v1/sql/" + c.id() + "/cancel" + c.auth(), null).statusCode()).isEqualTo(200);
        HttpResponse<String> answered = waiting.get(30, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(201);
        assertThat(parse(answered).at("/data/attributes/results/0/errno").asInt()).isEqualTo(1317);

        // An idle connection's cancel does nothing, and the connection still works.
        assertThat(send("POST", "/v1/sql/" + c.id() + "/cancel" + c.auth(), null).statusCode()).isEqualTo(200);
        HttpResponse<String> after = query(c, "SELECT 5", false);
        assertThat(parse(after).at("/data/attributes/results/0/data/0/0").asInt()).isEqualTo(5);
    }

    @Test
    void aQueryTimeoutCancelsTheQuery() throws Exception {
        Conn c = connect(cluster.primary().name(), "");
        long start = System.nanoTime();
        HttpResponse<String> r = send("POST", "/v1/sql/" + c.id() + "/queries" + c.auth(),
                "{\"sql\":\"SELECT SLEEP(20)\",\"timeout\":1}", null);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(parse(r).at("/data/attributes/results/0/errno").asInt()).isEqualTo(1317);
        assertThat(send("POST", "/v1/sql/" + c.id() + "/queries" + c.auth(), "{\"sql\":\"SELECT 1\",\"timeout\":-1}",
                null).statusCode()).isEqualTo(400);
    }

    @Test
    void cancelWorksThroughAServiceToo() throws Exception {
        Conn c = connect("Write-Listener", "");
        HttpResponse<String> accepted = query(c, "SELECT SLEEP(20)", true);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Thread.sleep(500);
        long start = System.nanoTime();
        assertThat(send("POST", "/v1/sql/" + c.id() + "/cancel" + c.auth(), null).statusCode()).isEqualTo(200);
        HttpResponse<String> done = awaitResult(c, accepted.headers().firstValue("Location").orElseThrow(),
                Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        assertThat(parse(done).at("/data/attributes/results/0/errno").asInt()).isEqualTo(1317);
    }

    @Test
    void reconnectReplacesAConnectionTheServerKilled() throws Exception {
        MariaDbServer primary = cluster.primary();
        Conn c = connect(primary.name(), "");
        long before = c.doc().at("/data/attributes/thread_id").asLong();
        // Not inside a transaction, as MaxScale: its work would be lost silently.
        assertThat(query(c, "START TRANSACTION", false).statusCode()).isEqualTo(201);
        HttpResponse<String> inTrx = send("POST", "/v1/sql/" + c.id() + "/reconnect" + c.auth(), null);
        assertThat(inTrx.statusCode()).as(inTrx.body()).isEqualTo(503);
        assertThat(inTrx.body()).contains("transaction");
        assertThat(query(c, "ROLLBACK", false).statusCode()).isEqualTo(201);
        assertThat(query(c, "SET @kept = 1", false).statusCode()).isEqualTo(201);
        primary.execute("KILL " + before);

        HttpResponse<String> broken = query(c, "SELECT 1", false);
        assertThat(broken.statusCode()).as("a killed connection cannot answer SELECT 1: " + broken.body())
                .satisfiesAnyOf(s -> assertThat(s).isEqualTo(503),
                        s -> assertThat(broken.body()).contains("errno"));

        HttpResponse<String> re = send("POST", "/v1/sql/" + c.id() + "/reconnect" + c.auth(), null);
        assertThat(re.statusCode()).as(re.body()).isEqualTo(204);
        long after = parse(send("GET", "/v1/sql/" + c.id(), null)).at("/data/attributes/thread_id").asLong();
        assertThat(after).isNotEqualTo(before);
        HttpResponse<String> works = query(c, "SELECT CONNECTION_ID(), @kept, DATABASE()", false);
        assertThat(works.statusCode()).as(works.body()).isEqualTo(201);
        JsonNode row = parse(works).at("/data/attributes/results/0/data/0");
        assertThat(row.get(0).asLong()).isEqualTo(after);
        assertThat(row.get(1).isNull()).as("the session state starts afresh").isTrue();
        assertThat(row.get(2).asText()).isEqualTo(Accounts.DATABASE);
        assertThat(primary.query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID = " + after)).hasSize(1);
    }

    @Test
    void cloneOpensASecondWorkingConnection() throws Exception {
        MariaDbServer primary = cluster.primary();
        Conn c = connect(primary.name(), "");
        HttpResponse<String> r = send("POST", "/v1/sql/" + c.id() + "/clone" + c.auth(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode doc = parse(r);
        Conn clone = new Conn(doc.at("/data/id").asText(), doc.at("/meta/token").asText(), null, doc);
        opened.add(clone);
        assertThat(clone.id()).isNotEqualTo(c.id());
        assertThat(doc.at("/data/attributes/target").asText()).isEqualTo(primary.name());
        assertThat(r.headers().firstValue("Location")).hasValue(base() + "/v1/sql/" + clone.id());

        HttpResponse<String> q = query(clone, "SELECT CONNECTION_ID(), DATABASE(), CURRENT_USER()", false);
        assertThat(q.statusCode()).as(q.body()).isEqualTo(201);
        JsonNode row = parse(q).at("/data/attributes/results/0/data/0");
        assertThat(row.get(0).asLong()).isNotEqualTo(c.doc().at("/data/attributes/thread_id").asLong());
        assertThat(row.get(1).asText()).isEqualTo(Accounts.DATABASE);
        assertThat(row.get(2).asText()).startsWith(Accounts.APP_USER + "@");
        // Each has its own token; the original one still works.
        assertThat(send("POST", "/v1/sql/" + clone.id() + "/queries" + c.auth(), "{\"sql\":\"SELECT 1\"}")
                .statusCode()).isEqualTo(400);
        assertThat(query(c, "SELECT 1", false).statusCode()).isEqualTo(201);
    }

    @Test
    void persistKeepsTheTokenInACookie() throws Exception {
        HttpResponse<String> open = openRaw(cluster.primary().name(), "?persist=yes&max-age=60");
        assertThat(open.statusCode()).as(open.body()).isEqualTo(201);
        JsonNode doc = parse(open);
        String id = doc.at("/data/id").asText();
        assertThat(doc.at("/meta/token").isMissingNode()).as("no token in the body with persist=yes").isTrue();
        String setCookie = open.headers().allValues("Set-Cookie").stream()
                .filter(v -> v.startsWith("conn_id_sig_" + id + "=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("Max-Age=60").contains("HttpOnly").contains("Path=/");
        Conn c = new Conn(id, null, setCookie.substring(0, setCookie.indexOf(';')), doc);
        opened.add(c);

        HttpResponse<String> q = query(c, "SELECT 3", false);
        assertThat(q.statusCode()).as(q.body()).isEqualTo(201);
        assertThat(parse(q).at("/data/attributes/results/0/data/0/0").asInt()).isEqualTo(3);
        assertThat(send("POST", "/v1/sql/" + id + "/queries", "{\"sql\":\"SELECT 3\"}").statusCode())
                .as("without the cookie the token is missing").isEqualTo(400);
        HttpResponse<String> closed = send("DELETE", "/v1/sql/" + id, null, c.cookie());
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(204);
        assertThat(closed.headers().allValues("Set-Cookie")).anyMatch(v -> v.startsWith("conn_id_sig_" + id + "=;")
                && v.contains("Expires=Thu, 01 Jan 1970"));
    }

    @Test
    void odbcIsRefusedNamingOdbc() throws Exception {
        HttpResponse<String> odbc = send("POST", "/v1/sql", "{\"target\":\"odbc\",\"connection_string\":"
                + "\"Driver=MariaDB;SERVER=127.0.0.1\"}");
        assertThat(odbc.statusCode()).isEqualTo(400);
        assertThat(odbc.body()).contains("ODBC").contains("Gatehouse does not run ODBC connections");

        Conn c = connect(cluster.primary().name(), "");
        for (String stage : List.of("prepare", "start")) {
            HttpResponse<String> etl = send("POST", "/v1/sql/" + c.id() + "/etl/" + stage + c.auth(),
                    "{\"type\":\"mariadb\",\"target\":\"" + c.id() + "\",\"tables\":[]}");
            assertThat(etl.statusCode()).as(etl.body()).isEqualTo(400);
            assertThat(etl.body()).contains("ODBC").contains("Gatehouse does not run ODBC connections");
        }

        HttpResponse<String> drivers = send("GET", "/v1/sql/odbc/drivers", null);
        assertThat(drivers.statusCode()).as(drivers.body()).isEqualTo(200);
        JsonNode doc = parse(drivers);
        assertThat(doc.at("/links/self").asText()).isEqualTo(base() + "/v1/sql/odbc/drivers/");
        assertThat(doc.at("/data").isArray()).isTrue();
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/etc/odbcinst.ini"))
                && System.getenv("ODBCSYSINI") == null) {
            assertThat(doc.at("/data")).isEmpty();
        }
        for (JsonNode d : doc.at("/data")) {
            assertThat(d.at("/type").asText()).isEqualTo("drivers");
        }
    }

    /** A server that accepts the connection and never greets: the login gives up after the request's timeout. */
    @Test
    void aServerThatNeverGreetsFailsTheOpenAfterItsTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5,
                java.net.InetAddress.getLoopbackAddress())) {
            HttpResponse<String> created = send("POST", "/v1/servers", "{\"data\":{\"id\":\"sql-silent\","
                    + "\"type\":\"servers\",\"attributes\":{\"parameters\":{\"address\":\"127.0.0.1\","
                    + "\"port\":" + silent.getLocalPort() + "}}}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(204);
            try {
                long start = System.nanoTime();
                HttpResponse<String> r = send("POST", "/v1/sql", "{\"target\":\"sql-silent\",\"user\":\""
                        + Accounts.APP_USER + "\",\"password\":\"" + Accounts.APP_PASSWORD + "\",\"timeout\":2}");
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                assertThat(r.statusCode()).as(r.body()).isNotEqualTo(201);
                assertThat(r.body()).contains("timed out");
                assertThat(seconds).as("seconds until the open gave up").isLessThan(30);
            } finally {
                send("DELETE", "/v1/servers/sql-silent", null);
            }
        }
    }
}
