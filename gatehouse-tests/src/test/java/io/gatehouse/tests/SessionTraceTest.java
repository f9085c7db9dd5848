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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-session trace switch: {@code gatectl alter session ID trace true} (or {@code PATCH /v1/sessions/ID}) makes
 * each later statement of that session show in its REST document and in the log with its classification, the rule
 * that decided, the candidates with state and lag, and the server it went to: through readwritesplit (its routing
 * rules) and through readconnroute on its zero-copy path (the one connection and why), which the session leaves to
 * be traced. Turning it off stops the recording; bad requests are refused. Real cluster, blocking clients; JUnit
 * thread.
 */
@ExtendWith(MariaDbExtension.class)
class SessionTraceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private int adminPort;

    @Test
    void tracedStatementsShowClassificationRuleCandidatesAndTarget(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir));
        MariaDbServer primary = cluster.primary();
        List<String> replicas = cluster.replicas().stream().map(MariaDbServer::name).toList();
        var log = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        log.start();
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                "io.gatehouse.core.session.SessionTrace");
        logger.addAppender(log);
        try (Gatehouse gh = Gatehouse.start(file);
             BlockingClient split = connect(gh, "Split-Listener");
             BlockingClient read = connect(gh, "Read-Listener")) {
            adminPort = gh.admin().port();
            split.execute("CREATE TABLE IF NOT EXISTS trace_t (a INT)");
            split.query("SELECT 1");
            JsonNode before = session(split.connectionId());
            assertThat(before.at("/data/attributes/trace").asBoolean()).isFalse();
            assertThat(before.at("/data/attributes/trace_entries")).isEmpty();

            // readwritesplit: the rules' own words.
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Gatectl.run(new String[] {"--hosts", "127.0.0.1:" + adminPort, "alter", "session",
                    String.valueOf(split.connectionId()), "trace", "true"}, new PrintWriter(out), new PrintWriter(err));
            assertThat(status).as(err.toString()).isZero();
            split.execute("INSERT INTO trace_t VALUES (1)");
            split.query("SELECT a FROM trace_t WHERE a = 1");
            JsonNode entries = session(split.connectionId()).at("/data/attributes/trace_entries");
            assertThat(session(split.connectionId()).at("/data/attributes/trace").asBoolean()).isTrue();
            assertThat(entries).hasSize(2);
            JsonNode insert = entries.get(0);
            assertThat(insert.at("/statement").asText()).isEqualTo("INSERT INTO trace_t VALUES (1)");
            assertThat(insert.at("/classification").asText()).contains("QUERY_TYPE_WRITE").contains("QUERY_OP_INSERT");
            assertThat(insert.at("/rule").asText()).contains("a write").contains("route PRIMARY");
            assertThat(insert.at("/target").asText()).isEqualTo(primary.name());
            assertThat(texts(insert.at("/facts"))).contains("transaction: none")
                    .anySatisfy(f -> assertThat(f).startsWith("candidate " + primary.name() + ": Master, Running")
                            .contains("lag ").contains("connected as the primary"))
                    .filteredOn(f -> f.startsWith("candidate ")).hasSize(3);
            JsonNode select = entries.get(1);
            assertThat(select.at("/classification").asText()).contains("QUERY_TYPE_READ").contains("QUERY_OP_SELECT");
            assertThat(select.at("/rule").asText()).contains("a read outside a transaction");
            assertThat(select.at("/target").asText()).isIn(replicas);
            assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .startsWith("Trace of session " + split.connectionId() + ": INSERT INTO trace_t VALUES (1)")
                    .contains("target: " + primary.name()));

            // readconnroute, streaming without filters: it leaves its fast path at the next command and is traced.
            String port = read.query("SELECT @@port").scalar();
            assertThat(patch(read.connectionId(), "{\"data\":{\"attributes\":{\"parameters\":{\"trace\":true}}}}"))
                    .isEqualTo(204);
            String again = read.query("SELECT @@port").scalar();
            assertThat(again).isEqualTo(port);
            read.ping();
            JsonNode rc = session(read.connectionId()).at("/data/attributes/trace_entries");
            assertThat(rc).hasSize(2);
            String server = cluster.servers().stream().filter(s -> String.valueOf(s.port()).equals(port))
                    .findFirst().orElseThrow().name();
            assertThat(rc.get(0).at("/statement").asText()).isEqualTo("SELECT @@port");
            assertThat(rc.get(0).at("/rule").asText()).startsWith("connection router readconnroute (router_options=slave)")
                    .contains("one connection");
            assertThat(rc.get(0).at("/target").asText()).isEqualTo(server);
            assertThat(texts(rc.get(0).at("/facts"))).hasSize(3)
                    .anySatisfy(f -> assertThat(f).startsWith("candidate " + server + ": Slave, Running; lag "));
            assertThat(rc.get(1).at("/statement").asText()).isEqualTo("COM_PING");
            assertThat(rc.get(1).at("/classification").asText()).isEmpty();

            // Off again: nothing more is recorded, what was stays.
            assertThat(patch(read.connectionId(), "{\"data\":{\"attributes\":{\"parameters\":{\"trace\":false}}}}"))
                    .isEqualTo(204);
            read.query("SELECT 2");
            assertThat(session(read.connectionId()).at("/data/attributes/trace_entries")).hasSize(2);
            assertThat(session(read.connectionId()).at("/data/attributes/trace").asBoolean()).isFalse();

            assertThat(patch(read.connectionId(), "{\"data\":{\"attributes\":{\"parameters\":{\"trace\":\"maybe\"}}}}"))
                    .isEqualTo(400);
            assertThat(patch(read.connectionId(), "{\"data\":{\"attributes\":{\"parameters\":{\"log_debug\":true}}}}"))
                    .isEqualTo(400);
            assertThat(patch(12345, "{\"data\":{\"attributes\":{\"parameters\":{\"trace\":true}}}}")).isEqualTo(404);
        } finally {
            logger.detachAppender(log);
        }
    }

    private static BlockingClient connect(Gatehouse gh, String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port(listener), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(10)));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/v1/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)));
    }

    private JsonNode session(long id) throws Exception {
        HttpResponse<String> r = http.send(request("sessions/" + id).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private int patch(long id, String body) throws Exception {
        return http.send(request("sessions/" + id).method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
