package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.monitors.common.MonitorThread;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * mariadbmon's module commands as MaxScale 24.02 names them. Arguments are checked on the caller's (admin or test)
 * thread; the operation itself runs on the monitor's thread, the caller waiting for it or, with an {@code async-}
 * command, returning at once. One manual command at a time: the last one's state and outcome are kept for
 * {@code fetch-cmd-result}, and {@code cancel-cmd} drops it while it waits for the monitor thread. Neither of those
 * two touches the monitor thread, so they answer while an operation runs. The state is guarded by this object's
 * lock; no buffers.
 */
final class MonitorCommands {
    /** The operations, each also offered as {@code async-<name>}. */
    private static final List<String> OPERATIONS = List.of("switchover", "switchover-force", "failover",
            "failover-safe", "rejoin", "reset-replication", "release-locks");
    static final List<String> NAMES = List.of("switchover", "switchover-force", "failover", "failover-safe", "rejoin",
            "reset-replication", "release-locks", "async-switchover", "async-switchover-force", "async-failover",
            "async-failover-safe", "async-rejoin", "async-reset-replication", "async-release-locks",
            "fetch-cmd-result", "cancel-cmd");
    private static final String ASYNC = "async-";

    /** Carries out one operation on the monitor thread and says what it did; refusals throw with the reason. */
    interface Operations {
        String run(String operation, List<String> args) throws InterruptedException;
    }

    private enum State { PENDING, RUNNING, DONE, CANCELLED }

    /** One manual command: its operation name (without {@code async-}), where it is, and how it ended. */
    private static final class Command {
        final String name;
        State state = State.PENDING;
        boolean succeeded;
        String message = "";
        Future<?> queued;

        Command(String name) {
            this.name = name;
        }
    }

    private final String monitor;
    private final MonitorThread thread;
    private final Set<String> servers;
    private final Operations operations;
    /** The last manual command, or null before the first; guarded by {@code this}. */
    private Command last;

    MonitorCommands(String monitor, MonitorThread thread, Set<String> servers, Operations operations) {
        this.monitor = monitor;
        this.thread = thread;
        this.servers = Set.copyOf(servers);
        this.operations = operations;
    }

