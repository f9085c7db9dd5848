package io.gatehouse.api.server;

/**
 * A server as its monitor sees it: a {@link ServerView} the monitor can publish observations to. Thread-safe;
 * meant to be written only by the one monitor that owns the server.
 */
public interface MonitoredServer extends ServerView {
    /** Replaces the monitor-owned state; operator-owned bits are kept. */
    void publish(ServerState state);

    /** The server's {@code priority} parameter (0 when not set), which monitors use to rank candidates. */
    default int priority() {
        return 0;
    }
}
