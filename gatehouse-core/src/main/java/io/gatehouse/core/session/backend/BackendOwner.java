package io.gatehouse.core.session.backend;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;

/**
 * Who a {@link BackendConnection} works for while a session uses it: the session's own pipeline, or a branch a filter
 * opened (tee). Called on the session's worker thread; every buffer handed over belongs to the owner from then on.
 */
public interface BackendOwner {
    /** True while the client keeps up with replies: the connection reads only then. */
    boolean clientWritable();

    /** Reply bytes (owned by the callee), with the reply they completed, or null. */
    void fromBackend(BackendConnection b, ByteBuf buf, Reply reply);

    /** A batch of reads from a backend ended. */
    void backendReadComplete();

    /** A backend's write queue crossed a water mark. */
    void backendWritabilityChanged();

    /** The connection logged in; {@code ok} (owned) is the server's OK packet. */
    void endpointReady(BackendConnection b, ByteBuf ok);

    /** A COM_CHANGE_USER on the connection ended; {@code result} (owned) is the server's OK or ERR packet. */
    void changeUserDone(BackendConnection b, ByteBuf result);

    /** A connection its owner closed has gone. */
    void endpointGone(BackendConnection b);

    /** The connection failed or the server closed it. */
    void endpointClosed(BackendConnection b, int code, String sqlState, String message);

    /** A command was written to {@code b} (the target of a LOCAL INFILE's contents, for the pipeline). */
    void wroteTo(BackendConnection b);
}