    /**
     * Runs {@code command}: the result map of a finished operation, null for one queued with {@code async-} or for a
     * cancellation, the state or outcome of the last command for {@code fetch-cmd-result}.
     */
    Object call(String command, List<String> args) throws InterruptedException {
        List<String> a = args == null ? List.of() : args.stream().filter(s -> s != null && !s.isBlank()).toList();
        if (command.equals("fetch-cmd-result") || command.equals("cancel-cmd")) {
            checkArgs(command, a, 0, 0, "no arguments after the monitor");
            return command.equals("cancel-cmd") ? cancel() : result();
        }
        boolean async = command.startsWith(ASYNC);
        String op = async ? command.substring(ASYNC.length()) : command;
        if (!OPERATIONS.contains(op)) {
            throw new IllegalArgumentException("mariadbmon has no command '" + command + "' (expected: one of "
                    + String.join(", ", NAMES) + ")");
        }
        switch (op) {
            case "switchover", "switchover-force" -> checkArgs(command, a, 0, 2, "[new primary] [old primary]");
            case "rejoin" -> checkArgs(command, a, 1, 1, "<server>");
            case "reset-replication" -> checkArgs(command, a, 0, 1, "[new primary]");
            default -> checkArgs(command, a, 0, 0, "no arguments after the monitor");
        }
        for (String s : a) {
            if (!servers.contains(s)) {
                throw new IllegalArgumentException(command + ": '" + s + "' is not a server of monitor " + monitor
                        + " (expected: one of " + String.join(", ", new java.util.TreeSet<>(servers)) + ")");
            }
        }
        if (!thread.isRunning()) {
            throw new IllegalStateException("monitor " + monitor + " is not running");
        }
        Command cmd = claim(op);
        if (!async) {
            try {
                return Map.of("result", thread.call(() -> execute(cmd, a)));
            } catch (RuntimeException e) {
                abandon(cmd, e);
                throw e;
            }
        }
        try {
            Future<?> f = thread.submit(() -> {
                try {
                    execute(cmd, a);
                } catch (RuntimeException e) {
                    // Recorded in cmd for fetch-cmd-result; nobody waits for this task.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            synchronized (this) {
                cmd.queued = f;
            }
        } catch (RuntimeException e) {
            abandon(cmd, e);
            throw e;
        }
        return null;
    }

    /** A command the monitor thread never took (it is stopping) must not block the next ones. */
    private synchronized void abandon(Command cmd, RuntimeException why) {
        if (cmd.state == State.PENDING) {
            finish(cmd, false, why.getMessage() == null ? why.toString() : why.getMessage());
        }
    }

    /** Makes {@code op} the current command, unless the last one has not finished. */
    private synchronized Command claim(String op) {
        if (last != null && (last.state == State.PENDING || last.state == State.RUNNING)) {
            throw new IllegalStateException("cannot run " + op + ": " + last.name + " is still "
                    + (last.state == State.PENDING ? "pending (cancel-cmd drops it)" : "running"));
        }
        last = new Command(op);
        return last;
    }

    /** On the monitor thread: runs {@code cmd} unless it was cancelled meanwhile, and records how it ended. */
    private String execute(Command cmd, List<String> args) throws InterruptedException {
        synchronized (this) {
            if (cmd.state != State.PENDING) {
                throw new IllegalStateException(cmd.name + " was cancelled before it started");
            }
            cmd.state = State.RUNNING;
        }
        try {
            String out = operations.run(cmd.name, args);
            finish(cmd, true, out);
            return out;
        } catch (RuntimeException e) {
            finish(cmd, false, e.getMessage() == null ? e.toString() : e.getMessage());
            throw e;
        } catch (InterruptedException e) {
            finish(cmd, false, cmd.name + " was interrupted");
            throw e;
        }
    }

    private synchronized void finish(Command cmd, boolean ok, String message) {
        cmd.state = State.DONE;
        cmd.succeeded = ok;
        cmd.message = message == null ? "" : message;
        cmd.queued = null;
    }

    /**
     * fetch-cmd-result in MaxScale's shape: {@code "<command> completed successfully."} once the last command
     * succeeded, otherwise {@code {"errors": [{"detail": ...}]}} with why there is no result (none yet, still pending
     * or running, cancelled) or why the command failed.
     */
    private synchronized Object result() {
        if (last == null) {
            return errors("No manual command results are available.");
        }
        return switch (last.state) {
            case PENDING -> errors("No manual command results are available, " + last.name + " is still pending.");
            case RUNNING -> errors("No manual command results are available, " + last.name + " is still running.");
            case CANCELLED -> errors(last.name + " was cancelled before it started.");
            case DONE -> last.succeeded ? last.name + " completed successfully." : errors(last.message);
        };
    }

    /** cancel-cmd: drops the last command while it still waits for the monitor thread. */
    private synchronized Object cancel() {
        if (last == null || last.state != State.PENDING) {
            throw new IllegalStateException("cancel-cmd: no command is pending"
                    + (last != null && last.state == State.RUNNING ? " (" + last.name + " is already running)" : ""));
        }
        last.state = State.CANCELLED;
        if (last.queued != null) {
            last.queued.cancel(false);
            last.queued = null;
        }
        return null;
    }

    private static Map<String, Object> errors(String detail) {
        return Map.of("errors", List.of(Map.of("detail", detail)));
    }

    private static void checkArgs(String command, List<String> a, int min, int max, String usage) {
        if (a.size() < min || a.size() > max) {
            throw new IllegalArgumentException(command + ": " + a.size() + " argument(s) (expected: " + usage + ")");
        }
    }
}
