package io.gatehouse.api.filter;

import io.netty.buffer.ByteBuf;

/**
 * Receives the reply to a statement a filter ran itself with {@link FilterSessionContext#runBefore}: the client
 * never sees it. Called on the session's worker thread. The packets it is shown stay the core's: read them with
 * absolute or duplicate indexes and keep nothing of them after the call.
 */
public interface InternalReply {
    /**
     * One whole packet of the reply (4-byte header included), classified as the client's replies are; an error the
     * router made itself (a lost backend) comes as an {@link ReplyPacketKind#ERROR} packet too.
     */
    void packet(ByteBuf packet, ReplyPacketKind kind);

    /**
     * The reply is complete. The filter may end the session here ({@link FilterSessionContext#closeSession}); the
     * statements queued after this one, and the client's command, then never run.
     */
    void done();
}
