package io.gatehouse.api.filter;

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
     */
    Branch openBranch(String target, Branch.Listener listener);

    /**
     * Holds the client's next commands back while {@code hold} is true (tee's {@code sync}): the session reads no
     * further command until the filter says false, and then routes the ones waiting, in order. The command under
     * way is not affected. Holding while the session is also waiting for the router's reply costs nothing extra.
     */
    void holdCommands(boolean hold);
}
