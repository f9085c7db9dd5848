package io.gatehouse.api.router;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;

/**
 * The per-session half of a statement router: it receives each client command whole and decides which backend
 * connections it goes to; it receives backend bytes and decides what reaches the client. Confined to the
 * session's worker thread; every buffer it is handed is its to forward or release.
 *
 * <p>The core calls {@link #routeQuery} for one command at a time: the next command is not delivered before the
 * router calls {@link RouterSessionContext#commandDone()}, so replies reach the client in order.
 */
public interface RouterSession {
    /** Called once after login: open the connections the router wants through the context. */
    void start(RouterSessionContext context);

    /**
     * One whole client command (one packet, or several for payloads of 16 MiB and more), with the routing hints the
     * service's filters attached and its classification (shared with the filters, computed at most once). The
     * callee owns {@link Command#packet()}: it forwards it to an endpoint or releases it.
     */
    void routeQuery(Command command);

    /**
     * Bytes from a backend. {@code reply} is non-null when the reply completed within these bytes. The callee owns
     * {@code buf}: it forwards it with {@link RouterSessionContext#clientWrite} or releases it.
     */
    void clientReply(Endpoint from, ByteBuf buf, Reply reply);

    /** An endpoint finished its login; {@code okPacket} (owned) is the backend's OK packet. */
    void endpointReady(Endpoint endpoint, ByteBuf okPacket);

    /** An endpoint failed or closed; {@code duringReply} is true when a reply had started. */
    void endpointFailed(Endpoint endpoint, int code, String sqlState, String message);

    /**
     * Every connection of the session was logged in again (COM_CHANGE_USER), which resets its state on the
     * servers: variables, temporary tables, prepared statements, transactions.
     */
    default void sessionReset() {
    }

    /**
     * The session was restarted (the admin API) and this router session replaces {@code previous}, whose connections
     * its context hands over, with their state on the servers, as it connects again; called before {@link #start}, while
     * {@code previous} is still open. A router copies here what it alone knows of that state (statement ids it gave
     * the client, the current database); the default copies nothing.
     */
    default void takeOver(RouterSession previous) {
    }

    /** The session ends; close what is left. */
    void close();

    /** Router-specific counters of this session, for the admin API. */
    default java.util.Map<String, Object> diagnostics() {
        return java.util.Map.of();
    }
}
