package io.gatehouse.api.router;

import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.server.ServerView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * What the core offers a {@link RouterSession}: backend connections logged in as the client, the client channel,
 * and the session's facts. Confined to the session's worker thread.
 */
public interface RouterSessionContext {
    /** The servers the service routes to, in configuration order, with their current states. */
    List<ServerView> targets();

    /** Opens a connection to {@code server}, logged in as the client; readiness arrives through the router. */
    Endpoint connect(ServerView server);

    /**
     * Opens a connection to {@code server} logged in as the client but without the database the client connected
     * with: for routers whose servers do not all hold that database (schemarouter), which set it themselves.
     */
    Endpoint connectWithoutDatabase(ServerView server);

    /** Writes bytes to the client (owned by the callee); flushed when the current batch of reads ends. */
    void clientWrite(ByteBuf buf);

    /** Sends an ERR packet with this sequence number to the client. */
    void clientError(int sequence, int code, String sqlState, String message);

    /** The current command is finished (its reply reached the client): the next one may be delivered. */
    void commandDone();

    /** Sends the login result to the client: the backend OK chosen by the router (owned), once per session. */
    void loginDone(ByteBuf okPacket);

    /** Ends the session with an error to the client (when one can still be read) and a log line. */
    void fail(int code, String sqlState, String message);

    /**
     * Ends the session without a packet to the client, as a server does when it closes a connection it timed out
     * or killed: the client's library reports the lost connection itself, as it would directly.
     */
    default void closeQuietly() {
        fail(2013, "HY000", "Lost connection to the server");
    }

    /**
     * Runs {@code task} on the session's worker after {@code delayMillis}, unless the session ended meanwhile; what
     * the task writes to the client is flushed after it. A router waits this way (for a new primary, say) without
     * blocking its event loop; the task must check that it is still wanted, since there is no cancelling it.
     */
    void schedule(Runnable task, long delayMillis);

    /** The allocator of the client channel. */
    ByteBufAllocator alloc();

    /** The client's session facts. */
    ClientInfo client();

    /** The capabilities agreed with the client (DEPRECATE_EOF and the like decide packet shapes). */
    long clientCapabilities();

    /**
     * The session's SQL state (sql_mode, its servers' versions), made by the core for the session: every command's
     * classification is read through it. The router reports what changes the mode.
     */
    SessionSqlState sqlState();

    /**
     * True while an operator traces this session (the admin API's per-session trace switch): the router then reports
     * how it decides each statement with {@link #traceDecision}. Cheap to ask on every statement.
     */
    default boolean tracing() {
        return false;
    }

    /**
     * Reports, while {@link #tracing}, the rule that decided the current statement's route and the facts it
     * weighed (one line each: the transaction state, hints, candidates with state and lag). The core adds the
     * classification and the target the statement went to.
     */
    default void traceDecision(String rule, List<String> facts) {
    }
}
