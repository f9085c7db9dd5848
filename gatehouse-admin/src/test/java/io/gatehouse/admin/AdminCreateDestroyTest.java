package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Creating, changing, linking and destroying objects through the REST API with MaxScale's request bodies: created
 * objects work at once (a created listener serves the real {@code mariadb} client through a created service and
 * server), destroying an object in use is refused, everything is persisted to {@code persistdir}, and a restart
 * keeps what was created and forgets what was destroyed. Real cluster; JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminCreateDestroyTest {
    static String server(String name, int port) {
        return "{\"data\":{\"id\":\"" + name + "\",\"type\":\"servers\",\"attributes\":{\"parameters\":"
                + "{\"address\":\"127.0.0.1\",\"port\":" + port + "}}}}";
    }

    static String service(String name, String router, String servers) {
        return "{\"data\":{\"id\":\"" + name + "\",\"type\":\"services\",\"attributes\":{\"router\":\"" + router
                + "\",\"parameters\":{\"user\":\"" + Accounts.SERVICE_USER + "\",\"password\":\""
                + Accounts.SERVICE_PASSWORD + "\"}},\"relationships\":{\"servers\":{\"data\":[{\"id\":\"" + servers
                + "\",\"type\":\"servers\"}]}}}}";
    }

    static String listener(String name, String service) {
        return "{\"data\":{\"id\":\"" + name + "\",\"type\":\"listeners\",\"attributes\":{\"parameters\":"
                + "{\"address\":\"127.0.0.1\",\"port\":0}},\"relationships\":{\"services\":{\"data\":[{\"id\":\""
                + service + "\",\"type\":\"services\"}]}}}}";
    }

    private static String detail(HttpResponse<String> r) {
        return AdminFixture.parse(r.body()).at("/errors/0/detail").asText();
    }

    @Test
    void createdObjectsServeClientsSurviveRestartAndDestroyCleansUp(MariaDbCluster cluster) throws Exception {
        AdminFixture gh = AdminFixture.start(cluster);
        Path dir = gh.dir;
        Path persist = dir.resolve("persist");
        int primaryPort = cluster.primary().port();
        try {
            assertThat(gh.send("POST", "/v1/servers", server("new-server", primaryPort)).statusCode()).isEqualTo(204);
            JsonNode s = gh.get("/v1/servers/new-server");
            assertThat(s.at("/data/attributes/parameters/port").asInt()).isEqualTo(primaryPort);
            assertThat(s.at("/data/attributes/source/type").asText()).isEqualTo("runtime");
            assertThat(FixtureShapes.mismatches(FixtureShapes.reference("servers_server1"), s)).isEmpty();

            assertThat(gh.send("POST", "/v1/services", service("new-service", "readconnroute", "new-server"))
                    .statusCode()).isEqualTo(204);
            JsonNode svc = gh.get("/v1/services/new-service");
            assertThat(svc.at("/data/attributes/router").asText()).isEqualTo("readconnroute");
            assertThat(svc.at("/data/relationships/servers/data/0/id").asText()).isEqualTo("new-server");
            assertThat(FixtureShapes.mismatches(FixtureShapes.reference("services_RW-Split-Router"), svc)).isEmpty();

            assertThat(gh.send("POST", "/v1/listeners", listener("new-listener", "new-service")).statusCode())
                    .isEqualTo(204);
            JsonNode l = gh.get("/v1/listeners/new-listener");
            assertThat(l.at("/data/attributes/state").asText()).isEqualTo("Running");
            int port = l.at("/data/attributes/parameters/port").asInt();
            assertThat(port).isPositive();
            assertThat(MariaDbClient.query(port, "SELECT @@port")).isEqualTo(String.valueOf(primaryPort));
            assertThat(FixtureShapes.mismatches(FixtureShapes.reference("listeners"), gh.get("/v1/listeners"))).isEmpty();
            var taken = gh.send("POST", "/v1/listeners", listener("clash", "new-service").replace("\"port\":0", "\"port\":" + port));
            assertThat(taken.statusCode()).isEqualTo(400);
            assertThat(detail(taken)).contains("clash").contains(String.valueOf(port));
            assertThat(gh.send("GET", "/v1/listeners/clash", null).statusCode()).isEqualTo(404);
            var badLink = gh.send("POST", "/v1/servers", server("orphan", primaryPort).replace("}}}}",
                    "}},\"relationships\":{\"services\":{\"data\":[{\"id\":\"nope\",\"type\":\"services\"}]}}}}"));
            assertThat(badLink.statusCode()).isEqualTo(404);
            assertThat(gh.send("GET", "/v1/servers/orphan", null).statusCode()).isEqualTo(404);
            var svcPatch = gh.send("PATCH", "/v1/services/new-service",
                    "{\"data\":{\"attributes\":{\"parameters\":{\"max_connections\":5}}}}");
            assertThat(svcPatch.statusCode()).as(svcPatch.body()).isEqualTo(204);

            var inUse = gh.send("DELETE", "/v1/servers/new-server", null);
            assertThat(inUse.statusCode()).isEqualTo(400);
            assertThat(detail(inUse)).contains("new-service");
            var withListener = gh.send("DELETE", "/v1/services/new-service", null);
            assertThat(withListener.statusCode()).isEqualTo(400);
            assertThat(detail(withListener)).contains("new-listener");

            assertThat(Files.readString(persist.resolve("new-server.cnf"))).contains("type=server")
                    .contains("port=" + primaryPort);
            assertThat(Files.readString(persist.resolve("new-service.cnf"))).contains("router=readconnroute")
                    .contains("servers=new-server");
            assertThat(Files.exists(persist.resolve("new-listener.cnf"))).isTrue();

            // A static listener destroyed at runtime stays destroyed after a restart.
            assertThat(gh.send("DELETE", "/v1/listeners/Read-Only-Listener", null).statusCode()).isEqualTo(204);
            assertThat(gh.send("GET", "/v1/listeners/Read-Only-Listener", null).statusCode()).isEqualTo(404);
        } finally {
            gh.stopKeepingFiles();
        }
        AdminFixture again = AdminFixture.start(cluster, dir);
        try {
            JsonNode l = again.get("/v1/listeners/new-listener");
            assertThat(l.at("/data/attributes/source/type").asText()).isEqualTo("runtime");
            int port = l.at("/data/attributes/parameters/port").asInt();
            assertThat(MariaDbClient.query(port, "SELECT 1")).isEqualTo("1");
            assertThat(again.send("GET", "/v1/listeners/Read-Only-Listener", null).statusCode()).isEqualTo(404);
            assertThat(again.get("/v1/services/new-service").at("/data/attributes/parameters/max_connections").asInt())
                    .isEqualTo(5);

            assertThat(again.send("DELETE", "/v1/listeners/new-listener", null).statusCode()).isEqualTo(204);
            assertThat(again.send("DELETE", "/v1/services/new-service", null).statusCode()).isEqualTo(204);
            assertThat(again.send("DELETE", "/v1/servers/new-server", null).statusCode()).isEqualTo(204);
            assertThat(again.send("GET", "/v1/servers/new-server", null).statusCode()).isEqualTo(404);
            assertThat(Files.exists(persist.resolve("new-server.cnf"))).isFalse();
            assertThat(Files.exists(persist.resolve("new-service.cnf"))).isFalse();
            assertThat(Files.exists(persist.resolve("new-listener.cnf"))).isFalse();
            assertThat(again.send("DELETE", "/v1/servers/new-server", null).statusCode()).isEqualTo(404);
        } finally {
            again.close();
        }
    }

    @Test
    void monitorsFiltersLinksAndRefusals(MariaDbCluster cluster) throws Exception {
        try (AdminFixture gh = AdminFixture.start(cluster)) {
            String replica = cluster.replicas().get(0).name();
            int primaryPort = cluster.primary().port();
            assertThat(gh.send("POST", "/v1/servers", server("extra", primaryPort)).statusCode()).isEqualTo(204);
            assertThat(gh.send("POST", "/v1/servers", server("extra2", primaryPort)).statusCode()).isEqualTo(204);
            String mon = "{\"data\":{\"id\":\"Mon2\",\"type\":\"monitors\",\"attributes\":{\"module\":\"mariadbmon\","
                    + "\"parameters\":{\"user\":\"" + Accounts.SERVICE_USER + "\",\"password\":\""
                    + Accounts.SERVICE_PASSWORD + "\",\"monitor_interval\":\"1s\"}},\"relationships\":{\"servers\":"
                    + "{\"data\":[{\"id\":\"extra\",\"type\":\"servers\"}]}}}}";
            var created = gh.send("POST", "/v1/monitors", mon);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(204);
            JsonNode m = gh.get("/v1/monitors/Mon2");
            assertThat(m.at("/data/attributes/module").asText()).isEqualTo("mariadbmon");
            assertThat(m.at("/data/attributes/state").asText()).isEqualTo("Running");
            assertThat(m.at("/data/relationships/servers/data/0/id").asText()).isEqualTo("extra");
            assertThat(FixtureShapes.mismatches(FixtureShapes.reference("monitors_MariaDB-Monitor"), m)).isEmpty();
            assertThat(gh.get("/v1/servers/extra").at("/data/attributes/state").asText()).contains("Running");

            String link = "{\"data\":[{\"id\":\"extra\",\"type\":\"servers\"},{\"id\":\"extra2\",\"type\":\"servers\"}]}";
            assertThat(gh.send("PATCH", "/v1/monitors/Mon2/relationships/servers", link).statusCode()).isEqualTo(204);
            assertThat(gh.get("/v1/monitors/Mon2").at("/data/relationships/servers/data/1/id").asText())
                    .isEqualTo("extra2");
            assertThat(gh.get("/v1/servers/extra2").at("/data/relationships/monitors/data/0/id").asText())
                    .isEqualTo("Mon2");
            assertThat(Files.readString(gh.dir.resolve("persist").resolve("Mon2.cnf"))).contains("servers=extra,extra2");
            var inUse = gh.send("DELETE", "/v1/servers/extra2", null);
            assertThat(inUse.statusCode()).isEqualTo(400);
            assertThat(detail(inUse)).contains("Mon2");
            assertThat(gh.send("DELETE", "/v1/servers/extra2?force=yes", null).statusCode()).isEqualTo(204);
            assertThat(gh.get("/v1/monitors/Mon2").at("/data/relationships/servers/data").size()).isEqualTo(1);
            assertThat(gh.send("DELETE", "/v1/monitors/Mon2", null).statusCode()).isEqualTo(400);
            assertThat(gh.send("DELETE", "/v1/monitors/Mon2?force=yes", null).statusCode()).isEqualTo(204);
            assertThat(gh.send("GET", "/v1/monitors/Mon2", null).statusCode()).isEqualTo(404);
            assertThat(Files.exists(gh.dir.resolve("persist").resolve("Mon2.cnf"))).isFalse();

            // A server's own relationships add it to (or take it out of) monitors.
            assertThat(gh.send("POST", "/v1/servers", server("extra3", primaryPort)).statusCode()).isEqualTo(204);
            String mon4 = mon.replace("Mon2", "Mon4");
            assertThat(gh.send("POST", "/v1/monitors", mon4).statusCode()).isEqualTo(204);
            var toMonitor = gh.send("PATCH", "/v1/servers/extra3/relationships/monitors",
                    "{\"data\":[{\"id\":\"Mon4\",\"type\":\"monitors\"}]}");
            assertThat(toMonitor.statusCode()).as(toMonitor.body()).isEqualTo(204);
            assertThat(gh.get("/v1/monitors/Mon4").at("/data/relationships/servers/data").toString()).contains("extra3");
            assertThat(gh.send("PATCH", "/v1/servers/extra3/relationships/monitors", "{\"data\":[]}").statusCode())
                    .isEqualTo(204);
            assertThat(gh.get("/v1/monitors/Mon4").at("/data/relationships/servers/data").toString()).doesNotContain("extra3");
            assertThat(gh.send("DELETE", "/v1/monitors/Mon4?force=yes", null).statusCode()).isEqualTo(204);
            assertThat(gh.send("DELETE", "/v1/servers/extra3", null).statusCode()).isEqualTo(204);

            // Service relationships: a service can move from a cluster to explicit servers.
            var toServers = gh.send("PATCH", "/v1/services/Read-Only-Service/relationships/servers",
                    "{\"data\":[{\"id\":\"" + replica + "\",\"type\":\"servers\"}]}");
            assertThat(toServers.statusCode()).as(toServers.body()).isEqualTo(204);
            JsonNode svc = gh.get("/v1/services/Read-Only-Service");
            assertThat(svc.at("/data/relationships/servers/data/0/id").asText()).isEqualTo(replica);
            assertThat(svc.at("/data/relationships/monitors").isMissingNode()).isTrue();
            assertThat(Files.readString(gh.dir.resolve("persist").resolve("Read-Only-Service.cnf")))
                    .contains("servers=" + replica).doesNotContain("cluster=");

            // Service and listener parameters change at runtime.
            var svcPatch = gh.send("PATCH", "/v1/services/RW-Split-Router",
                    "{\"data\":{\"attributes\":{\"parameters\":{\"max_connections\":42}}}}");
            assertThat(svcPatch.statusCode()).as(svcPatch.body()).isEqualTo(204);
            assertThat(gh.get("/v1/services/RW-Split-Router").at("/data/attributes/parameters/max_connections").asInt())
                    .isEqualTo(42);

            // Invalid parameters are refused naming them, and nothing is created.
            var bad = gh.send("POST", "/v1/servers", "{\"data\":{\"id\":\"bad\",\"type\":\"servers\",\"attributes\":"
                    + "{\"parameters\":{\"address\":\"127.0.0.1\",\"port\":\"many\"}}}}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(detail(bad)).contains("port").contains("many");
            var unknown = gh.send("POST", "/v1/monitors", "{\"data\":{\"id\":\"Mon3\",\"type\":\"monitors\","
                    + "\"attributes\":{\"module\":\"mariadbmon\",\"parameters\":{\"user\":\"u\",\"password\":\"p\","
                    + "\"no_such_setting\":1}}}}");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(detail(unknown)).contains("no_such_setting");
            assertThat(gh.send("GET", "/v1/servers/bad", null).statusCode()).isEqualTo(404);
            assertThat(gh.send("GET", "/v1/monitors/Mon3", null).statusCode()).isEqualTo(404);
            assertThat(Files.exists(gh.dir.resolve("persist").resolve("bad.cnf"))).isFalse();
            var dup = gh.send("POST", "/v1/servers", server(replica, 1));
            assertThat(dup.statusCode()).isEqualTo(400);
            assertThat(detail(dup)).contains(replica);

            // Read-only users may not create or destroy; no credentials is 401.
            assertThat(gh.send("POST", "/v1/servers", server("x", 1), null, null).statusCode()).isEqualTo(401);
            assertThat(gh.send("DELETE", "/v1/servers/extra", null, null, null).statusCode()).isEqualTo(401);
            String watcher = "{\"data\":{\"id\":\"watcher\",\"type\":\"inet\",\"attributes\":"
                    + "{\"password\":\"w-pass\",\"account\":\"basic\"}}}";
            assertThat(gh.send("POST", "/v1/users/inet", watcher).statusCode()).isEqualTo(204);
            assertThat(gh.send("POST", "/v1/servers", server("x", 1), "watcher", "w-pass").statusCode()).isEqualTo(403);
            assertThat(gh.send("DELETE", "/v1/servers/extra", null, "watcher", "w-pass").statusCode()).isEqualTo(403);
            assertThat(gh.send("PATCH", "/v1/services/RW-Split-Router/relationships/filters", "{\"data\":[]}",
                    "watcher", "w-pass").statusCode()).isEqualTo(403);
            assertThat(gh.send("DELETE", "/v1/servers/extra", null).statusCode()).isEqualTo(204);
        }
    }
}
