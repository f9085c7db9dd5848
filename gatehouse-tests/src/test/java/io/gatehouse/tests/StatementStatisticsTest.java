package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Classifier;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statement statistics ({@code statement_statistics=true}): a scripted workload through readwritesplit and
 * readconnroute, from MariaDB Connector/J and the mariadb CLI, shows up with exact counts, errors and rows per
 * canonical statement and server in {@code GET /v1/statistics/statements}, in gatectl and in {@code /metrics};
 * {@code top} folds the rest into "(other)" without losing a count; DELETE and {@code gatectl statements reset}
 * clear them; with the parameter off the API says so. Real cluster; JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class StatementStatisticsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Classifier CLASSIFIER = new Classifier();

    @Test
    void countsMatchAScriptedWorkload(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir)
                .replace("[maxscale]\n", "[maxscale]\nstatement_statistics=true\n"));
        Set<String> replicas = cluster.replicas().stream().map(MariaDbServer::name).collect(Collectors.toSet());
        String primary = cluster.primary().name();
        try (Gatehouse gh = Gatehouse.start(file)) {
            awaitReady(gh, "Split-Listener");
            awaitReady(gh, "Read-Listener");
            try (Connection c = connect(gh, "Split-Listener"); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS stats_t");
                s.execute("CREATE TABLE stats_t (a INT PRIMARY KEY, b VARCHAR(10))");
            }
            http(gh, "DELETE", "statistics/statements", 204);

            // Readwritesplit from Connector/J: 5 inserts (one canonical form), 3 reads of one row, 2 errors.
            try (Connection c = connect(gh, "Split-Listener"); Statement s = c.createStatement()) {
                for (int i = 1; i <= 5; i++) {
                    s.execute("INSERT INTO stats_t VALUES (" + i + ", 'v" + i + "')");
                }
                for (int i = 1; i <= 3; i++) {
                    try (var rs = s.executeQuery("SELECT b FROM stats_t WHERE a = " + i)) {
                        assertThat(rs.next()).isTrue();
                    }
                }
                for (int i = 0; i < 2; i++) {
                    try {
                        s.executeQuery("SELECT x FROM stats_missing WHERE a = " + i);
                    } catch (SQLException expected) {
                        assertThat(expected.getErrorCode()).isEqualTo(1146);
                    }
                }
            }
            // Readconnroute (replicas) from Connector/J: 4 reads of all 5 rows.
            try (Connection c = connect(gh, "Read-Listener"); Statement s = c.createStatement()) {
                awaitRows(s, 5);
                http(gh, "DELETE", "statistics/statements", 204);         // the wait's reads do not count
                for (int i = 0; i < 4; i++) {
                    try (var rs = s.executeQuery("SELECT a, b FROM stats_t WHERE a > 0 ORDER BY a")) {
                        while (rs.next()) {
                            assertThat(rs.getInt(1)).isPositive();
                        }
                    }
                }
            }
            // The CLI on both services: 3 statements of one canonical form each.
            cli(gh, "Split-Listener", "SELECT 7 AS stats_cli; SELECT 8 AS stats_cli; SELECT 9 AS stats_cli");
            cli(gh, "Read-Listener", "SELECT 7 AS stats_ro; SELECT 8 AS stats_ro; SELECT 9 AS stats_ro");

            JsonNode all = http(gh, "GET", "statistics/statements?top=1000", 200).path("data");
            // The inserts were cleared by the reset before the readconnroute part: only later statements count.
            assertThat(find(all, "INSERT INTO stats_t VALUES (1, 'v1')")).isEmpty();
            List<JsonNode> ro = find(all, "SELECT a, b FROM stats_t WHERE a > 0 ORDER BY a");
            assertThat(ro).hasSize(1);
            assertThat(ro.get(0).at("/attributes/server").asText()).isIn(replicas);
            assertCounts(ro, 4, 0, 20);
            assertCounts(find(all, "SELECT 7 AS stats_ro"), 3, 0, 3);
            List<JsonNode> splitCli = find(all, "SELECT 7 AS stats_cli");
            assertCounts(splitCli, 3, 0, 3);
            assertThat(splitCli).allSatisfy(n -> assertThat(n.at("/attributes/server").asText())
                    .isIn(cluster.servers().stream().map(MariaDbServer::name).toList()));

            // The split part again, counted this time.
            http(gh, "DELETE", "statistics/statements", 204);
            long writesBefore = responses(gh, primary, "write");
            try (Connection c = connect(gh, "Split-Listener"); Statement s = c.createStatement()) {
                for (int i = 6; i <= 10; i++) {
                    s.execute("INSERT INTO stats_t VALUES (" + i + ", 'v" + i + "')");
                }
                for (int i = 1; i <= 3; i++) {
                    try (var rs = s.executeQuery("SELECT b FROM stats_t WHERE a = " + (i + 5))) {
                        assertThat(rs.next()).isTrue();
                    }
                }
                for (int i = 0; i < 2; i++) {
                    try {
                        s.executeQuery("SELECT x FROM stats_missing WHERE a = " + i);
                    } catch (SQLException expected) {
                        assertThat(expected.getErrorCode()).isEqualTo(1146);
                    }
                }
            }
            // Server-side prepared statements: executions count under the statement, the prepare apart.
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port("Split-Listener")
                    + "/" + Accounts.DATABASE + "?useServerPrepStmts=true", Accounts.APP_USER, Accounts.APP_PASSWORD);
                 var ps = c.prepareStatement("SELECT b FROM stats_t WHERE a = ?")) {
                for (int i = 6; i <= 9; i++) {
                    ps.setInt(1, i);
                    try (var rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                    }
                }
            }
            all = http(gh, "GET", "statistics/statements?top=1000", 200).path("data");
            // The servers' response-time distributions (MaxScale's shape) counted the inserts as writes.
            assertThat(responses(gh, primary, "write") - writesBefore).isGreaterThanOrEqualTo(5);
            long reads = 0;
            for (String r : replicas) {
                reads += responses(gh, r, "read");
            }
            assertThat(reads).as("result sets from the replicas").isGreaterThanOrEqualTo(4 + 3);
            List<JsonNode> inserts = find(all, "INSERT INTO stats_t VALUES (6, 'v6')");
            assertThat(inserts).hasSize(1);
            assertThat(inserts.get(0).at("/attributes/server").asText()).isEqualTo(primary);
            assertCounts(inserts, 5, 0, 0);
            assertThat(inserts.get(0).at("/attributes/latency/max").asDouble()).isPositive();
            assertThat(inserts.get(0).at("/attributes/first_seen").asText())
                    .isLessThanOrEqualTo(inserts.get(0).at("/attributes/last_seen").asText());
            // causal_reads=universal: every read sees the inserts, so each returns its one row.
            assertCounts(find(all, "SELECT b FROM stats_t WHERE a = 6"), 3 + 4, 0, 3 + 4);
            String prepare = "COM_STMT_PREPARE " + canonical("SELECT b FROM stats_t WHERE a = ?");
            List<JsonNode> prepares = new ArrayList<>();
            all.forEach(n -> {
                if (n.at("/attributes/statement").asText().equals(prepare)) {
                    prepares.add(n);
                }
            });
            assertCounts(prepares, 1, 0, 0);
            assertThat(prepares.get(0).at("/attributes/server").asText()).isEqualTo(primary);
            assertThat(find(all, "SELECT 1").stream().map(n -> n.at("/attributes/statement").asText()))
                    .doesNotContain("COM_STMT_EXECUTE");
            assertCounts(find(all, "SELECT x FROM stats_missing WHERE a = 0"), 2, 2, 0);

            // top=1: the most executed statement, then everything else as (other), no count lost.
            JsonNode top = http(gh, "GET", "statistics/statements?top=1", 200).path("data");
            long total = sum(all);
            assertThat(sum(top)).isEqualTo(total);
            List<String> names = new ArrayList<>();
            top.forEach(n -> names.add(n.at("/attributes/statement").asText()));
            assertThat(names.stream().filter(n -> !n.equals("(other)")).distinct()).hasSize(1);
            assertThat(names).contains("(other)");

            // Prometheus: the insert digest with its exact count.
            String digest = String.format("%016x", CLASSIFIER.classify("INSERT INTO stats_t VALUES (6, 'v6')").digest());
            String metrics = text(gh, "metrics");
            assertThat(metrics).contains("gatehouse_statement_executions_total{digest=\"" + digest + "\",server=\""
                    + primary + "\"} 5\n");
            // Prometheus's own parser reads it (summary quantiles and _count included).
            Subprocess.Output parsed = Subprocess.run(List.of("/usr/bin/python3", "-c", "import sys\n"
                    + "from prometheus_client.parser import text_string_to_metric_families as parse\n"
                    + "for f in parse(sys.stdin.read()):\n"
                    + "    [print(f.type, s.name, s.labels.get('quantile', '')) for s in f.samples"
                    + " if s.name.startswith('gatehouse_statement_')]\n"), metrics, Duration.ofSeconds(60));
            assertThat(parsed.exitCode()).as(parsed.describe()).isZero();
            assertThat(parsed.stdout()).contains("summary gatehouse_statement_latency_seconds 0.99\n")
                    .contains("summary gatehouse_statement_latency_seconds_count \n")
                    .contains("counter gatehouse_statement_executions_total \n");
            assertThat(metrics).contains("gatehouse_statement_errors_total{digest=\""
                    + String.format("%016x", CLASSIFIER.classify("SELECT x FROM stats_missing WHERE a = 0").digest())
                    + "\"");

            // gatectl shows the same and resets.
            String shown = gatectl(gh, "--tsv", "statements");
            String insertCanonical = canonical("INSERT INTO stats_t VALUES (6, 'v6')");
            assertThat(shown.lines().filter(l -> l.startsWith(insertCanonical + "\t")).toList())
                    .singleElement().satisfies(l -> assertThat(l.split("\t")[1]).isEqualTo(primary))
                    .satisfies(l -> assertThat(l.split("\t")[2]).isEqualTo("5"));
            assertThat(gatectl(gh, "statements", "reset")).isEqualTo("OK\n");
            assertThat(http(gh, "GET", "statistics/statements", 200).path("data")).isEmpty();
        }
    }

    @Test
    void offByDefault(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir));
        try (Gatehouse gh = Gatehouse.start(file)) {
            JsonNode err = http(gh, "GET", "statistics/statements", 409);
            assertThat(err.toString()).contains("statement_statistics");
            assertThat(text(gh, "metrics")).doesNotContain("gatehouse_statement_");
        }
    }

    /** The count of a server's {@code operation} (read or write) response-time distribution, checking its shape. */
    private static long responses(Gatehouse gh, String server, String operation) throws Exception {
        JsonNode d = http(gh, "GET", "servers/" + server, 200)
                .at("/data/attributes/statistics/response_time_distribution/" + operation);
        assertThat(d.path("operation").asText()).isEqualTo(operation);
        assertThat(d.path("range_base").asInt()).isEqualTo(10);
        List<String> times = new ArrayList<>();
        long n = 0;
        for (JsonNode b : d.path("distribution")) {
            times.add(b.path("time").asText());
            n += b.path("count").asLong();
            assertThat(b.path("total").asDouble()).isGreaterThanOrEqualTo(0);
        }
        assertThat(times).containsExactly("0.000001", "0.000010", "0.000100", "0.001000", "0.010000", "0.100000",
                "1.000000", "10.000000", "100.000000", "1000.000000", "10000.000000", "100000.000000");
        return n;
    }

    private static String canonical(String sql) {
        Classification c = CLASSIFIER.classify(sql);
        return c.canonical();
    }

    /** The entries of {@code sql}'s canonical form (one per server). */
    private static List<JsonNode> find(JsonNode all, String sql) {
        String canonical = canonical(sql);
        List<JsonNode> out = new ArrayList<>();
        all.forEach(n -> {
            if (n.at("/attributes/statement").asText().equals(canonical)) {
                out.add(n);
            }
        });
        return out;
    }

    private static void assertCounts(List<JsonNode> entries, long count, long errors, long rows) {
        assertThat(entries).isNotEmpty();
        assertThat(entries.stream().mapToLong(n -> n.at("/attributes/count").asLong()).sum()).isEqualTo(count);
        assertThat(entries.stream().mapToLong(n -> n.at("/attributes/errors").asLong()).sum()).isEqualTo(errors);
        assertThat(entries.stream().mapToLong(n -> n.at("/attributes/rows").asLong()).sum()).isEqualTo(rows);
    }

    private static long sum(JsonNode all) {
        long n = 0;
        for (JsonNode e : all) {
            n += e.at("/attributes/count").asLong();
        }
        return n;
    }

    private static Connection connect(Gatehouse gh, String listener) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port(listener) + "/" + Accounts.DATABASE,
                Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    /** Waits until the table shows {@code n} rows on this connection's replica (replication catches up). */
    private static void awaitRows(Statement s, int n) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (var rs = s.executeQuery("SELECT COUNT(*) FROM stats_t")) {
                rs.next();
                if (rs.getInt(1) == n) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("replication of stats_t").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void awaitReady(Gatehouse gh, String listener) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (Connection c = connect(gh, listener); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void cli(Gatehouse gh, String listener, String sql) throws Exception {
        Subprocess.Output out = Subprocess.run(List.of("mariadb", "--no-defaults", "--protocol=TCP",
                "--connect-timeout=10", "-h127.0.0.1", "-P" + gh.port(listener), "-u" + Accounts.APP_USER,
                "-p" + Accounts.APP_PASSWORD, "-N", "-B", Accounts.DATABASE, "-e", sql), null, Duration.ofSeconds(60));
        assertThat(out.exitCode()).as(out.describe()).isZero();
    }

    private static String gatectl(Gatehouse gh, String... args) {
        List<String> all = new ArrayList<>(List.of("--timeout", "30000", "--hosts", "127.0.0.1:" + gh.admin().port()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(status).as(err.toString()).isZero();
        return out.toString();
    }

    private static HttpResponse<String> send(Gatehouse gh, String method, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.admin().port() + "/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode http(Gatehouse gh, String method, String path, int status) throws Exception {
        HttpResponse<String> resp = send(gh, method, "v1/" + path);
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(status);
        return resp.body().isEmpty() ? null : new ObjectMapper().readTree(resp.body());
    }

    private static String text(Gatehouse gh, String path) throws Exception {
        HttpResponse<String> resp = send(gh, "GET", path);
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return resp.body();
    }
}
