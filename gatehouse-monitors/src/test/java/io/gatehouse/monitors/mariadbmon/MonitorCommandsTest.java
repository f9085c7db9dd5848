package io.gatehouse.monitors.mariadbmon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.monitors.common.MonitorThread;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping of mariadbmon's module commands on a real monitor thread whose first pass is held on a latch, with
 * operations that only record what they were asked: a queued command is pending until the pass ends and can be
 * cancelled meanwhile, one command at a time, results and errors in MaxScale's fetch-cmd-result shape, arguments
 * checked before anything is queued. The cluster side is covered against real servers in gatehouse-tests. JUnit
 * thread plus the monitor thread; no buffers.
 */
class MonitorCommandsTest {
    private final CountDownLatch inPass = new CountDownLatch(1);
    private final CountDownLatch releasePass = new CountDownLatch(1);
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final MonitorThread thread = new MonitorThread("test-monitor", this::pass, () -> 1000L);
    private final MonitorCommands commands = new MonitorCommands("test-monitor", thread, Set.of("s1", "s2"),
            (op, args) -> {
                ran.add(op + args);
                if (op.equals("rejoin")) {
                    throw new IllegalStateException("rejoin of " + args.get(0) + " refused: it is the primary");
                }
                return "new primary: s2";
            });

    private void pass() {
        if (inPass.getCount() > 0) {
            inPass.countDown();
            try {
                releasePass.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @AfterEach
    void stop() {
        releasePass.countDown();
        thread.stop(() -> { });
    }

    @Test
    void queuedCommandsArePendingUntilTheMonitorThreadTakesThemAndCanBeCancelled() throws Exception {
        assertThat(detail(commands.call("fetch-cmd-result", List.of())))
                .isEqualTo("No manual command results are available.");
        thread.start(1000);
        assertThat(inPass.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(commands.call("async-switchover", List.of("s2"))).isNull();
        assertThat(detail(commands.call("fetch-cmd-result", List.of())))
                .isEqualTo("No manual command results are available, switchover is still pending.");
        assertThatThrownBy(() -> commands.call("async-failover", List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("switchover is still pending");
        assertThat(commands.call("cancel-cmd", List.of())).isNull();
        assertThat(detail(commands.call("fetch-cmd-result", List.of())))
                .isEqualTo("switchover was cancelled before it started.");
        assertThatThrownBy(() -> commands.call("cancel-cmd", List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no command is pending");

        assertThat(commands.call("async-failover-safe", List.of())).isNull();
        releasePass.countDown();
        Object r = awaitResult();
        assertThat(r).isEqualTo("failover-safe completed successfully.");
        assertThat(ran).containsExactly("failover-safe[]");

        assertThat(commands.call("async-rejoin", List.of("s1"))).isNull();
        assertThat(detail(awaitResult())).isEqualTo("rejoin of s1 refused: it is the primary");

        assertThat(commands.call("switchover-force", List.of("s2", "s1"))).isEqualTo(Map.of("result", "new primary: s2"));
        assertThat(commands.call("fetch-cmd-result", List.of())).isEqualTo("switchover-force completed successfully.");
        assertThatThrownBy(() -> commands.call("rejoin", List.of("s2")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refused");
        assertThat(ran).containsExactly("failover-safe[]", "rejoin[s1]", "switchover-force[s2, s1]", "rejoin[s2]");
    }

    @Test
    void argumentsAreCheckedBeforeAnythingIsQueued() {
        thread.start(1000);
        assertThatThrownBy(() -> commands.call("rejoin", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<server>");
        assertThatThrownBy(() -> commands.call("async-reset-replication", List.of("s1", "s2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[new primary]");
        assertThatThrownBy(() -> commands.call("switchover", List.of("nosuch")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nosuch' is not a server");
        assertThatThrownBy(() -> commands.call("async-fetch-cmd-result", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no command");
        assertThatThrownBy(() -> commands.call("fetch-cmd-result", List.of("s1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ran).isEmpty();
        assertThat(MonitorCommands.NAMES).contains("failover-safe", "async-switchover", "async-switchover-force",
                "async-failover", "async-failover-safe", "async-rejoin", "async-reset-replication", "release-locks",
                "reset-replication", "fetch-cmd-result", "cancel-cmd");
    }

    private Object awaitResult() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Object r = commands.call("fetch-cmd-result", List.of());
            if (!String.valueOf(r).contains("No manual command results")) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no result within 10 s: " + r);
            }
            Thread.sleep(20);
        }
    }

    private static String detail(Object fetched) {
        assertThat(fetched).isInstanceOf(Map.class);
        List<?> errors = (List<?>) ((Map<?, ?>) fetched).get("errors");
        assertThat(errors).hasSize(1);
        return String.valueOf(((Map<?, ?>) errors.get(0)).get("detail"));
    }
}
