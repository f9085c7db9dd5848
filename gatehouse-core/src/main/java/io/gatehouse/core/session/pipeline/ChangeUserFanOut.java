package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.login.ChangeUserLogin;
import io.gatehouse.protocol.ChangeUserRequest;
import io.gatehouse.protocol.ErrPacket;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One COM_CHANGE_USER of a session, for every router: {@link ChangeUserLogin} proves the new user, then every
 * logged-in backend connection logs in again, and the client gets one answer once all have. Confined to the
 * session's worker thread; it owns the command packet it starts from and each connection's answer until the client
 * gets one of them.
 */
final class ChangeUserFanOut {
    private final SessionPipeline pipeline;
    private final Map<BackendConnection, ByteBuf> results = new LinkedHashMap<>();
    private int pending;
    private boolean underWay;
    /** The sequence number of the answer to the COM_CHANGE_USER being carried out. */
    private int answerSeq = 1;

    ChangeUserFanOut(SessionPipeline pipeline) {
        this.pipeline = pipeline;
    }

    boolean underWay() {
        return underWay;
    }

    /** Proves the new user named in {@code packet} (owned here, header included) and logs every connection in. */
    void start(ByteBuf packet) {
        ClientSession session = session();
        ChangeUserRequest req;
        try {
            ByteBuf payload = packet.slice(packet.readerIndex() + 4, packet.readableBytes() - 4);
            req = ChangeUserRequest.decode(payload, session.clientCapabilities());
        } catch (RuntimeException e) {
            session.sendErrorAndClose(1, 1835, "08S01", "Malformed packet: COM_CHANGE_USER: " + e.getMessage());
            return;
        } finally {
            packet.release();
        }
        underWay = true;
        new ChangeUserLogin(session, req, (r, backendUser, seq) -> {
            if (!r.ok()) {
                underWay = false;
                pipeline.clientError(seq, r.errorCode(), r.sqlState(), r.message());
                pipeline.commandDone();
                return;
            }
            session.user(req.user(), backendUser, r);
            List<BackendConnection> ready = pipeline.readyEndpoints();
            answerSeq = seq;
            pending = ready.size();
            results.clear();
            for (BackendConnection b : ready) {
                results.put(b, null);
            }
            if (pending == 0) {
                underWay = false;
                pipeline.fail(2013, "HY000", "No backend connection to change the user of");
                return;
            }
            for (BackendConnection b : ready) {
                b.changeUser(backendUser, req, r.passwordSha1());
            }
        }).start();
    }

    /** One connection finished; {@code result} (owned) is its OK or ERR packet. */
    void done(BackendConnection b, ByteBuf result) {
        if (!results.containsKey(b) || results.get(b) != null) {
            result.release();
            return;
        }
        results.put(b, result);
        if (--pending > 0) {
            return;
        }
        underWay = false;
        // The client sees the first connection's answer (the primary's, which a router opens first).
        ByteBuf answer = null;
        for (ByteBuf r : results.values()) {
            if (answer == null) {
                answer = r;
            } else {
                r.release();
            }
        }
        results.clear();
        pipeline.sessionReset();
        answer.setByte(answer.readerIndex() + 3, answerSeq);
        pipeline.session().clientChannel().writeAndFlush(answer);
        pipeline.commandDone();
    }

    /** A connection closed while logging in again: it counts as a refusal, so the change does not hang. */
    void lost(BackendConnection b, int code, String sqlState, String message) {
        if (results.containsKey(b) && results.get(b) == null) {
            done(b, ErrPacket.write(pipeline.alloc(), answerSeq, code, sqlState, message));
        }
    }

    void release() {
        for (ByteBuf r : results.values()) {
            if (r != null) {
                r.release();
            }
        }
        results.clear();
        underWay = false;
    }

    private ClientSession session() {
        return pipeline.session();
    }
}
