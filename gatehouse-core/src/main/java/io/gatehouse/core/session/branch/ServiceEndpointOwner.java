package io.gatehouse.core.session.branch;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;

/**
 * Who a {@link ServiceEndpoint} answers to: the session's pipeline (whose router connected to a service), or another
 * service endpoint (a service over services over services). Called on the session's worker thread; every buffer
 * handed over belongs to the callee.
 */
public interface ServiceEndpointOwner {
    /** Reply bytes of the child session (owned by the callee); {@code reply} is non-null on the reply's last bytes. */
    void childReply(ServiceEndpoint e, ByteBuf buf, Reply reply);

    /** The child session logged in; {@code ok} (owned) is the OK packet its router chose. */
    void childReady(ServiceEndpoint e, ByteBuf ok);

    /** The child session failed and closed itself; no further calls follow for it. */
    void childFailed(ServiceEndpoint e, int code, String sqlState, String message);

    /** A batch of reads of the child's connections ended: what was written to the client may be flushed. */
    void childReadComplete();

    /** True while the client keeps up with replies (the child's connections read only then). */
    boolean clientWritable();

    /**
     * A command was written to {@code b}, a connection of the child (or of its children): the contents of a LOCAL
     * INFILE the client sends next go to it, as they would to one of the session's own connections.
     */
    default void childWroteTo(io.gatehouse.core.session.backend.BackendConnection b) {
    }
}
