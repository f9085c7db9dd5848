package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.branch.ServiceEndpoint;
import io.gatehouse.core.session.login.ChangeUserLogin;
import io.gatehouse.core.session.login.LoginCheck;
import io.gatehouse.protocol.ChangeUserRequest;
import io.gatehouse.protocol.ErrPacket;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One COM_CHANGE_USER of a session, for every router: {@link ChangeUserLogin} proves the new user, then every
 * logged-in backend connection logs in again, and the client gets one answer once all have. The first connection
 * (the primary, which a router opens first) decides, as the server the client would talk to directly: when it
 * accepts, the session is the new user; when it refuses, the session stays the old user, as the server leaves a
 * connection after a refused COM_CHANGE_USER (its session state reset). Child sessions (services a router reaches
 * as targets) take part as one participant each, changing the user of their own connections. A connection that answered otherwise, or
 * that was still logging in or busy when the change began, is dropped and its router told, so no session is ever
 * served by two identities. Confined to the session's worker thread; it owns the command packet it starts from and
 * each connection's answer until the client gets one of them.
 */
final class ChangeUserFanOut {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeUserFanOut.class);

    private final SessionPipeline pipeline;
    /** Each participant's answer (a BackendConnection or a child session), null until it came. */
    private final Map<Object, ByteBuf> results = new LinkedHashMap<>();
    private int pending;
    private boolean underWay;
    /** The sequence number of the answer to the COM_CHANGE_USER being carried out. */
    private int answerSeq = 1;
    /** The session before the change, given back when the backends refuse the new user. */
    private io.gatehouse.core.session.SessionIdentity previous;
    private ChangeUserLogin login;

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
        if (pipeline.children.any() && req.database() != null && !req.database().isEmpty()) {
            // Which child session's servers hold the database only the router knows (a schemarouter's shard map);
            // given to every child, those without it would refuse and be dropped. Refused with the way round it.
            pipeline.context().clientError(1, 1235, "42000", "COM_CHANGE_USER naming a database ('" + req.database()
                    + "') is not supported by a service whose targets are services: change the user without a"
                    + " database, then USE it");
            pipeline.commandDone();
            return;
        }
        underWay = true;
        login = new ChangeUserLogin(session, req, (r, backendUser, seq) -> {
            if (!r.ok()) {
                underWay = false;
                login = null;
                pipeline.context().clientError(seq, r.errorCode(), r.sqlState(), r.message());
                pipeline.commandDone();
                return;
            }
            previous = io.gatehouse.core.session.SessionIdentity.of(session);
            io.gatehouse.core.session.SessionIdentity.change(session, req.user(), backendUser, r, req.database());
            answerSeq = seq;
            results.clear();
            List<Object> ready = new ArrayList<>();
            for (BackendConnection b : new ArrayList<>(pipeline.endpoints())) {
                if (b.isReady() && !b.isBusy()) {
                    ready.add(b);
                    results.put(b, null);
                } else if (!b.isClosed()) {
                    // Still logging in (as the old user) or replaying the old user's session: it cannot join.
                    b.drop("Session " + session.id() + ": connection to " + b.server().name()
                            + " dropped: it was not ready when the session changed user");
                }
            }
            // Child sessions (services named in targets=) log their own connections in again and answer once.
            for (ServiceEndpoint c : pipeline.children.list()) {
                if (c.isReady() && !c.isBusy()) {
                    ready.add(c);
                    results.put(c, null);
                } else {
                    c.fail(2013, "HY000", "it was not ready when the session changed user");
                }
            }
            pending = ready.size();
            if (pending == 0 && pipeline.sharing() != null && pipeline.sharing().anyReleased()) {
                // Every connection was given back while idle: the next ones log in as the new user.
                underWay = false;
                forgetPrevious();
                pipeline.sessionReset();
                session.clientChannel().writeAndFlush(io.gatehouse.protocol.OkPacket.write(pipeline.alloc(),
                        answerSeq, 0, 0, 0x0002, 0, ""));
                pipeline.commandDone();
                return;
            }
            if (pending == 0) {
                underWay = false;
                forgetPrevious();
                pipeline.context().failWithSequence(answerSeq, 2013, "HY000",
                        "No backend connection to change the user of");
                return;
            }
            for (Object o : ready) {
                if (o instanceof BackendConnection b) {
                    b.changeUser(backendUser, req, r.passwordSha1());
                } else {
                    ServiceEndpoint c = (ServiceEndpoint) o;
                    c.changeUser(backendUser, req, r.passwordSha1(), answer -> done(c, answer));
                }
            }
        });
        login.start();
    }

    /** One connection finished; {@code result} (owned) is its OK or ERR packet. */
    void done(Object b, ByteBuf result) {
        if (!results.containsKey(b) || results.get(b) != null) {
            result.release();
            return;
        }
        results.put(b, result);
        if (--pending > 0) {
            return;
        }
        underWay = false;
        ClientSession session = session();
        ByteBuf answer = null;
        boolean accepted = false;
        List<Object> disagree = new ArrayList<>();
        for (Map.Entry<Object, ByteBuf> e : results.entrySet()) {
            boolean ok = isOk(e.getValue());
            if (answer == null) {
                answer = e.getValue();
                accepted = ok;
            } else {
                if (ok != accepted) {
                    disagree.add(e.getKey());
                }
                e.getValue().release();
            }
        }
        results.clear();
        LoginCheck.Result newAuth = session.auth;
        if (accepted) {
            forgetPrevious();
        } else {
            previous.restoreTo(session);
            previous = null;
            if (login != null) {
                login.restorePrevious();
                login = null;
            }
            session.failedChangeUsers++;
        }
        for (Object o : disagree) {
            String why = "it " + (accepted ? "refused" : "accepted") + " the COM_CHANGE_USER its session's first"
                    + " server " + (accepted ? "accepted" : "refused");
            if (o instanceof BackendConnection d) {
                d.drop("Session " + session.id() + ": connection to " + d.server().name() + " dropped: " + why);
            } else {
                ((ServiceEndpoint) o).fail(2013, "HY000", why);
            }
        }
        pipeline.sessionReset();
        answer.setByte(answer.readerIndex() + 3, answerSeq);
        if (!accepted && refusedPassword(answer) && !newAuth.checkedHere()
                && session.proxy().blocker().failed(session.remote())) {
            // Under clear_pw_passthrough or skip_authentication the backend's refusal is the only check the
            // password gets: it counts towards the host block as a refusal by Gatehouse does, and ends the session.
            LOG.warn("Host '{}' blocked after too many failed logins; closing session {}", session.remote(),
                    session.id());
            ErrPacket err = ErrPacket.decode(answer.slice(answer.readerIndex() + 4, answer.readableBytes() - 4));
            answer.release();
            session.sendErrorAndClose(answerSeq, err.code(), err.sqlState(), err.message());
            return;
        }
        if (!session.isRouting()) {
            answer.release();
            return;
        }
        session.clientChannel().writeAndFlush(answer);
        pipeline.commandDone();
    }

    private static boolean isOk(ByteBuf packet) {
        return packet.readableBytes() > 4 && packet.getUnsignedByte(packet.readerIndex() + 4) == 0x00;
    }

    private static boolean refusedPassword(ByteBuf err) {
        return err.readableBytes() > 6 && err.getUnsignedByte(err.readerIndex() + 4) == 0xFF
                && err.getUnsignedShortLE(err.readerIndex() + 5) == 1045;
    }

    /** A connection closed while logging in again: it counts as a refusal, so the change does not hang. */
    void lost(BackendConnection b, int code, String sqlState, String message) {
        if (results.containsKey(b) && results.get(b) == null) {
            done(b, ErrPacket.write(pipeline.alloc(), answerSeq, code, sqlState, message));
        }
    }

    private void forgetPrevious() {
        previous = null;
        if (login != null) {
            login.forgetPrevious();
            login = null;
        }
    }

    void release() {
        for (ByteBuf r : results.values()) {
            if (r != null) {
                r.release();
            }
        }
        results.clear();
        if (underWay) {
            forgetPrevious();
        }
        underWay = false;
    }

    private ClientSession session() {
        return pipeline.session();
    }
}
