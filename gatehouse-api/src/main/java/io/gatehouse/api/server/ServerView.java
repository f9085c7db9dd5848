package io.gatehouse.api.server;

/**
 * A backend server as routers see it: its configuration and its latest published state. Implementations are
 * thread-safe; every call reads the current snapshot without locking.
 */
public interface ServerView {
    /** The section name in the configuration, e.g. {@code server1}. */
    String name();

    String address();

    int port();

    /** The unix socket path, or null when the server is reached over TCP. */
    String socket();

    /** {@code primary} servers are preferred over {@code secondary} ones (MaxScale's {@code rank}). */
    boolean primaryRank();

    /** The status bits: the monitor's merged with the operator's. */
    int status();

    /** The latest monitor observation. */
    ServerState state();

    /** Sessions currently connected to this server through this Gatehouse. */
    int currentConnections();

    /** Average time statements routed by statement routers took on this server, in nanoseconds (0 unknown). */
    default long averageResponseNanos() {
        return 0;
    }

    /** Statements currently running on this server through this Gatehouse (all sessions). */
    default int activeOperations() {
        return 0;
    }

    /**
     * TLS for side connections to this server (monitor probes, account loading) when it has {@code ssl=true}, with
     * the server section's trust settings; null for plain connections. Thread-safe: the context is shared.
     */
    default javax.net.ssl.SSLContext tlsContext() {
        return null;
    }
}
