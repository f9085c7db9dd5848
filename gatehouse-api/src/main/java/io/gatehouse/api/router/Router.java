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
}
