package io.gatehouse.api.filter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a filter session may ask of the session it belongs to: its allocator, timers on its worker, and ending it.
 * Given to {@link Filter#newSession(io.gatehouse.api.router.ClientInfo, FilterSessionContext)}; every method must be
 * called on the session's worker thread, where the filter session itself runs. Holds no buffers.
 */
public interface FilterSessionContext {
    /** The session's allocator, for packets the filter makes. */
    ByteBufAllocator alloc();

    /**
     * Runs {@code task} on the session's worker after {@code delay}; the task must check {@link #isOpen()} first,
     * since the session may have ended meanwhile.
     */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit);

    /** True until the session ends. */
    boolean isOpen();

    /**
     * Ends the session: the client gets an ERR packet with this code, SQLSTATE and message (numbered as the next
     * packet it expects), then its connection is closed. Backend connections are closed, not pooled.
     */
    void closeSession(int code, String sqlState, String message);

    /**
     * Opens a {@link Branch} towards the server or service named {@code target}, logged in as the client (the way
     * the router's own connections are), with the database the client connected with. The branch logs in in the
     * background: copies sent meanwhile wait for it. A branch towards a service runs that service's router (not
     * its filters); one towards a server is a single connection to it.
     *
     * @throws IllegalArgumentException when no server or service has that name
     * @throws UnsupportedOperationException where sessions have no branches (the default; test harnesses)
     */
    default Branch openBranch(String target, Branch.Listener listener) {
        throw new UnsupportedOperationException("this session cannot open branches");
    }

    /**
     * Holds the client's next commands back while {@code hold} is true (tee's {@code sync}): the session reads no
     * further command until the filter says false, and then routes the ones waiting, in order. The command under
     * way is not affected. Holding while the session is also waiting for the router's reply costs nothing extra.
     *
     * @throws UnsupportedOperationException where the session cannot hold commands (the default; test harnesses)
     */
    default void holdCommands(boolean hold) {
        throw new UnsupportedOperationException("this session cannot hold commands back");
    }

    /**
     * Runs a statement of the filter's own through the session's router before the client's current command: the
     * router routes it as it would a client's (so it follows the session's transaction state), its reply goes to
     * {@code reply} and never to the client, and the client's command waits until every statement queued this way
     * has been answered. Call it from {@link FilterSession#routeQuery}; statements queued for one command run in the
     * order queued (queued for a command that gets no reply, such as COM_STMT_CLOSE, they wait for the next one that
     * does). No filter of the chain sees these statements.
     *
     * @param packet one whole command packet (4-byte header, sequence 0), owned by the core from the call on
     * @throws UnsupportedOperationException where the session cannot run statements of a filter's own (the default;
     *                                       test harnesses)
     */
    default void runBefore(ByteBuf packet, InternalReply reply) {
        packet.release();
        throw new UnsupportedOperationException("runBefore: this session cannot run a filter's own statements");
    }
}
