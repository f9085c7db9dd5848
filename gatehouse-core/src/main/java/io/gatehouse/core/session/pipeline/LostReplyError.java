package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.protocol.ErrPacket;

/**
 * Ends a session whose backend connection was lost in the middle of a reply the client was receiving: an error
 * packet, numbered after the last packet the client got, ends that reply, then the connection closes. The error is
 * 2013 with SQLSTATE 08S01 (a communication failure, which drivers and pools take as a dead connection), or the code
 * the router gave. Runs on the session's worker thread; the error packet it makes goes to the client channel (or the
 * reply-packet path), which owns it from then on.
 */
final class LostReplyError {
    private LostReplyError() {
    }

    static void send(ClientSession session, ReplyPackets replyPackets, int sequence, int code, String message) {
        String sqlState = code == 2013 ? "08S01" : "HY000";
        if (replyPackets != null && replyPackets.inReply()) {
            // The filters that look at reply packets see the error too; the path numbers it after what it sent.
            replyPackets.toClient(ErrPacket.write(session.clientChannel().alloc(), sequence, code, sqlState, message));
            session.flushAndClose();
            return;
        }
        session.sendErrorAndClose(sequence, code, sqlState, message);
    }
}
