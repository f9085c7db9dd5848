package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filters changed on a running Gatehouse, as with maxctrl: {@code alter filter} (and {@code PATCH /v1/filters/NAME})
 * gives new sessions the new parameters while open sessions keep theirs, refuses what cannot change naming it, and
 * survives a restart; {@code alter service-filters} (and {@code PATCH /v1/services/NAME} with the {@code filters}
 * relationship or parameter) changes a service's chain for new sessions; a filter in use is not destroyed. A
 * regexfilter makes the effect visible to a real client: {@code SELECT 'fromtext'} answers what the filter wrote.
 * Real cluster; gatectl runs in this JVM on the JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class FilterRuntimeTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String REGEX = "module=regexfilter\nmatch=fromtext\nreplace=first";
    private static final String QUERY = "SELECT 'fromtext'";

    private record Run(int status, String out, String err) {
    }

    private static Run gatectl(Gatehouse gh, String... args) {
        List<String> all = new ArrayList<>(List.of("--timeout", "30000", "--hosts",
                "127.0.0.1:" + gh.admin().port()));
        all.addAll(Arrays.asList(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    private static void ok(Gatehouse gh, String... args) {
        Run r = gatectl(gh, args);
        assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
        assertThat(r.out()).isEqualTo("OK\n");
    }

    private static String refused(Gatehouse gh, String... args) {
        Run r = gatectl(gh, args);
        assertThat(r.status()).as(String.join(" ", args) + ": " + r.out()).isEqualTo(1);
        return r.err();
    }

    /** What a new session of {@code listener} gets for {@link #QUERY}. */
    private static String fresh(FilterBed bed, String listener) throws Exception {
        try (Connection c = bed.connect(listener)) {
            return FilterBed.scalar(c, QUERY);
        }
    }

    /** What the first session that gets in answers (the monitor's first pass decides which servers may be used). */
    private static String firstAnswer(int port) throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + Accounts.DATABASE;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                return FilterBed.scalar(c, QUERY);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static HttpResponse<String> http(Gatehouse gh, String method, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.admin().port() + "/v1/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void alteredFilterReachesNewSessionsAndSurvivesARestart(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path cnf = dir.resolve("gatehouse.cnf");
        try (FilterBed bed = FilterBed.startPersisting(cluster, dir, REGEX)) {
            Gatehouse gh = bed.gatehouse;
            try (Connection open = bed.connect(FilterBed.SPLIT)) {
                assertThat(FilterBed.scalar(open, QUERY)).isEqualTo("first");
                ok(gh, "alter", "filter", "F", "replace", "second");
                assertThat(FilterBed.scalar(open, QUERY)).as("an open session keeps its filter").isEqualTo("first");
                assertThat(fresh(bed, FilterBed.SPLIT)).isEqualTo("second");
                assertThat(fresh(bed, FilterBed.CONN)).as("every service using F").isEqualTo("second");
            }
            assertThat(refused(gh, "alter", "filter", "F", "module", "qlafilter")).contains("[F] module")
                    .contains("restart");
            assertThat(refused(gh, "alter", "filter", "F", "colour", "red")).contains("[F] colour")
                    .contains("unknown parameter");
            assertThat(refused(gh, "alter", "filter", "F", "options", "sideways")).contains("options")
                    .contains("sideways");
            assertThat(refused(gh, "alter", "filter", "Nope", "replace", "x")).contains("Nope");
            assertThat(fresh(bed, FilterBed.SPLIT)).as("a refused change leaves the filter as it was")
                    .isEqualTo("second");

            HttpResponse<String> patch = http(gh, "PATCH", "filters/F",
                    "{\"data\":{\"attributes\":{\"parameters\":{\"replace\":\"third\"}}}}");
            assertThat(patch.statusCode()).as(patch.body()).isEqualTo(204);
            assertThat(fresh(bed, FilterBed.CONN)).isEqualTo("third");
            JsonNode doc = new ObjectMapper().readTree(http(gh, "GET", "filters/F", null).body());
            assertThat(doc.at("/data/attributes/parameters/replace").asText()).isEqualTo("third");
            assertThat(Files.readString(dir.resolve("persist/F.cnf"))).contains("replace=third");
            Run show = gatectl(gh, "show", "filter", "F");
            assertThat(show.status()).as(show.err()).isZero();
            assertThat(show.out()).contains("third").contains("F-Split").contains("F-Conn");
        }
        try (Gatehouse again = Gatehouse.start(cnf)) {
            assertThat(firstAnswer(again.port(FilterBed.CONN))).as("the change was persisted").isEqualTo("third");
        }
    }

    @Test
    void serviceFilterChainsChangeForNewSessions(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.startPersisting(cluster, dir, REGEX)) {
            Gatehouse gh = bed.gatehouse;
            ok(gh, "create", "filter", "G", "regexfilter", "match=fromtext", "replace=viaG");
            try (Connection open = bed.connect(FilterBed.SPLIT)) {
                ok(gh, "alter", "service-filters", "F-Split", "G");
                assertThat(fresh(bed, FilterBed.SPLIT)).isEqualTo("viaG");
                Run list = gatectl(gh, "--tsv", "list", "filters");
                assertThat(list.out().lines().filter(l -> l.startsWith("G\t")).findFirst().orElseThrow())
                        .contains("F-Split").doesNotContain("F-Conn");
                assertThat(FilterBed.scalar(open, QUERY)).as("an open session keeps its chain").isEqualTo("first");
                assertThat(fresh(bed, FilterBed.CONN)).as("other services keep theirs").isEqualTo("first");
            }
            String inUse = refused(gh, "destroy", "filter", "G");
            assertThat(inUse).contains("in use").contains("F-Split");
            assertThat(fresh(bed, FilterBed.SPLIT)).as("the refused destroy changed nothing").isEqualTo("viaG");

            // The chain runs in the order given: F rewrites first, so G no longer sees its match.
            ok(gh, "alter", "service-filters", "F-Split", "F", "G");
            assertThat(fresh(bed, FilterBed.SPLIT)).isEqualTo("first");
            ok(gh, "alter", "service-filters", "F-Split");
            assertThat(fresh(bed, FilterBed.SPLIT)).isEqualTo("fromtext");
            assertThat(refused(gh, "alter", "service-filters", "F-Split", "Missing")).contains("Missing");

            HttpResponse<String> asParameter = http(gh, "PATCH", "services/F-Split",
                    "{\"data\":{\"attributes\":{\"parameters\":{\"filters\":[\"G\",\"F\"]}}}}");
            assertThat(asParameter.statusCode()).as(asParameter.body()).isEqualTo(204);
            assertThat(fresh(bed, FilterBed.SPLIT)).isEqualTo("viaG");
            JsonNode users = new ObjectMapper().readTree(http(gh, "GET", "filters/G", null).body())
                    .at("/data/relationships/services/data");
            assertThat(users.findValuesAsText("id")).containsExactly("F-Split");
            assertThat(Files.readString(dir.resolve("persist/F-Split.cnf"))).contains("filters=G|F");

            ok(gh, "alter", "service-filters", "F-Split", "F");
            ok(gh, "destroy", "filter", "G");
            assertThat(http(gh, "GET", "filters/G", null).statusCode()).isEqualTo(404);
            assertThat(fresh(bed, FilterBed.SPLIT)).isEqualTo("first");
        }
    }

    @Test
    void alteredQlaFilterKeepsOneUnifiedFileForOldAndNewSessions(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        Path unified = dir.resolve("qla.unified");
        String tag = Names.unique("qlalter");
        try (FilterBed bed = FilterBed.startPersisting(cluster, dir, "module=qlafilter\nlog_type=unified\n"
                + "log_data=query\nfilebase=" + dir.resolve("qla"))) {
            Gatehouse gh = bed.gatehouse;
            assertThat(refused(gh, "alter", "filter", "F", "filebase", dir.resolve("other").toString()))
                    .contains("[F] filebase").contains("restart");
            try (Connection old = bed.connect(FilterBed.CONN)) {
                FilterBed.scalar(old, "SELECT '" + tag + "-old-1'");
                ok(gh, "alter", "filter", "F", "log_data", "server,query", "separator", "\"|\"");
                FilterBed.scalar(old, "SELECT '" + tag + "-old-2'");
                try (Connection fresh = bed.connect(FilterBed.CONN)) {
                    FilterBed.scalar(fresh, "SELECT '" + tag + "-new'");
                }
            }
            List<String> lines = LogFilterBed.awaitLines(unified,
                    l -> l.stream().filter(x -> x.contains(tag)).count() >= 3);
            assertThat(lines.stream().filter(x -> x.equals("Query"))).as("one header").hasSize(1);
            assertThat(lines).containsOnlyOnce("SELECT '" + tag + "-old-1'", "SELECT '" + tag + "-old-2'",
                    "SELECT '" + tag + "-new'|" + cluster.primary().name());
        }
    }
}
