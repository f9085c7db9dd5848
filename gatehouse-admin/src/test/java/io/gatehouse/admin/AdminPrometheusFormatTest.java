package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /metrics} is read by a real Prometheus text-format parser, Python's {@code prometheus_client.parser}
 * (Debian's python3-prometheus-client, installed by scripts/install-deps.sh), and holds the documented families
 * with their types and per-server and per-service samples. Real cluster; JUnit thread plus one python process.
 */
@ExtendWith(MariaDbExtension.class)
class AdminPrometheusFormatTest {
    private static final String PYTHON = "/usr/bin/python3";

    static JsonNode parse(String exposition) throws Exception {
        Path script = Files.createTempFile("prometheus_parse", ".py");
        try (InputStream in = AdminPrometheusFormatTest.class.getResourceAsStream("/prometheus_parse.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process p = new ProcessBuilder(PYTHON, script.toString()).start();
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("prometheus_client could not parse /metrics: " + err).isZero();
            return AdminFixture.parse(out);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static JsonNode family(JsonNode families, String name) {
        for (JsonNode f : families) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no family " + name + " in " + families);
    }

    @Test
    void metricsParseAsPrometheusTextFormat(MariaDbCluster cluster) throws Exception {
        try (AdminFixture gh = AdminFixture.start(cluster)) {
            HttpResponse<String> r = gh.send("GET", "/metrics", null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            JsonNode families = parse(r.body());

            JsonNode up = family(families, "gatehouse_server_up");
            assertThat(up.path("type").asText()).isEqualTo("gauge");
            List<String> servers = new ArrayList<>();
            up.path("samples").forEach(s -> {
                servers.add(s.at("/labels/server").asText());
                assertThat(s.path("value").asDouble()).isEqualTo(1.0);
            });
            assertThat(servers).containsExactlyInAnyOrderElementsOf(cluster.servers().stream().map(MariaDbServer::name).toList());
            JsonNode primary = family(families, "gatehouse_server_primary");
            assertThat(primary.path("samples").toString()).contains(cluster.primary().name());

            // The parser names a counter family without its _total suffix; the samples keep it.
            JsonNode sessions = family(families, "gatehouse_service_sessions");
            assertThat(sessions.path("type").asText()).isEqualTo("gauge");
            JsonNode queries = family(families, "gatehouse_service_queries");
            assertThat(queries.path("type").asText()).isEqualTo("counter");
            assertThat(queries.at("/samples/0/name").asText()).isEqualTo("gatehouse_service_queries_total");
            assertThat(queries.path("samples").toString()).contains("RW-Split-Router").contains("Read-Only-Service");
            assertThat(family(families, "gatehouse_server_connections").path("type").asText()).isEqualTo("gauge");
            assertThat(family(families, "gatehouse_uptime_seconds").at("/samples/0/value").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(family(families, "gatehouse_workers").at("/samples/0/value").asDouble()).isEqualTo(2.0);
            assertThat(family(families, "jvm_memory_used_bytes").path("samples").size()).isPositive();
            for (JsonNode f : families) {
                assertThat(f.path("name").asText()).matches("(gatehouse|jvm)_[a-z_]+");
                assertThat(f.path("documentation").asText()).isNotBlank();
            }
        }
    }
}
