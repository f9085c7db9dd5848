package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.core.runtime.RuntimeChanges;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config_sync_cluster with three Gatehouse instances in front of one real cluster: an object created on one, a
 * parameter changed on another with gatectl and an object destroyed on a third reach all three through the
 * primary's maxscale_config table; an instance stopped during a change catches up when it starts again; the
 * version shows in {@code GET /v1/maxscale}. JUnit thread; no Netty buffers.
 */
class ConfigSyncTest {
    @TempDir
    Path dir;
    private MariaDbCluster cluster;
    private final Gatehouse[] gh = new Gatehouse[3];

    @AfterEach
    void stop() {
        for (Gatehouse g : gh) {
            if (g != null) {
                g.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private Gatehouse start(int i) throws Exception {
        return start(i, true);
    }

    /** Instance {@code i}; {@code sync}: whether its file turns configuration sharing on. */
    private Gatehouse start(int i, boolean sync) throws Exception {
        Path d = dir.resolve("gh" + i);
        Files.createDirectories(d);
        StringBuilder sb = new StringBuilder("[maxscale]\nthreads=1\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + d
                + "\npiddir=" + d + "\ndatadir=" + d + "\npersistdir=" + d.resolve("persist") + "\n"
                + (sync ? "config_sync_cluster=Mon\nconfig_sync_interval=300ms\nconfig_sync_user=" + Accounts.ROOT_USER
                + "\nconfig_sync_password=" + Accounts.ROOT_PASSWORD + "\n" : "") + "\n");
        StringBuilder names = new StringBuilder();
        for (MariaDbServer s : cluster.servers()) {
            sb.append('[').append(s.name()).append("]\ntype=server\naddress=127.0.0.1\nport=").append(s.port())
                    .append("\n\n");
            names.append(names.length() == 0 ? "" : ",").append(s.name());
        }
        sb.append("[Mon]\ntype=monitor\nmodule=mariadbmon\nservers=").append(names).append("\nuser=")
                .append(Accounts.SERVICE_USER).append("\npassword=").append(Accounts.SERVICE_PASSWORD)
                .append("\nmonitor_interval=300ms\n\n[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=master\n"
                        + "cluster=Mon\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                        + "\n\n[L]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n");
        Files.writeString(d.resolve("gatehouse.cnf"), sb.toString());
        return Gatehouse.start(d.resolve("gatehouse.cnf"));
    }

    private static void await(String what, BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!ok.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what).isTrue();
            Thread.sleep(100);
        }
    }

    private static String param(Gatehouse g, String object, String name) {
        try {
            Map<String, String> p = RuntimeChanges.of(g.runtime()).sectionParams(object);
            return p == null ? null : p.get(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void changesOnAnyInstanceReachEveryInstance() throws Exception {
        cluster = MariaDbCluster.start(null, 1);
        for (int i = 0; i < 3; i++) {
            gh[i] = start(i);
        }
        int replicaPort = cluster.replicas().get(0).port();
        RuntimeChanges.of(gh[0].runtime()).create("server", "extra",
                Map.of("address", "127.0.0.1", "port", String.valueOf(replicaPort)));
        for (int i = 1; i < 3; i++) {
            Gatehouse g = gh[i];
            await("the server made on instance 0 on instance " + i,
                    () -> g.runtime().servers().containsKey("extra"));
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Gatectl.run(new String[] {"--hosts", "127.0.0.1:" + gh[1].admin().port(), "alter", "service", "Svc",
            "max_connections", "17"}, new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as(err.toString()).isZero();
        for (Gatehouse g : gh) {
            await("the parameter changed with gatectl on instance 1", () -> "17".equals(param(g, "Svc", "max_connections")));
        }

        // gatectl --skip-sync (maxctrl's, REST sync=false): the change stays on the instance it was made on.
        gatectl(gh[1], "--skip-sync", "alter", "service", "Svc", "max_connections", "23");
        assertThat(param(gh[1], "Svc", "max_connections")).isEqualTo("23");
        Thread.sleep(1500);
        assertThat(param(gh[0], "Svc", "max_connections")).as("not shared").isEqualTo("17");
        assertThat(param(gh[2], "Svc", "max_connections")).as("not shared").isEqualTo("17");

        RuntimeChanges.of(gh[2].runtime()).destroy("server", "extra", true);
        for (Gatehouse g : gh) {
            await("the server destroyed on instance 2", () -> !g.runtime().servers().containsKey("extra"));
        }

        // An instance that is down while a change is made applies it when it starts again.
        gh[2].close();
        gh[2] = null;
        RuntimeChanges.of(gh[0].runtime()).alterMonitor("Mon", Map.of("monitor_interval", "400ms"));
        gh[2] = start(2);
        Gatehouse late = gh[2];
        await("the change made while instance 2 was down", () -> "400ms".equals(param(late, "Mon", "monitor_interval")));
        long version = gh[0].runtime().configSync().version();
        for (Gatehouse g : gh) {
            await("every instance at the same version", () -> g.runtime().configSync().version() == version);
        }
        assertThat(gh[0].runtime().configSync().describe().path("status").asText()).isEqualTo("OK");
        assertThat(cluster.primary().queryValue("SELECT version FROM mysql.maxscale_config WHERE cluster = 'Mon'"))
                .isEqualTo(String.valueOf(version));
    }

    /**
     * Sharing turned on at runtime with gatectl alter maxscale config_sync_* (as MaxScale allows) on an instance
     * that started without it: it catches up with the shared changes, its own changes reach the other instance,
     * and an empty config_sync_cluster turns sharing off again.
     */
    @Test
    void sharingTurnedOnAndOffAtRuntime() throws Exception {
        cluster = MariaDbCluster.start(null, 1);
        gh[0] = start(0, true);
        gh[1] = start(1, false);
        assertThat(gh[1].runtime().configSync()).isNull();
        int replicaPort = cluster.replicas().get(0).port();
        RuntimeChanges.of(gh[0].runtime()).create("server", "early",
                Map.of("address", "127.0.0.1", "port", String.valueOf(replicaPort)));
        Thread.sleep(1000);
        assertThat(gh[1].runtime().servers()).as("no sharing yet").doesNotContainKey("early");

        gatectl(gh[1], "alter", "maxscale", "config_sync_user", Accounts.ROOT_USER, "config_sync_password",
                Accounts.ROOT_PASSWORD, "config_sync_interval", "300ms", "config_sync_cluster", "Mon");
        Gatehouse late = gh[1];
        await("the change shared before sharing was turned on", () -> late.runtime().servers().containsKey("early"));
        assertThat(late.runtime().configSync().cluster()).isEqualTo("Mon");
        RuntimeChanges.of(late.runtime()).alterServer("early", Map.of("priority", "7"));
        await("a change made on the instance that joined at runtime", () -> "7".equals(param(gh[0], "early", "priority")));

        gatectl(gh[1], "alter", "maxscale", "config_sync_cluster", "");
        assertThat(late.runtime().configSync()).as("sharing off").isNull();
        RuntimeChanges.of(gh[0].runtime()).alterServer("early", Map.of("priority", "9"));
        Thread.sleep(1500);
        assertThat(param(late, "early", "priority")).as("no longer shared").isEqualTo("7");
    }

    private static void gatectl(Gatehouse g, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--hosts";
        all[1] = "127.0.0.1:" + g.admin().port();
        System.arraycopy(args, 0, all, 2, args.length);
        assertThat(Gatectl.run(all, new PrintWriter(out), new PrintWriter(err))).as(err.toString()).isZero();
    }
}
