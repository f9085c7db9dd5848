package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runtime changes through {@code PATCH}: a changed parameter applies at once, is written to {@code persistdir} and
 * is still there after a restart; an unknown parameter, a bad value and a parameter that needs a restart are
 * refused with a JSON:API error naming the parameter, and nothing changes. Real cluster; JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminRuntimeChangesTest {
    private static final String MONITOR = "/v1/monitors/MariaDB-Monitor";

    private static String patch(String params) {
        return "{\"data\":{\"attributes\":{\"parameters\":" + params + "}}}";
    }

    @Test
    void monitorChangeAppliesPersistsAndSurvivesRestart(MariaDbCluster cluster) throws Exception {
        AdminFixture gh = AdminFixture.start(cluster);
        Path dir = gh.dir;
        try {
            assertThat(gh.send("PATCH", MONITOR, patch("{\"monitor_interval\":\"700ms\",\"failcount\":7}")).statusCode())
                    .isEqualTo(204);
            var m = gh.get(MONITOR);
            assertThat(m.at("/data/attributes/parameters/monitor_interval").asText()).isEqualTo("700ms");
            assertThat(m.at("/data/attributes/parameters/failcount").asInt()).isEqualTo(7);
            assertThat(m.at("/data/attributes/state").asText()).isEqualTo("Running");
            assertThat(m.at("/data/attributes/source/type").asText()).isEqualTo("runtime");
            Path persisted = dir.resolve("persist").resolve("MariaDB-Monitor.cnf");
            assertThat(Files.readString(persisted)).contains("monitor_interval=700ms").contains("failcount=7");
            String replica = cluster.replicas().get(0).name();
            assertThat(gh.send("PATCH", "/v1/servers/" + replica, patch("{\"rank\":\"secondary\"}")).statusCode()).isEqualTo(204);
            assertThat(gh.runtime.servers().get(replica).primaryRank()).isFalse();
        } finally {
            gh.stopKeepingFiles();
        }
        AdminFixture again = AdminFixture.start(cluster, dir);
        try {
            var m = again.get(MONITOR);
            assertThat(m.at("/data/attributes/parameters/monitor_interval").asText()).isEqualTo("700ms");
            assertThat(m.at("/data/attributes/source/type").asText()).isEqualTo("runtime");
            String replica = cluster.replicas().get(0).name();
            assertThat(again.get("/v1/servers/" + replica).at("/data/attributes/parameters/rank").asText())
                    .isEqualTo("secondary");
        } finally {
            again.close();
        }
    }

    @Test
    void invalidChangesAreRefusedNamingTheParameter(MariaDbCluster cluster) throws Exception {
        try (AdminFixture gh = AdminFixture.start(cluster)) {
            var unknown = gh.send("PATCH", MONITOR, patch("{\"monitor_interval\":\"900ms\",\"no_such_thing\":1}"));
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(AdminFixture.parse(unknown.body()).at("/errors/0/detail").asText()).contains("no_such_thing");
            var bad = gh.send("PATCH", MONITOR, patch("{\"monitor_interval\":\"soon\"}"));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(AdminFixture.parse(bad.body()).at("/errors/0/detail").asText()).contains("monitor_interval")
                    .contains("soon");
            String primary = cluster.primary().name();
            var restartOnly = gh.send("PATCH", "/v1/servers/" + primary, patch("{\"ssl\":true}"));
            assertThat(restartOnly.statusCode()).isEqualTo(400);
            assertThat(AdminFixture.parse(restartOnly.body()).at("/errors/0/detail").asText()).contains("ssl");
            assertThat(gh.get(MONITOR).at("/data/attributes/parameters/monitor_interval").asText()).isEqualTo("500ms");
            assertThat(Files.exists(gh.dir.resolve("persist").resolve("MariaDB-Monitor.cnf"))).isFalse();
            assertThat(gh.send("PATCH", "/v1/servers/nope", patch("{\"rank\":\"secondary\"}")).statusCode()).isEqualTo(404);
        }
    }
}
