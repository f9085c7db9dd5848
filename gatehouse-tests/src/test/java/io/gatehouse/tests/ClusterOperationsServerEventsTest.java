package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.testkit.MariaDbServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/servers' uptime, last_event and triggered_at against a real cluster: uptime follows the server's own
 * status variable, stopping and restarting a replica is recorded with MaxScale's event names and the time it was
 * seen, and gatectl show server prints the three. JUnit thread; no Netty buffers.
 */
class ClusterOperationsServerEventsTest extends ClusterOperationsBaseTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void uptimeAndLastEventFollowTheServers() throws Exception {
        start("");
        MariaDbServer primary = cluster.primary();
        MariaDbServer replica = cluster.replicas().get(0);
        await(Duration.ofSeconds(10), () -> isSlave(cluster.replicas().get(0)) && isSlave(cluster.replicas().get(1)),
                "both replicas are seen as Slave");

        for (MariaDbServer s : cluster.servers()) {
            JsonNode a = attributes(s.name());
            long own = Long.parseLong(s.queryValue(
                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'"));
            assertThat(a.path("uptime").isIntegralNumber()).as(s.name() + " uptime: " + a).isTrue();
            // The monitor reads it every 500 ms; a second of slack covers the pass in between.
            assertThat(a.path("uptime").asLong()).as(s.name() + " uptime").isBetween(own - 3, own);
        }
        long first = attributes(primary.name()).path("uptime").asLong();
        await(Duration.ofSeconds(10), () -> uptime(primary.name()) >= first + 2, "the primary's uptime grows");

        // The first pass announced each server with its role, as the monitor scripts get it.
        JsonNode p = attributes(primary.name());
        assertThat(p.path("last_event").asText()).isEqualTo("master_up");
        assertThat(httpDate(p.path("triggered_at").asText())).isLessThanOrEqualTo(System.currentTimeMillis());
        assertThat(attributes(replica.name()).path("last_event").asText()).isEqualTo("slave_up");

        long before = System.currentTimeMillis();
        replica.stop();
        await(Duration.ofSeconds(15), () -> !ServerStatus.has(status(replica), ServerStatus.RUNNING),
                replica.name() + " is down");
        JsonNode down = attributes(replica.name());
        assertThat(down.path("last_event").asText()).isIn(Set.of("slave_down", "server_down"));
        long downAt = httpDate(down.path("triggered_at").asText());
        // HTTP dates have whole seconds.
        assertThat(downAt).isBetween(before / 1000 * 1000, System.currentTimeMillis());
        assertThat(attributes(primary.name()).path("triggered_at").asText()).as("the primary had no new event")
                .isEqualTo(p.path("triggered_at").asText());

        Run show = gatectl("show", "server", replica.name());
        assertThat(show.status()).as(show.err()).isZero();
        assertThat(row(show.out(), "Last Event")).contains(down.path("last_event").asText());
        assertThat(row(show.out(), "Triggered At")).contains(down.path("triggered_at").asText());

        long beforeUp = System.currentTimeMillis();
        replica.start();
        await(Duration.ofSeconds(20), () -> isSlave(replica), replica.name() + " is a Slave again");
        JsonNode up = attributes(replica.name());
        assertThat(up.path("last_event").asText()).isIn(Set.of("slave_up", "server_up"));
        assertThat(httpDate(up.path("triggered_at").asText())).isBetween(beforeUp / 1000 * 1000,
                System.currentTimeMillis());
        long ownAfter = Long.parseLong(replica.queryValue(
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'"));
        await(Duration.ofSeconds(5), () -> uptime(replica.name()) >= 0 && uptime(replica.name()) <= ownAfter + 2,
                "the restarted replica's uptime starts again");
        show = gatectl("show", "server", replica.name());
        assertThat(row(show.out(), "Uptime")).containsPattern("│ +\\d+ +│");
        assertThat(row(show.out(), "Last Event")).contains(up.path("last_event").asText());
    }

    private record Run(int status, String out, String err) {
    }

    private Run gatectl(String... args) {
        GatectlRunner.Run r = GatectlRunner.run(gatehouse, args);
        return new Run(r.status(), r.out(), r.err());
    }

    /** The line of gatectl's table whose label is {@code label}. */
    private static String row(String table, String label) {
        for (String line : table.split("\n")) {
            if (line.startsWith("│ " + label + " ")) {
                return line;
            }
        }
        throw new AssertionError("no row " + label + " in:\n" + table);
    }

    private long uptime(String server) {
        try {
            return attributes(server).path("uptime").asLong(-1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long httpDate(String text) {
        return ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
    }

    private JsonNode attributes(String server) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatehouse.admin().port()
                        + "/v1/servers/" + server))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("data").path("attributes");
    }
}
