package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import io.gatehouse.tests.GatectlRunner.Run;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API answers MaxScale 24.02's own maxctrl the way it expects (found by scripts/compare-maxctrl.sh): the
 * requests here are the ones maxctrl sends. {@code link}/{@code unlink} PATCH the whole relationships object of the
 * GET back, read-only kinds (a service's listeners, a monitor's services) included; {@code create monitor} without
 * servers; {@code show server}'s version without the handshake's "5.5.5-"; {@code classify} reads
 * {@code data.attributes}; {@code alter service} of the service's user and password and {@code alter maxscale} of the auth timeouts at runtime. Real cluster, Gatehouse started in this JVM, plain HTTP from the JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class MaxctrlRestCompatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Gatehouse gatehouse;
    private static MariaDbCluster cluster;
    private static Path dir;

    @BeforeAll
    static void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-maxctrl-compat");
        StringBuilder sb = GatectlRunner.clusterConfig(c, dir);
        String creds = GatectlRunner.credentials();
        sb.append("[RW-Service]\ntype=service\nrouter=readwritesplit\ncluster=MariaDB-Monitor\n").append(creds).append('\n');
        sb.append("[RW-Listener]\ntype=listener\nservice=RW-Service\naddress=127.0.0.1\nport=0\n\n");
        sb.append("[Primary-Service]\ntype=service\nrouter=readconnroute\nrouter_options=master\nservers=")
                .append(c.servers().get(0).name()).append('\n').append(creds).append('\n');
        sb.append("[Primary-Listener]\ntype=listener\nservice=Primary-Service\naddress=127.0.0.1\nport=0\n");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, sb.toString());
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private static HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatehouse.admin().port() + "/v1/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http("GET", path, null);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The log messages the admin API keeps (maxctrl's {@code show log}). */
    private static String log() throws Exception {
        return http("GET", "maxscale/logs/entries?page%5Bsize%5D=5000", null).body();
    }

    private static List<String> ids(JsonNode resource, String relation) {
        List<String> out = new ArrayList<>();
        resource.path("data").path("relationships").path(relation).path("data").forEach(r -> out.add(r.path("id").asText()));
        return out;
    }

    /**
     * What maxctrl's {@code link} (add) or {@code unlink} (remove) sends: the GET document with its attributes
     * dropped and all four kinds of target relationships set, the server added to or removed from its servers.
     */
    private static HttpResponse<String> maxctrlLink(String path, String server, boolean add) throws Exception {
        ObjectNode doc = (ObjectNode) get(path);
        ObjectNode data = (ObjectNode) doc.get("data");
        ObjectNode rels = data.has("relationships") ? (ObjectNode) data.get("relationships") : data.putObject("relationships");
        for (String kind : List.of("servers", "services", "monitors", "filters")) {
            JsonNode rel = rels.path(kind);
            ArrayNode list = rel.path("data").isArray() ? (ArrayNode) rel.path("data").deepCopy() : JSON.createArrayNode();
            if (kind.equals("servers")) {
                ArrayNode next = JSON.createArrayNode();
                list.forEach(e -> {
                    if (add || !e.path("id").asText().equals(server)) {
                        next.add(e);
                    }
                });
                if (add) {
                    next.addObject().put("id", server).put("type", "servers");
                }
                list = next;
            }
            ObjectNode kindNode = rels.has(kind) ? (ObjectNode) rels.get(kind) : rels.putObject(kind);
            kindNode.set("data", list);
        }
        data.remove("attributes");
        return http("PATCH", path, JSON.writeValueAsString(doc));
    }

    @Test
    void wholeRelationshipsOfTheGetCanBePatchedBackUnchanged() throws Exception {
        // Before: 403 "relationship 'listeners' of services cannot be changed here" (and 'services' of monitors).
        for (String path : List.of("services/RW-Service", "services/Primary-Service", "monitors/MariaDB-Monitor")) {
            JsonNode before = get(path);
            ObjectNode doc = (ObjectNode) before.deepCopy();
            ((ObjectNode) doc.get("data")).remove("attributes");
            HttpResponse<String> r = http("PATCH", path, JSON.writeValueAsString(doc));
            assertThat(r.statusCode()).as("PATCH %s: %s", path, r.body()).isIn(200, 204);
            JsonNode after = get(path);
            assertThat(after.path("data").path("relationships")).isEqualTo(before.path("data").path("relationships"));
        }
        assertThat(ids(get("services/RW-Service"), "listeners")).containsExactly("RW-Listener");
        assertThat(ids(get("monitors/MariaDB-Monitor"), "services")).contains("RW-Service");
    }

    @Test
    void linkAndUnlinkOfAServiceAsMaxctrlSendsThem() throws Exception {
        String first = cluster.servers().get(0).name();
        String second = cluster.servers().get(1).name();
        HttpResponse<String> r = maxctrlLink("services/Primary-Service", second, true);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
        assertThat(ids(get("services/Primary-Service"), "servers")).containsExactly(first, second);
        assertThat(ids(get("services/Primary-Service"), "listeners")).containsExactly("Primary-Listener");
        r = maxctrlLink("services/Primary-Service", second, false);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
        assertThat(ids(get("services/Primary-Service"), "servers")).containsExactly(first);

        // A service that takes its servers from a cluster gets none linked beside it, as in MaxScale.
        r = maxctrlLink("services/RW-Service", second, true);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("MariaDB-Monitor");
        assertThat(ids(get("services/RW-Service"), "monitors")).containsExactly("MariaDB-Monitor");
        assertThat(ids(get("services/RW-Service"), "servers")).isEmpty();
    }

    @Test
    void monitorCreatedWithoutServersGetsThemLinkedAndUnlinked() throws Exception {
        String server = "maxctrl-extra";
        MariaDbServer backend = cluster.servers().get(2);
        String serverBody = "{\"data\":{\"id\":\"" + server + "\",\"attributes\":{\"parameters\":{\"address\":\"127.0.0.1\","
                + "\"port\":" + backend.port() + "}}}}";
        String monitorBody = "{\"data\":{\"id\":\"maxctrl-mon\",\"attributes\":{\"module\":\"mariadbmon\","
                + "\"parameters\":{\"user\":\"u\",\"password\":\"p\"}}}}";
        HttpResponse<String> r = http("POST", "servers", serverBody);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201, 204);
        try {
            r = http("POST", "monitors", monitorBody);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 201, 204);
            assertThat(ids(get("monitors/maxctrl-mon"), "servers")).isEmpty();
            assertThat(get("monitors/maxctrl-mon").path("data").path("attributes").path("state").asText()).isEqualTo("Running");

            r = maxctrlLink("monitors/maxctrl-mon", server, true);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
            assertThat(ids(get("monitors/maxctrl-mon"), "servers")).containsExactly(server);
            assertThat(ids(get("servers/" + server), "monitors")).containsExactly("maxctrl-mon");

            r = maxctrlLink("monitors/maxctrl-mon", server, false);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
            assertThat(ids(get("monitors/maxctrl-mon"), "servers")).isEmpty();
        } finally {
            http("DELETE", "monitors/maxctrl-mon", null);
            http("DELETE", "servers/" + server + "?force=yes", null);
        }
        assertThat(http("GET", "monitors/maxctrl-mon", null).statusCode()).isEqualTo(404);
    }

    /** {@code alter service S user U} and {@code password=P}: applied at once; the next account load uses them. */
    @Test
    void serviceUserAndPasswordChangeAtRuntime() throws Exception {
        String patchUser = "{\"data\":{\"attributes\":{\"parameters\":{\"user\":\"maxctrl-nosuchuser\","
                + "\"password\":\"wrong\"}}}}";
        try {
            HttpResponse<String> r = http("PATCH", "services/Primary-Service", patchUser);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
            assertThat(get("services/Primary-Service").path("data").path("attributes").path("parameters").path("user")
                    .asText()).isEqualTo("maxctrl-nosuchuser");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!log().contains("'maxctrl-nosuchuser'") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(log()).as("the account load with the new user is refused by the server")
                    .contains("'maxctrl-nosuchuser'");
        } finally {
            String back = "{\"data\":{\"attributes\":{\"parameters\":{\"user\":\"" + Accounts.SERVICE_USER
                    + "\",\"password\":\"" + Accounts.SERVICE_PASSWORD + "\"}}}}";
            assertThat(http("PATCH", "services/Primary-Service", back).statusCode()).isIn(200, 204);
        }
    }

    /** {@code alter maxscale auth_connect_timeout 5s} (MaxScale's documented example) is applied at runtime. */
    @Test
    void authTimeoutsChangeAtRuntime() throws Exception {
        String body = "{\"data\":{\"attributes\":{\"parameters\":{\"auth_connect_timeout\":\"5s\"}}}}";
        try {
            HttpResponse<String> r = http("PATCH", "maxscale", body);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
            assertThat(get("maxscale").path("data").path("attributes").path("parameters").path("auth_connect_timeout")
                    .asText()).isIn("5s", "5000ms");
            // The accounts still load (with the new timeout): a reload through the API succeeds.
            assertThat(http("POST", "services/Primary-Service/reload", null).statusCode()).isIn(200, 204);
        } finally {
            http("PATCH", "maxscale", body.replace("5s", "10s"));
        }
    }

    @Test
    void serverVersionIsShownWithoutTheHandshakePrefix() throws Exception {
        String name = cluster.servers().get(0).name();
        long deadline = System.nanoTime() + 20_000_000_000L;
        String version = "";
        while (version.isEmpty() && System.nanoTime() < deadline) {
            version = get("servers/" + name).path("data").path("attributes").path("version_string").asText("");
            if (version.isEmpty()) {
                Thread.sleep(200);
            }
        }
        // MariaDB 10+ greets with "5.5.5-10.x..." for old MySQL clients; MaxScale shows the real version.
        assertThat(version).doesNotStartWith("5.5.5-").matches("1\\d\\.\\d+\\.\\d+-MariaDB.*");
    }

    @Test
    void classifyAnswersInTheAttributesAsMaxctrlReadsThem() throws Exception {
        JsonNode a = get("maxscale/query_classifier/classify?sql=SELECT%20NOW()%20FROM%20t%20WHERE%20a%3D1")
                .path("data").path("attributes");
        assertThat(a.path("parse_result").asText()).isEqualTo("QC_QUERY_PARSED");
        assertThat(a.path("type_mask").asText()).contains("QUERY_TYPE_READ");
        assertThat(a.path("operation").asText()).isEqualTo("QUERY_OP_SELECT");
        assertThat(a.path("has_where_clause").asBoolean()).isTrue();
        assertThat(a.path("canonical").asText()).startsWith("SELECT").contains("?").doesNotContain("1");
        // maxctrl prints each function as name: (arguments joined), so arguments must be a list.
        assertThat(a.path("functions").get(0).path("name").asText()).isEqualToIgnoringCase("now");
        assertThat(a.path("functions").get(0).path("arguments").isArray()).isTrue();
        // Older clients (and gatectl) read the same under parameters, with the statement.
        assertThat(a.path("parameters").path("sql").asText()).isEqualTo("SELECT NOW() FROM t WHERE a=1");
        assertThat(a.path("parameters").path("operation").asText()).isEqualTo("QUERY_OP_SELECT");
    }

    /** maxctrl's {@code show thread} and {@code list threads} read each worker's classifier cache counters. */
    @Test
    void threadsShowTheirClassifierCacheCounters() throws Exception {
        String sql = "SELECT 'maxctrl-thread-counter'";
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:"
                    + gatehouse.port("RW-Listener") + "/" + Accounts.DATABASE, Accounts.APP_USER, Accounts.APP_PASSWORD);
                    java.sql.Statement st = c.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    st.executeQuery(sql).close();
                }
                break;
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        long inserts = 0;
        long hits = 0;
        for (JsonNode t : get("maxscale/threads").path("data")) {
            JsonNode qc = t.path("attributes").path("stats").path("query_classifier_cache");
            assertThat(qc.path("size").isNumber()).as("size of thread %s: %s", t.path("id"), qc).isTrue();
            assertThat(qc.path("misses").isNumber()).isTrue();
            assertThat(qc.path("evictions").isNumber()).isTrue();
            inserts += qc.path("inserts").asLong();
            hits += qc.path("hits").asLong();
        }
        // readwritesplit classified the statement once on the session's worker, then found it in its cache.
        assertThat(inserts).isGreaterThanOrEqualTo(1);
        assertThat(hits).isGreaterThanOrEqualTo(2);
        assertThat(get("maxscale/threads/0").path("data").path("attributes").path("stats")
                .path("query_classifier_cache").has("inserts")).isTrue();
    }

    @Test
    void gatectlPrintsJsonAsMaxctrlDoes() {
        Run r = GatectlRunner.run(gatehouse, "show", "maxscale");
        assertThat(r.status()).as(r.err()).isZero();
        int cores = Runtime.getRuntime().availableProcessors();
        // JavaScript's JSON.stringify: whole numbers without ".0", empty lists as [].
        assertThat(r.out()).contains("\"cores_virtual\": " + cores + ",").contains("\"admin_audit_exclude_methods\": [],")
                .doesNotContain("[ ]").doesNotContain("{ }");
        Run module = GatectlRunner.run(gatehouse, "show", "module", "readwritesplit");
        assertThat(module.status()).as(module.err()).isZero();
        assertThat(module.out().lines().filter(l -> l.startsWith("│ Commands ")).findFirst().orElseThrow())
                .doesNotContain("[");
    }
}
