package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * mariadbmon's async- commands with fetch-cmd-result and cancel-cmd: a command queued while the monitor thread is
 * busy (held in a monitoring pass by the monitor's script) reports itself pending, blocks any other command, and is
 * dropped by cancel-cmd without touching the cluster; an async-switchover run through gatectl and the REST API
 * returns at once and fetch-cmd-result reports its success in MaxScale's words, and a failing async-rejoin its
 * error. JUnit thread; gatectl runs in this JVM; no Netty buffers.
 */
class ClusterOperationsAsyncCommandsTest extends ClusterOperationsBaseTest {

    @Test
    void queuedCommandsReportTheirStateAndCanBeCancelled() throws Exception {
        Path scripts = Files.createTempDirectory("gatehouse-hold");
        Path hold = scripts.resolve("hold");
        Path held = scripts.resolve("held");
        Path script = scripts.resolve("hold.sh");
        // While the hold file exists the script keeps the monitor thread in its pass for 4 s.
        Files.writeString(script, "#!/bin/sh\nif [ -e " + hold + " ]; then touch " + held + "; sleep 4; fi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try {
            start("script=" + script + "\nevents=lost_slave");
            MariaDbServer primary = cluster.primary();
            MariaDbServer a = cluster.replicas().get(0);
            MariaDbServer b = cluster.replicas().get(1);
            assertThat(gatectl("call", "command", "mariadbmon", "fetch-cmd-result", MONITOR))
                    .contains("No manual command results are available.");

            Files.createFile(hold);
            b.execute("STOP SLAVE");
            await(Duration.ofSeconds(10), () -> Files.exists(held), "the script holds the monitor thread");
            assertThat(monitor().call("async-switchover", List.of(a.name()))).isNull();
            assertThat(detail(monitor().call("fetch-cmd-result", List.of())))
                    .isEqualTo("No manual command results are available, switchover is still pending.");
            assertThatThrownBy(() -> monitor().call("async-failover", List.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("switchover is still pending");
            assertThat(monitor().call("cancel-cmd", List.of())).isNull();
            assertThat(detail(monitor().call("fetch-cmd-result", List.of())))
                    .isEqualTo("switchover was cancelled before it started.");
            assertThatThrownBy(() -> monitor().call("cancel-cmd", List.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no command is pending");
            Files.delete(hold);
            monitor().tickNow();
            assertThat(isMaster(primary)).as("the cancelled switchover did not run").isTrue();
            assertThat(replicatesFrom(a, primary)).isTrue();
            b.execute("START SLAVE");
            await(Duration.ofSeconds(10), () -> isSlave(b), b.name() + " replicates again");

            // Through gatectl and the REST API: OK at once, then the result once it is done.
            assertThat(gatectl("call", "command", "mariadbmon", "async-switchover", MONITOR, a.name()).strip())
                    .isEqualTo("OK");
            String[] last = {""};
            await(Duration.ofSeconds(60), () -> {
                last[0] = gatectl("call", "command", "mariadbmon", "fetch-cmd-result", MONITOR).strip();
                return !last[0].contains("still pending") && !last[0].contains("still running");
            }, "the async switchover has finished");
            assertThat(last[0]).isEqualTo("switchover completed successfully.");
            assertThat(isMaster(a)).isTrue();
            await(Duration.ofSeconds(10), () -> replicatesFrom(primary, a) && replicatesFrom(b, a),
                    "the old primary and " + b.name() + " replicate from " + a.name());

            // A failing queued command leaves its error for fetch-cmd-result.
            assertThat(monitor().call("async-rejoin", List.of(a.name()))).isNull();
            await(Duration.ofSeconds(30), () -> !String.valueOf(fetch()).contains("No manual command results"),
                    "the async rejoin has finished");
            assertThat(detail(fetch())).contains(a.name()).contains("is the primary");
            // A synchronous command's outcome is kept too.
            monitor().call("switchover", List.of(primary.name()));
            assertThat(fetch()).isEqualTo("switchover completed successfully.");
        } finally {
            TempDirs.delete(scripts);
        }
    }

    private Object fetch() {
        try {
            return monitor().call("fetch-cmd-result", List.of());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The detail of fetch-cmd-result's single error, as MaxScale shapes it ({"errors": [{"detail": ...}]}). */
    static String detail(Object fetched) {
        assertThat(fetched).as("an error document").isInstanceOf(Map.class);
        Object errors = ((Map<?, ?>) fetched).get("errors");
        assertThat(errors).isInstanceOf(List.class);
        assertThat((List<?>) errors).hasSize(1);
        return String.valueOf(((Map<?, ?>) ((List<?>) errors).get(0)).get("detail"));
    }

    private String gatectl(String... args) {
        GatectlRunner.Run run = GatectlRunner.run(gatehouse, args);
        assertThat(run.status()).as(run.err()).isZero();
        return run.out();
    }
}
