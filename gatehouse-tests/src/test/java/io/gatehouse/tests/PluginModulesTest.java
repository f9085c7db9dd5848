package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.ApiVersion;
import io.gatehouse.cli.Gatectl;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party modules end to end: the example filter and router are built from {@code examples/} with Maven, dropped
 * into a plugin directory with a jar built for a future API, and used by a Gatehouse in front of the shared cluster
 * through MariaDB Connector/J. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class PluginModulesTest {
    /** One client for the class: a client nobody references can be collected, and closed, during a request. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @Test
    void exampleModulesLoadFromLibdirAndWork(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path work = Files.createDirectories(dir.resolve("build"));
        Files.copy(ExamplePlugins.build("clienttag-filter", work), plugins.resolve("clienttag-filter.jar"));
        Files.copy(ExamplePlugins.build("roundrobin-router", work), plugins.resolve("roundrobin-router.jar"));
        ExamplePlugins.moduleForApi("futurefilter", ApiVersion.MAJOR + 1, 0, plugins);

        String cnf = GatehouseExtension.config(cluster, dir).replace("[maxscale]\n", "[maxscale]\nlibdir=" + plugins + "\n")
                + "[Tag]\ntype=filter\nmodule=clienttag\n\n"
                + "[Tagged-Service]\ntype=service\nrouter=readwritesplit\ncluster=Cluster-Monitor\nfilters=Tag\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Tagged-Listener]\ntype=listener\nservice=Tagged-Service\naddress=127.0.0.1\nport=0\n\n"
                // The same filter in front of a connection router: readconnroute cuts its stream into commands.
                + "[Tagged-Conn-Service]\ntype=service\nrouter=readconnroute\nrouter_options=master\n"
                + "cluster=Cluster-Monitor\nfilters=Tag\nuser=" + Accounts.SERVICE_USER + "\npassword="
                + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Tagged-Conn-Listener]\ntype=listener\nservice=Tagged-Conn-Service\naddress=127.0.0.1\nport=0\n\n"
                + "[RR-Service]\ntype=service\nrouter=roundrobin\ncluster=Cluster-Monitor\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[RR-Listener]\ntype=listener\nservice=RR-Service\naddress=127.0.0.1\nport=0\n\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);

        try (Gatehouse gh = Gatehouse.start(file)) {
            // The module built for the next major API is refused by name, version and range; the others still load.
            assertThat(gh.runtime().modules().refused()).anySatisfy(m -> assertThat(m)
                    .contains("'futurefilter'").contains("futurefilter.jar")
                    .contains("API " + (ApiVersion.MAJOR + 1) + ".0")
                    .contains("supports API " + ApiVersion.MAJOR + ".0 to " + ApiVersion.CURRENT));

            // Round robin: consecutive connections go to each server in turn.
            String rr = "jdbc:mariadb://127.0.0.1:" + gh.port("RR-Listener") + "/" + Accounts.DATABASE;
            awaitFirstConnection(rr);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(query(rr, "SELECT @@server_id"));
            }
            Set<String> all = cluster.servers().stream().map(MariaDbServer::serverId).map(String::valueOf)
                    .collect(Collectors.toSet());
            assertThat(Set.copyOf(ids.subList(0, 3))).as("three connections in a row: %s", ids).isEqualTo(all);
            assertThat(ids.subList(3, 6)).as("the turn repeats: %s", ids).isEqualTo(ids.subList(0, 3));

            // The filter's comment reaches the server: the statement reads its own text from the process list.
            String tagged = "jdbc:mariadb://127.0.0.1:" + gh.port("Tagged-Listener") + "/" + Accounts.DATABASE;
            String info = query(tagged, "SELECT info FROM information_schema.PROCESSLIST WHERE id = CONNECTION_ID()");
            assertThat(info).startsWith("/* client=127.0.0.1 */ SELECT info FROM information_schema.PROCESSLIST");
            String conn = "jdbc:mariadb://127.0.0.1:" + gh.port("Tagged-Conn-Listener") + "/" + Accounts.DATABASE;
            awaitFirstConnection(conn);
            info = query(conn, "SELECT info FROM information_schema.PROCESSLIST WHERE id = CONNECTION_ID()");
            assertThat(info).as("the filter's comment through readconnroute")
                    .startsWith("/* client=127.0.0.1 */ SELECT info FROM information_schema.PROCESSLIST");
            assertThat(query(conn, "SELECT @@server_id")).isEqualTo(String.valueOf(cluster.primary().serverId()));

            // The plugins are listed with their parameters, and the filter's diagnostics are served.
            int admin = gh.admin().port();
            JsonNode modules = get(admin, "/v1/maxscale/modules");
            List<String> names = new ArrayList<>();
            modules.get("data").forEach(m -> names.add(m.get("id").asText()));
            assertThat(names).contains("clienttag", "roundrobin").doesNotContain("futurefilter");
            JsonNode tag = get(admin, "/v1/maxscale/modules/clienttag").get("data").get("attributes");
            assertThat(tag.get("module_type").asText()).isEqualTo("Filter");
            assertThat(tag.get("parameters").findValuesAsText("name")).contains("tag");
            JsonNode rrModule = get(admin, "/v1/maxscale/modules/roundrobin").get("data").get("attributes");
            assertThat(rrModule.get("parameters").findValuesAsText("name")).contains("include_primary");
            assertThat(get(admin, "/v1/filters/Tag").at("/data/attributes/filter_diagnostics/tagged_statements")
                    .asLong()).isPositive();

            StringWriter out = new StringWriter();
            int rc = Gatectl.run(new String[] {"--hosts", "127.0.0.1:" + admin, "list", "modules"},
                    new PrintWriter(out), new PrintWriter(new StringWriter()));
            assertThat(rc).isZero();
            assertThat(out.toString()).contains("clienttag").contains("roundrobin");
            out = new StringWriter();
            rc = Gatectl.run(new String[] {"--hosts", "127.0.0.1:" + admin, "--tsv", "show", "module", "clienttag"},
                    new PrintWriter(out), new PrintWriter(new StringWriter()));
            assertThat(rc).isZero();
            assertThat(out.toString()).contains("Filter").contains("1.0.0").contains("\"tag\"");
        }
    }

    private static void awaitFirstConnection(String url) throws Exception {
        // The monitor's first pass decides which servers are running; until then no server qualifies.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static JsonNode get(int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return new ObjectMapper().readTree(resp.body());
    }
}
