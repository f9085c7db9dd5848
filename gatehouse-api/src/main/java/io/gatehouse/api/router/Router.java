package io.gatehouse.api.router;

import io.gatehouse.api.server.ServerView;
import java.util.Map;

/**
 * One router instance, shared by every session of a service. Connection routers choose the backend a session
 * uses for its whole life; {@link #selectBackend} is called on the worker thread of the new session, so it must
 * be thread-safe and non-blocking. Connection routers never see buffers: the core gives their sessions a router
 * session of its own over one backend connection (the service's filters apply, and without filters whole chunks
 * are streamed); statement routers make a {@link RouterSession} per client session.
 */
public interface Router {
    /**
     * The server a new session should connect to, or null when no server qualifies right now. Connection routers
     * implement this; statement routers return a session from {@link #newSession} instead.
     */
    ServerView selectBackend(ClientInfo client);

    /**
     * A statement router's per-session half, or null for connection routers (the default), whose sessions go to
     * the one backend {@link #selectBackend} chose.
     */
    default RouterSession newSession(ClientInfo client) {
        return null;
    }

    /**
     * For connection routers: true while a session {@link #selectBackend} placed on {@code server} may go on using
     * it. The core asks before a statement of such a session whenever the server's status changed since it last
     * asked, and ends the session (the client gets an error) when the answer is false. Default: always true.
     * Thread-safe and non-blocking, like {@link #selectBackend}.
     */
    default boolean keepsSessionOn(ServerView server) {
        return true;
    }

    /** Router-specific counters for the admin API (MaxScale's {@code router_diagnostics}). */
    Map<String, Object> diagnostics();

    /**
     * Filter modules, by name, that the core runs for this service after the service's own filters (nearest the
     * router), each made with its default parameters: the way a router parameter that a filter already implements
     * is honoured (readwritesplit's {@code reuse_prepared_statements} is the {@code psreuse} filter,
     * {@code optimistic_trx} the {@code optimistictrx} filter). Read when the router is made. Since API 2.4.
     */
    default java.util.List<String> impliedFilters() {
        return java.util.List.of();
    }

    /**
     * The module commands this router offers for its service (readwritesplit's {@code reset-gtid}); the first
     * argument of such a call names the service. Since API 2.4.
     */
    default java.util.List<String> commands() {
        return java.util.List.of();
    }

    /**
     * Runs a module command with the arguments after the service name; called from an admin or test thread, never
     * a worker, so it must be thread-safe. Returns what the command reports for the REST API (may be null). Throws
     * {@link IllegalArgumentException} for unknown commands or bad arguments, with a message for the operator.
     * Since API 2.4.
     */
    default Object call(String command, java.util.List<String> args) {
        throw new IllegalArgumentException("router has no command '" + command + "'");
    }
}
