package io.gatehouse.api.filter;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;

/**
 * A second session a filter session owns, towards another server or service (the tee filter's "branch target"):
 * it is logged in as the client, takes copies of the client's commands and discards their replies, telling the
 * filter only when each reply is complete. Opened with {@link FilterSessionContext#openBranch}; confined to the
 * session's worker thread, like the filter session. It copies the packets it is given and never keeps or releases
 * the caller's buffers.
 *
 * <p>A branch that fails (its server goes away, refuses the login, or its router gives up) closes itself and tells
 * its {@link Listener}; the client's own session goes on. The session closes every branch still open when it ends
 * (see {@link #close}).
 */
public interface Branch {
    /** What the branch tells the filter session that opened it; called on the session's worker thread. */
    interface Listener {
        /**
         * The reply to one copy sent with {@link #send} is complete (discarded); in the order the copies were sent.
         * {@code reply} is the one the target's router passed on as its answer, or null when it answered by itself
         * or the copy was dropped.
         */
        void replied(Reply reply);

        /** The branch failed and closed itself ({@code why} is for the log); no further calls follow. */
        void failed(String why);

        /**
         * A copy is about to go to the target (copies wait for those sent before them, so what the earlier ones
         * answered is known by now): the filter may change its bytes in place without changing its length (tee maps
         * prepared-statement ids here), or return false to drop it; a dropped copy that expected a reply counts as
         * answered with a null reply. {@code copy} (4-byte header included) stays the branch's. The default sends
         * every copy unchanged.
         */
        default boolean sending(ByteBuf copy) {
            return true;
        }
    }

    /** The name of the server or service the branch goes to. */
    String target();

    /** True until the branch failed or was closed. */
    boolean isOpen();

    /**
     * Sends a copy of {@code command}'s packet to the target: at once when the branch is idle and logged in,
     * otherwise after the copies sent before it. Returns true when the target will answer it (then
     * {@link Listener#replied} follows once for it), false for a command that gets no reply (COM_STMT_CLOSE,
     * COM_STMT_SEND_LONG_DATA) or when the branch is closed. A branch that falls more than
     * {@code writeq_high_water} bytes of copies behind fails rather than keep growing.
     */
    boolean send(Command command);

    /**
     * Closes the branch: no copy is taken and no listener call follows. Copies already sent still run (for a
     * bounded time), so a write the client made just before it left reaches the target too; then the branch's
     * connections close. Idempotent.
     */
    void close();
}
