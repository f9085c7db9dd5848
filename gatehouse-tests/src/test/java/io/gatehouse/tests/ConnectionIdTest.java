package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.Gatehouse;
import java.io.IOException;
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
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one thing a client sees differently through Gatehouse by design (issue 16): the connection id. Directly, the
 * id in the server's greeting is the session's thread id and {@code CONNECTION_ID()} returns it. Through Gatehouse
 * the greeting carries Gatehouse's own session id (from 1 up, as MaxScale's), because the greeting is sent before any
 * backend is chosen and a readwritesplit session has several backend connections, each with its own thread id;
 * {@code CONNECTION_ID()} is a statement the server answers, so it returns the thread id of the backend connection
 * it ran on. What clients rely on, killing by the id they were greeted with (Connector/J's {@code Statement.cancel},
 * the CLI's Ctrl-C, {@code mysql_kill}), must work through readconnroute and readwritesplit as it does directly.
 * Shared cluster and Gatehouse; raw protocol clients and MariaDB Connector/J on the test thread.
 */
@ExtendWith(GatehouseExtension.class)
class ConnectionIdTest {
    private static final String DIRECT = "direct";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final GatehouseExtension.RunningGatehouse gatehouse;
    private final MariaDbCluster cluster;

    ConnectionIdTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.gatehouse = gatehouse;
        this.cluster = gatehouse.cluster();
    }

    private int port(String target) {
        return DIRECT.equals(target) ? cluster.primary().port() : gatehouse.gatehouse().port(target);
    }

    private RawSession raw(String target) throws Exception {
        RawSession s = RawSession.connect("127.0.0.1", port(target), new byte[0]);
        s.readTimeout(20_000);
        assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
        return s;
    }

    /** The server whose processlist holds thread {@code id} of the application account, or null. */
    private MariaDbServer serverWithThread(String id) {
        for (MariaDbServer s : cluster.servers()) {
            if (!"0".equals(s.queryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id
                    + " AND USER = '" + Accounts.APP_USER + "'"))) {
                return s;
            }
        }
        return null;
    }

    @Test
    void directlyTheGreetingIdIsConnectionId() throws Exception {
        try (RawSession s = raw(DIRECT)) {
            assertThat(s.scalar("SELECT CONNECTION_ID()")).isEqualTo(Long.toString(s.connectionId()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void throughGatehouseTheGreetingIdIsGatehousesAndConnectionIdIsABackendThread(String listener) throws Exception {
        try (RawSession s = raw(listener)) {
            // The greeting's id names this session in the admin API, with this listener's service.
            JsonNode session = restGet(gatehouse.gatehouse().admin().port(), "/v1/sessions/" + s.connectionId());
            assertThat(session.at("/data/id").asText()).isEqualTo(Long.toString(s.connectionId()));
            assertThat(session.at("/data/attributes/user").asText()).isEqualTo(Accounts.APP_USER);
            String threadId = s.scalar("SELECT CONNECTION_ID()");
            assertThat(serverWithThread(threadId)).as("the server holding thread " + threadId).isNotNull();
            // The backend's thread is listed among the session's connections in the admin API (as the session's
            // worker last published it, so allow it a moment).
            String connections = "";
            for (int i = 0; i < 50 && !connections.contains("\"connection_id\":" + threadId); i++) {
                Thread.sleep(i == 0 ? 0 : 100);
                connections = restGet(gatehouse.gatehouse().admin().port(), "/v1/sessions/" + s.connectionId())
                        .at("/data/attributes/connections").toString();
            }
            assertThat(connections).contains("\"connection_id\":" + threadId);
        }
    }

    private static JsonNode restGet(int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(path + ": " + resp.body()).isEqualTo(200);
        return new ObjectMapper().readTree(resp.body());
    }

    /**
     * Session ids start at 1 and count up, as MaxScale's do (scripts and the admin API's users expect it): the first
     * clients of a freshly started Gatehouse are greeted with 1 and 2, and the admin API knows them by those ids.
     */
    @Test
    void sessionIdsStartAtOne() throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-ids");
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir));
        try (Gatehouse fresh = Gatehouse.start(file)) {
            // One after the other: two clients accepted at once by two workers may be numbered in either order.
            try (RawSession first = RawSession.connect("127.0.0.1", fresh.port("Split-Listener"), new byte[0])) {
                first.readTimeout(20_000);
                assertThat(first.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                RawSession second = RawSession.connect("127.0.0.1", fresh.port("Write-Listener"), new byte[0]);
                second.readTimeout(20_000);
                assertThat(second.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                assertThat(List.of(first.connectionId(), second.connectionId())).containsExactly(1L, 2L);
                JsonNode all = restGet(fresh.admin().port(), "/v1/sessions").get("data");
                assertThat(all.findValuesAsText("id")).contains("1", "2");
                // KILL by a Gatehouse id ends that session, as in MaxScale.
                try (second) {
                    second.send("KILL 1");
                    assertThat(second.read()[0]).isEqualTo((byte) 0);
                    assertThat(nextAnswer(first)).isNotEqualTo("answer");
                }
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** An ERR packet's payload as "code (state) message". */
    private static String errorWithState(byte[] err) {
        String state = err.length > 8 && err[3] == '#'
                ? new String(err, 4, 5, java.nio.charset.StandardCharsets.US_ASCII) : "-----";
        String codeAndMessage = RawSession.error(err);
        int space = codeAndMessage.indexOf(' ');
        return codeAndMessage.substring(0, space) + " (" + state + ")" + codeAndMessage.substring(space);
    }

    /** What {@code victim}'s next statement gets after another session ran {@code kill} on it. */
    private static String nextAnswer(RawSession victim) {
        try {
            victim.send("SELECT 1");
            byte[] p = victim.read();
            return (p[0] & 0xFF) == 0xFF ? "ERR " + errorWithState(p) : "answer";
        } catch (IOException e) {
            return "closed";
        }
    }

    /** Kills an idle session by its greeting id from a second session; returns both sides' view. */
    private String killIdleByGreetingId(String target, boolean comProcessKill) throws Exception {
        try (RawSession victim = raw(target); RawSession killer = raw(target)) {
            long id = victim.connectionId();
            if (comProcessKill) {
                killer.write(RawLogin.frame(0, new byte[] {0x0c, (byte) id, (byte) (id >> 8), (byte) (id >> 16),
                        (byte) (id >> 24)}));
            } else {
                killer.send("KILL " + id);
            }
            byte[] answer = killer.read();
            String killerGot = (answer[0] & 0xFF) == 0 ? "OK" : "ERR " + errorWithState(answer);
            Thread.sleep(300);
            return "killer: " + killerGot + ", victim: " + nextAnswer(victim)
                    + ", killer then: " + killer.scalar("SELECT 7");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void killByTheGreetingIdEndsTheSessionAsDirectly(String listener) throws Exception {
        for (boolean comProcessKill : new boolean[] {false, true}) {
            String direct = killIdleByGreetingId(DIRECT, comProcessKill);
            assertThat(direct).startsWith("killer: OK, victim: ");
            assertThat(killIdleByGreetingId(listener, comProcessKill))
                    .as(listener + (comProcessKill ? " COM_PROCESS_KILL" : " KILL")).isEqualTo(direct);
        }
    }

    /** A session killing itself (or its own statement) by its greeting id: what it gets back. */
    private String killSelf(String target, String kill) throws Exception {
        try (RawSession s = raw(target)) {
            s.send(kill + " " + s.connectionId());
            String got;
            try {
                byte[] p = s.read();
                got = (p[0] & 0xFF) == 0xFF ? "ERR " + errorWithState(p) : "answer";
            } catch (IOException e) {
                got = "closed";
            }
            s.readTimeout(1000);
            if (got.equals("closed") || s.closedByServer()) {
                return got + ", then closed";
            }
            return got + ", then " + s.scalar("SELECT 8");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void killingItselfByTheGreetingIdEndsTheSessionAsDirectly(String listener) throws Exception {
        String direct = killSelf(DIRECT, "KILL");
        assertThat(direct).endsWith(", then closed");
        assertThat(killSelf(listener, "KILL")).isEqualTo(direct);
        String query = killSelf(DIRECT, "KILL QUERY");
        assertThat(killSelf(listener, "KILL QUERY")).isEqualTo(query);
    }

    /**
     * MariaDB Connector/J's {@code Statement.cancel()} opens a second connection and sends {@code KILL QUERY} with
     * the id of the greeting: the sleeping statement ends as it does directly and the connection stays usable.
     */
    private String cancelledSleep(String target) throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + port(target) + "/" + Accounts.DATABASE + "?socketTimeout=30000";
        try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
             Statement st = c.createStatement()) {
            CompletableFuture<String> sleeping = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = st.executeQuery("SELECT SLEEP(20)")) {
                    rs.next();
                    return "returned " + rs.getString(1);
                } catch (SQLException e) {
                    return "error " + e.getErrorCode() + " " + e.getSQLState();
                }
            });
            awaitSleeping();
            st.cancel();
            String got = sleeping.get(15, TimeUnit.SECONDS);
            try (Statement next = c.createStatement(); ResultSet rs = next.executeQuery("SELECT 6 * 7")) {
                rs.next();
                return got + ", then " + rs.getString(1);
            }
        }
    }

    private void awaitSleeping() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (MariaDbServer s : cluster.servers()) {
                if (!"0".equals(s.queryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                        + Accounts.APP_USER + "' AND INFO LIKE 'SELECT SLEEP(20)%'"))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the statement never started");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void connectorJsCancelStopsTheStatementAsDirectly(String listener) throws Exception {
        String direct = cancelledSleep(DIRECT);
        assertThat(direct).endsWith(", then 42");
        assertThat(cancelledSleep(listener)).isEqualTo(direct);
    }
}
