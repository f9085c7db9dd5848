package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The read-only REST resources answer with MaxScale 24.02's document shapes (compared with the captured reference
 * field by field) and with this proxy's real state: the primary and replicas the monitor found, the listeners'
 * bound ports, the services' routers. Runs against a real cluster on the JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminRestShapesTest {
    private static AdminFixture gh;

    @BeforeAll
    static void start(MariaDbCluster cluster) throws Exception {
        gh = AdminFixture.start(cluster);
    }

    @AfterAll
    static void stop() {
        if (gh != null) {
            gh.close();
        }
    }

    private static void sameShape(String reference, String path) {
        JsonNode ours = gh.get(path);
        assertThat(FixtureShapes.mismatches(FixtureShapes.reference(reference), ours)).as(path).isEmpty();
    }

    @Test
    void serversHaveMaxScalesShapeAndTheMonitorsView() {
        sameShape("servers", "/v1/servers");
        String primary = gh.cluster.primary().name();
        sameShape("servers_server1", "/v1/servers/" + primary);
        JsonNode one = gh.get("/servers/" + primary);
        assertThat(FixtureShapes.missing(one, "/data/id", "/data/type", "/data/links/self", "/data/attributes/state",
                "/data/attributes/parameters/address", "/data/attributes/parameters/port",
                "/data/attributes/statistics/connections", "/data/attributes/statistics/total_connections",
                "/data/attributes/gtid_current_pos", "/data/attributes/source/type",
                "/data/relationships/services/data", "/data/relationships/monitors/data/0/id", "/links/self")).isEmpty();
        assertThat(one.at("/data/attributes/state").asText()).isEqualTo("Master, Running");
        assertThat(one.at("/data/attributes/parameters/port").asInt()).isEqualTo(gh.cluster.primary().port());
        assertThat(one.at("/data/relationships/monitors/data/0/id").asText()).isEqualTo("MariaDB-Monitor");
        assertThat(one.at("/links/self").asText()).isEqualTo(gh.url("/v1/servers/" + primary + "/"));
        String replica = gh.cluster.replicas().get(0).name();
        assertThat(gh.get("/v1/servers/" + replica).at("/data/attributes/state").asText()).isEqualTo("Slave, Running");
        JsonNode rel = gh.get("/v1/servers/" + primary + "/relationships/services");
        assertThat(rel.at("/data/0/type").asText()).isEqualTo("services");
    }

    @Test
    void servicesListenersAndMonitorsHaveMaxScalesShape() {
        sameShape("services", "/v1/services");
        sameShape("services_RW-Split-Router", "/v1/services/RW-Split-Router");
        sameShape("listeners", "/v1/listeners");
        sameShape("monitors", "/v1/monitors");
        sameShape("monitors_MariaDB-Monitor", "/v1/monitors/MariaDB-Monitor");
        // The older path of a service's listeners, which MaxScale keeps: only that service's.
        sameShape("listeners", "/v1/services/RW-Split-Router/listeners");
        assertThat(gh.get("/v1/services/RW-Split-Router/listeners").at("/data").findValuesAsText("id"))
                .contains("RW-Split-Listener").doesNotContain("Read-Only-Listener");
        assertThat(gh.get("/v1/services/RW-Split-Router/listeners/RW-Split-Listener").at("/data/id").asText())
                .isEqualTo("RW-Split-Listener");
        assertThat(gh.send("GET", "/v1/services/RW-Split-Router/listeners/Read-Only-Listener", null).statusCode())
                .isEqualTo(404);
        JsonNode svc = gh.get("/v1/services/Read-Only-Service");
        assertThat(svc.at("/data/attributes/router").asText()).isEqualTo("readconnroute");
        assertThat(svc.at("/data/attributes/state").asText()).isEqualTo("Started");
        assertThat(svc.at("/data/attributes/parameters/router_options").asText()).isEqualTo("slave");
        assertThat(svc.at("/data/attributes/parameters/password").asText()).isEqualTo("*****");
        assertThat(svc.at("/data/attributes/listeners/0/id").asText()).isEqualTo("Read-Only-Listener");
        assertThat(svc.at("/data/relationships/monitors/data/0/id").asText()).isEqualTo("MariaDB-Monitor");
        JsonNode l = gh.get("/listeners/Read-Only-Listener");
        assertThat(l.at("/data/attributes/parameters/port").asInt())
                .isEqualTo(gh.runtime.listeners().get("Read-Only-Listener").boundPort());
        assertThat(l.at("/data/attributes/state").asText()).isEqualTo("Running");
        JsonNode m = gh.get("/v1/monitors/MariaDB-Monitor");
        assertThat(m.at("/data/attributes/module").asText()).isEqualTo("mariadbmon");
        assertThat(m.at("/data/attributes/state").asText()).isEqualTo("Running");
        assertThat(m.at("/data/attributes/parameters/monitor_interval").asText()).isEqualTo("500ms");
        assertThat(m.at("/data/relationships/servers/data").size()).isEqualTo(3);
        List<String> services = m.at("/data/relationships/services/data").findValuesAsText("id");
        assertThat(services).containsExactly("RW-Split-Router", "Read-Only-Service");
    }

    @Test
    void maxscaleThreadsUsersFiltersAndSessionsHaveMaxScalesShape() {
        sameShape("maxscale", "/v1/maxscale");
        sameShape("maxscale_threads", "/v1/maxscale/threads");
        sameShape("users_inet", "/v1/users/inet");
        sameShape("filters", "/v1/filters");
        sameShape("sessions", "/v1/sessions");
        JsonNode ms = gh.get("/maxscale");
        assertThat(ms.at("/data/id").asText()).isEqualTo("maxscale");
        assertThat(ms.at("/data/attributes/parameters/threads").asInt()).isEqualTo(2);
        assertThat(ms.at("/data/attributes/parameters/admin_port").isNumber()).isTrue();
        assertThat(gh.get("/v1/maxscale/threads").at("/data").size()).isEqualTo(2);
        assertThat(gh.get("/v1/filters").at("/data").size()).isZero();
        assertThat(gh.get("/v1/users/inet").at("/data/0/attributes/account").asText()).isEqualTo("admin");
        // GET /users lists every admin user, as /users/inet does; /users/unix is MaxScale's deprecated no-op.
        sameShape("users_inet", "/v1/users");
        assertThat(gh.get("/v1/users").at("/data").findValuesAsText("id"))
                .isEqualTo(gh.get("/v1/users/inet").at("/data").findValuesAsText("id"));
        assertThat(gh.get("/v1/users/unix").at("/data").isArray()).isTrue();
        assertThat(gh.get("/v1/users/unix").at("/data").size()).isZero();
    }

    @Test
    void modulesListDescribesParametersLikeMaxScale() {
        JsonNode mods = gh.get("/v1/maxscale/modules");
        List<String> ids = mods.at("/data").findValuesAsText("id");
        assertThat(ids).contains("maxscale", "servers", "readconnroute", "readwritesplit", "mariadbmon");
        JsonNode mon = gh.get("/v1/maxscale/modules/mariadbmon");
        assertThat(mon.at("/data/attributes/module_type").asText()).isEqualTo("Monitor");
        assertThat(mon.at("/data/attributes/commands").findValuesAsText("id")).contains("switchover", "failover", "rejoin");
        JsonNode interval = null;
        for (JsonNode p : mon.at("/data/attributes/parameters")) {
            if (p.get("name").asText().equals("monitor_interval")) {
                interval = p;
            }
        }
        assertThat(interval).isNotNull();
        assertThat(interval.get("type").asText()).isEqualTo("duration");
        assertThat(interval.get("default_value").asText()).isEqualTo("2000ms");
        assertThat(interval.get("modifiable").asBoolean()).isTrue();
    }

    @Test
    void unknownObjectsAreJsonApiErrors() {
        var r = gh.send("GET", "/v1/servers/nope", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(AdminFixture.parse(r.body()).at("/errors/0/detail").asText()).contains("nope");
        assertThat(gh.send("GET", "/v1/nothing", null).statusCode()).isEqualTo(404);
    }
}
