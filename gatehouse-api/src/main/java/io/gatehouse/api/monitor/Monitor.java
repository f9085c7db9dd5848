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
}
