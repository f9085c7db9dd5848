package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's actions through the REST API change what the proxy does: maintenance and drain change the state
 * and what the health checks say, a stopped monitor stops and restarts, a stopped service's listeners refuse
 * clients until it starts again, sessions are listed and can be killed, and module commands reach the monitor
 * (which refuses a failover while the primary is alive). Real cluster, real clients, JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminActionsTest {
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

    private static String state(String server) {
        return gh.get("/v1/servers/" + server).at("/data/attributes/state").asText();
    }

    @Test
    void maintenanceAndDrainAreSetAndCleared() {
        String replica = gh.cluster.replicas().get(1).name();
        assertThat(gh.send("GET", "/health/replica/" + replica, null, null, null).statusCode()).isEqualTo(200);
        assertThat(gh.send("PUT", "/v1/servers/" + replica + "/set?state=maintenance", null).statusCode()).isEqualTo(204);
        assertThat(state(replica)).isEqualTo("Maintenance, Slave, Running");
        assertThat(gh.send("GET", "/health/replica/" + replica, null, null, null).statusCode()).isEqualTo(503);
        assertThat(gh.send("PUT", "/v1/servers/" + replica + "/clear?state=maintenance", null).statusCode()).isEqualTo(204);
        assertThat(state(replica)).isEqualTo("Slave, Running");
        assertThat(gh.send("PUT", "/servers/" + replica + "/set?state=drain", null).statusCode()).isEqualTo(204);
        assertThat(state(replica)).isEqualTo("Draining, Slave, Running");
        assertThat(gh.send("PUT", "/servers/" + replica + "/clear?state=drain", null).statusCode()).isEqualTo(204);
        assertThat(state(replica)).isEqualTo("Slave, Running");
        var bad = gh.send("PUT", "/v1/servers/" + replica + "/set?state=sleeping", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(AdminFixture.parse(bad.body()).at("/errors/0/detail").asText()).contains("state").contains("sleeping");
        assertThat(gh.send("PUT", "/v1/servers/nope/set?state=maintenance", null).statusCode()).isEqualTo(404);
    }

    @Test
    void healthChecksFollowTheMonitorsRoles() {
        String primary = gh.cluster.primary().name();
        assertThat(gh.send("GET", "/health/primary/" + primary, null, null, null).statusCode()).isEqualTo(200);
        assertThat(gh.send("GET", "/health/replica/" + primary, null, null, null).statusCode()).isEqualTo(503);
        assertThat(gh.send("GET", "/health/ready", null, null, null).statusCode()).isEqualTo(200);
        assertThat(gh.send("GET", "/health/primary/nope", null, null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void monitorStopsAndStartsAgain() throws Exception {
        assertThat(gh.send("PUT", "/v1/monitors/MariaDB-Monitor/stop", null).statusCode()).isEqualTo(204);
        assertThat(gh.get("/v1/monitors/MariaDB-Monitor").at("/data/attributes/state").asText()).isEqualTo("Stopped");
        assertThat(gh.send("PUT", "/v1/monitors/MariaDB-Monitor/start", null).statusCode()).isEqualTo(204);
        JsonNode m = gh.get("/v1/monitors/MariaDB-Monitor");
        assertThat(m.at("/data/attributes/state").asText()).isEqualTo("Running");
        long ticks = m.at("/data/attributes/ticks").asLong();
        await(() -> gh.get("/v1/monitors/MariaDB-Monitor").at("/data/attributes/ticks").asLong() > ticks, "the monitor ticks");
        assertThat(gh.send("PUT", "/v1/monitors/nope/stop", null).statusCode()).isEqualTo(404);
    }

    @Test
    void stoppedServiceRefusesClientsUntilStarted() throws Exception {
        int port = gh.runtime.listeners().get("Read-Only-Listener").boundPort();
        try (BlockingClient c = connect(port)) {
            assertThat(c.query("SELECT 1").rows()).hasSize(1);
        }
        assertThat(gh.send("PUT", "/v1/services/Read-Only-Service/stop", null).statusCode()).isEqualTo(204);
        assertThat(gh.get("/v1/services/Read-Only-Service").at("/data/attributes/state").asText()).isEqualTo("Stopped");
        assertThat(gh.get("/v1/listeners/Read-Only-Listener").at("/data/attributes/state").asText()).isEqualTo("Stopped");
        assertThat(gh.send("GET", "/health/ready", null, null, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> connect(port).close()).isInstanceOf(java.io.IOException.class);
        assertThat(gh.send("PUT", "/v1/services/Read-Only-Service/start", null).statusCode()).isEqualTo(204);
        int newPort = gh.get("/v1/listeners/Read-Only-Listener").at("/data/attributes/parameters/port").asInt();
        try (BlockingClient c = connect(newPort)) {
            assertThat(c.query("SELECT 1").rows()).hasSize(1);
        }
    }

    @Test
    void sessionsAreListedAndCanBeKilled() throws Exception {
        int port = gh.runtime.listeners().get("RW-Split-Listener").boundPort();
        try (BlockingClient c = connect(port)) {
            c.query("SELECT 1");
            String id = Long.toString(c.connectionId());
            JsonNode list = gh.get("/v1/sessions");
            assertThat(list.at("/data").findValuesAsText("id")).contains(id);
            JsonNode one = gh.get("/v1/sessions/" + id);
            assertThat(one.at("/data/attributes/user").asText()).isEqualTo(Accounts.APP_USER);
            assertThat(one.at("/data/relationships/services/data/0/id").asText()).isEqualTo("RW-Split-Router");
            assertThat(gh.send("DELETE", "/v1/sessions/" + id, null).statusCode()).isEqualTo(204);
            await(() -> gh.send("GET", "/v1/sessions/" + id, null).statusCode() == 404, "the session is gone");
            assertThatThrownBy(() -> c.query("SELECT 1")).isInstanceOf(Exception.class);
        }
    }

    @Test
    void moduleCommandsReachTheMonitor() {
        var failover = gh.send("POST", "/v1/maxscale/modules/mariadbmon/failover?MariaDB-Monitor", null);
        assertThat(failover.statusCode()).isEqualTo(400);
        assertThat(AdminFixture.parse(failover.body()).at("/errors/0/detail").asText()).isNotBlank();
        assertThat(state(gh.cluster.primary().name())).isEqualTo("Master, Running");
        assertThat(gh.send("POST", "/v1/maxscale/modules/mariadbmon/explode?MariaDB-Monitor", null).statusCode())
                .isEqualTo(404);
        assertThat(gh.send("POST", "/v1/maxscale/modules/mariadbmon/failover?Nope", null).statusCode()).isEqualTo(400);
        assertThat(gh.send("POST", "/v1/maxscale/modules/nomodule/failover?MariaDB-Monitor", null).statusCode())
                .isEqualTo(404);
    }

    private static BlockingClient connect(int port) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER, Accounts.APP_PASSWORD)
                .withTimeouts(Duration.ofSeconds(20)));
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
