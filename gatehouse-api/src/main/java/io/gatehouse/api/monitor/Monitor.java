package io.gatehouse.api.monitor;

import java.util.Map;

/**
 * One running monitor instance. It watches its servers on its own thread (never a routing worker), publishes what
 * it sees through {@link io.gatehouse.api.server.MonitoredServer#publish} and holds no buffers.
 */
public interface Monitor {
    /** Starts the monitoring thread; returns at once. */
    void start();

    /** Stops the thread and closes its connections; waits up to a few seconds. */
    void stop();

    /** True between start and stop. */
    boolean isRunning();

    /** Monitor-specific state for the admin API. */
    Map<String, Object> diagnostics();

    /** Runs one monitoring pass now and waits for it; used by commands and tests. */
    void tickNow() throws InterruptedException;

    /**
     * A routing worker saw a connection to {@code server} break (reset, refused): the monitor should look now
     * rather than at its next interval. Called on a worker thread: must only enqueue, never block.
     */
    default void serverSuspect(String server) {
    }

    /** The module commands this monitor offers (MaxScale's {@code switchover}, {@code failover}, ...). */
    default java.util.List<String> commands() {
        return java.util.List.of();
    }

    /**
     * Runs a module command with its arguments (server names and the like) and waits for it; called from an admin
     * or test thread, never a worker. Returns what the command reports for the REST API (may be null). Throws
     * {@link IllegalArgumentException} for unknown commands or bad arguments and {@link IllegalStateException}
     * when the cluster does not allow the command now, both with a message for the operator.
     */
    default Object call(String command, java.util.List<String> args) throws InterruptedException {
        throw new IllegalArgumentException("monitor has no command '" + command + "'");
    }
}
