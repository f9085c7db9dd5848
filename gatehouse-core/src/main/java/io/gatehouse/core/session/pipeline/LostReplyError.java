package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.protocol.ErrPacket;

/**
 * Ends a session whose backend connection was lost in the middle of a reply the client was receiving: an error
 * packet, numbered after the last packet the client got, ends that reply, then the connection closes. A lost
 * connection (2013) reaches the client as 1927 with SQLSTATE 08S01 ({@link ErrPacket#serverCode}: client libraries
 * take a client-range code from a server for a malformed packet); another code as the router gave it. Runs on the session's worker thread; the error packet it makes goes to the client channel (or the
 * reply-packet path), which owns it from then on.
 */
final class LostReplyError {
    private LostReplyError() {
    }

    static void send(ClientSession session, ReplyPackets replyPackets, int sequence, int code, String sqlState,
                     String message) {
        if (replyPackets != null && replyPackets.inReply()) {
            // The filters that look at reply packets see the error too; the path numbers it after what it sent.
            replyPackets.toClient(ErrPacket.write(session.clientChannel().alloc(), sequence, code, sqlState, message));
            session.flushAndClose();
            return;
        }
        session.sendErrorAndClose(sequence, code, sqlState, message);
    }
}
