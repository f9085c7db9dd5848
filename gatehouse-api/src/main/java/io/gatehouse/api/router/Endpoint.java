package io.gatehouse.api.router;

import io.gatehouse.api.server.ServerView;
import io.netty.buffer.ByteBuf;

/**
 * One backend connection of a session as a statement router sees it: logged in as the client, tracking its own
 * replies. Confined to the session's worker thread. {@link #write} takes ownership of the packet.
 */
public interface Endpoint {
    /** The server this connection goes to. */
    ServerView server();

    /** True once logged in and until closed. */
    boolean isReady();

    /** True after it closed or failed. */
    boolean isClosed();

    /** True while a reply is outstanding. */
    boolean isBusy();

    /**
     * Sends one complete client command (header included, owned by the callee). {@code command} is its command
     * byte; commands that get no reply (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA, COM_QUIT) are not tracked.
     */
    void write(ByteBuf packet, int command);

    /** The backend's thread id, for KILL. */
    long threadId();

    /** Closes the connection; the router gets no more callbacks for it. */
    void close();
}
