package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MaxScale's debug and query classifier routes (issue 17), against the shared Gatehouse ({@code threads=2}) and
 * cluster: {@code monitor_wait} returns after a monitor pass, {@code server_diagnostics} reads every monitored
 * server, {@code stacktrace} shows the JVM's threads, an unlistened worker gets no new clients while the other
 * does (and the last listening one cannot be unlistened), and the classifier's cache size can be read and changed.
 * HTTP and JDBC on the test thread.
 */
@ExtendWith(GatehouseExtension.class)
class DebugRoutesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatehouseExtension.RunningGatehouse gatehouse;

    DebugRoutesTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.gatehouse = gatehouse;
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatehouse.gatehouse().admin().port()
                        + "/v1/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = call("GET", path, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void monitorWaitReturnsAfterAMonitorPass() throws Exception {
        long before = get("monitors/Cluster-Monitor").at("/data/attributes/ticks").asLong();
        get("maxscale/debug/monitor_wait");
        assertThat(get("monitors/Cluster-Monitor").at("/data/attributes/ticks").asLong()).isGreaterThan(before);
    }

    @Test
    void serverDiagnosticsReadEveryMonitoredServer() throws Exception {
        JsonNode attrs = get("maxscale/debug/server_diagnostics").at("/data/attributes");
        assertThat(get("maxscale/debug/server_diagnostics").at("/data/id").asText()).isEqualTo("server_diagnostics");
        for (MariaDbServer s : gatehouse.cluster().servers()) {
            JsonNode d = attrs.path(s.name());
            assertThat(d.path("error").isMissingNode()).as(s.name() + ": " + d.path("error")).isTrue();
            assertThat(d.at("/global_variables/server_id").asText()).isEqualTo(Long.toString(s.serverId()));
            assertThat(d.at("/global_status/Uptime").asLong()).isPositive();
            assertThat(d.at("/engine_status/InnoDB").asText()).contains("BUFFER POOL");
            assertThat(d.path("processlist").isArray()).isTrue();
            assertThat(d.path("processlist").toString()).contains(Accounts.SERVICE_USER);
        }
    }

    @Test
    void stacktraceShowsTheWorkersAndNoShutdownIsUnderWay() throws Exception {
        JsonNode profile = get("maxscale/debug/stacktrace").at("/data/attributes/profile");
        assertThat(profile.toString()).contains("[thread gatehouse-worker-").contains("java.lang.Thread.run");
        assertThat(get("maxscale/debug/termination_in_process").path("termination_in_process").asBoolean(true))
                .isFalse();
    }

    private long sessionsOn(int thread) throws Exception {
        return get("maxscale/threads/" + thread).at("/data/attributes/stats/sessions").asLong();
    }

    @Test
    void anUnlistenedWorkerGetsNoNewClients() throws Exception {
        assertThat(call("PUT", "maxscale/debug/threads/0/unlisten", null).statusCode()).isEqualTo(204);
        List<Connection> opened = new ArrayList<>();
        try {
            assertThat(get("maxscale/threads/0").at("/data/attributes/stats/listening").asBoolean()).isFalse();
            // The last listening worker keeps listening.
            HttpResponse<String> refused = call("PUT", "maxscale/debug/threads/1/unlisten", null);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("thread 1");
            long on0 = sessionsOn(0);
            long on1 = sessionsOn(1);
            for (int i = 0; i < 6; i++) {
                opened.add(DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.gatehouse()
                        .port("Write-Listener") + "/" + Accounts.DATABASE, Accounts.APP_USER, Accounts.APP_PASSWORD));
            }
            assertThat(sessionsOn(1) - on1).as("new sessions on the listening worker").isGreaterThanOrEqualTo(6);
            assertThat(sessionsOn(0)).as("sessions on the unlistened worker").isLessThanOrEqualTo(on0);
        } finally {
            for (Connection c : opened) {
                c.close();
            }
            assertThat(call("PUT", "maxscale/debug/threads/0/listen", null).statusCode()).isEqualTo(204);
        }
        assertThat(get("maxscale/threads/0").at("/data/attributes/stats/listening").asBoolean()).isTrue();
        assertThat(call("PUT", "maxscale/debug/threads/99/listen", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theClassifierCacheSizeCanBeReadAndChanged() throws Exception {
        JsonNode qc = get("maxscale/query_classifier");
        assertThat(qc.at("/data/id").asText()).isEqualTo("query_classifier");
        long size = qc.at("/data/attributes/parameters/cache_size").asLong();
        assertThat(size).isPositive();
        HttpResponse<String> bad = call("PATCH", "maxscale/query_classifier",
                "{\"data\":{\"attributes\":{\"parameters\":{\"cache_size\":-1}}}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("cache_size");
        try {
            HttpResponse<String> ok = call("PATCH", "maxscale/query_classifier",
                    "{\"data\":{\"attributes\":{\"parameters\":{\"cache_size\":" + (size / 2) + "}}}}");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(204);
            long now = get("maxscale/query_classifier").at("/data/attributes/parameters/cache_size").asLong();
            // Divided among the workers, so allow for rounding down.
            assertThat(now).isBetween(size / 2 - 8, size / 2);
        } finally {
            call("PATCH", "maxscale/query_classifier",
                    "{\"data\":{\"attributes\":{\"parameters\":{\"cache_size\":" + size + "}}}}");
        }
    }
}
