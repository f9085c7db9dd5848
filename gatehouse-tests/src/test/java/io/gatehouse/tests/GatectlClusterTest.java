package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gatectl's {@code cluster diff} and {@code cluster sync} between two running Gatehouse instances on the shared
 * cluster: a server only the target has, a server only the host has and a service parameter changed on the target
 * are reported by diff, and sync makes the host match (created, destroyed, changed), after which diff reports
 * nothing. The instances have no listeners: on one machine their ports differ, and a port cannot change at runtime
 * (sync would name it as not synchronized). gatectl runs in this JVM on the JUnit thread.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatectlClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MariaDbCluster cluster;
    private Gatehouse target;
    private Gatehouse host;
    private Path dir;

    GatectlClusterTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-gatectl-cluster");
        target = instance("target");
        host = instance("host");
    }

    private Gatehouse instance(String name) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Path cnf = d.resolve("gatehouse.cnf");
        // Without listeners: two instances on one machine cannot share their ports, which cannot change at runtime.
        String noListeners = GatehouseExtension.config(cluster, d)
                .replaceAll("(?s)\\[[A-Za-z]+-Listener\\][^\\[]*", "");
        Files.writeString(cnf, noListeners);
        return Gatehouse.start(cnf);
    }

    @AfterAll
    void stop() {
        for (Gatehouse g : new Gatehouse[] {target, host}) {
            if (g != null) {
                g.close();
            }
        }
        TempDirs.delete(dir);
    }

    private static String at(Gatehouse g) {
        return "127.0.0.1:" + g.admin().port();
    }

    private String ok(Gatehouse on, String... args) {
        List<String> all = new ArrayList<>(List.of("--timeout", "30000", "--hosts", at(on)));
        all.addAll(Arrays.asList(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(status).as("gatectl %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    @Test
    void diffReportsTheDifferencesAndSyncRemovesThem() throws Exception {
        String port = Integer.toString(cluster.primary().port());
        ok(target, "create", "server", "only-on-target", "127.0.0.1", port);
        ok(host, "create", "server", "only-on-host", "127.0.0.1", port);
        ok(target, "alter", "service", "Write-Service", "max_connections", "17");

        JsonNode diff = JSON.readTree(ok(host, "cluster", "diff", at(target)));
        assertThat(diff.at("/added/servers").toString()).isEqualTo("[\"only-on-target\"]");
        assertThat(diff.at("/removed/servers").toString()).isEqualTo("[\"only-on-host\"]");
        assertThat(diff.at("/changed/services/Write-Service/parameters/max_connections").asText()).isEqualTo("17");

        assertThat(ok(host, "cluster", "sync", at(target))).isEqualTo("OK\n");
        assertThat(host.runtime().servers()).containsKey("only-on-target").doesNotContainKey("only-on-host");
        assertThat(ok(host, "api", "get", "services/Write-Service", "data.attributes.parameters.max_connections")
                .trim()).isEqualTo("17");
        JsonNode after = JSON.readTree(ok(host, "cluster", "diff", at(target)));
        assertThat(after.toString()).isEqualTo("{\"added\":{},\"removed\":{},\"changed\":{}}");
    }
}
