package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.ServiceTarget;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.core.worker.ChannelLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link SessionPipeline} offers its router session: targets and connections to them, the way to the client
 * (replies, errors, the end of a command) and the session's end with an error; it also knows whether the router's
 * login finished. Confined to the session's worker thread; every buffer a router hands it goes to the client, or to
 * a filter's own statement when one is running.
 */
final class SessionRouterContext implements RouterSessionContext {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRouterContext.class);

    private final SessionPipeline pipeline;
    private final ClientSession session;
    private boolean loggedIn;

    SessionRouterContext(SessionPipeline pipeline, ClientSession session) {
        this.pipeline = pipeline;
        this.session = session;
    }

    ClientSession session() {
        return session;
    }

    boolean loggedIn() {
        return loggedIn;
    }

    @Override
    public SessionSqlState sqlState() {
        return pipeline.sqlState();
    }

    @Override
    public List<ServerView> targets() {
        return session.service().routingTargets();             // already immutable: no copy, no wrapper
    }

    @Override
    public Endpoint connect(ServerView server) {
        return open(server, true);
    }

    @Override
    public Endpoint connectWithoutDatabase(ServerView server) {
        return open(server, false);
    }

    private Endpoint open(ServerView server, boolean withDatabase) {
        if (server instanceof ServiceTarget service) {
            return pipeline.children.open(service, withDatabase);
        }
        if (pipeline.sharing() != null) {
            return pipeline.sharing().open((Server) server, withDatabase);
        }
        return pipeline.openConnection((Server) server, withDatabase);
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        ChannelLoop.schedule(session.clientChannel(), () -> {
            if (session.isRouting()) {
                task.run();
                session.clientChannel().flush();
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean tracing() {
        return session.trace().on();
    }

    @Override
    public void traceDecision(String rule, List<String> facts) {
        session.trace().decision(rule, facts);
    }

    @Override
    public void clientWrite(ByteBuf buf) {
        if (pipeline.internal().running()) {
            pipeline.internal().reply(buf);
            return;
        }
        pipeline.replyWatch().toClient(buf.readableBytes());
        ReplyPackets replyPackets = pipeline.replyPackets();
        if (replyPackets != null) {
            replyPackets.toClient(buf);
            return;
        }
        session.clientChannel().write(buf, session.clientChannel().voidPromise());
    }

    @Override
    public void clientError(int sequence, int code, String sqlState, String message) {
        if (pipeline.internal().running()) {
            pipeline.internal().reply(ErrPacket.write(alloc(), sequence, code, sqlState, message));
            return;
        }
        ReplyPackets replyPackets = pipeline.replyPackets();
        if (replyPackets != null && replyPackets.inReply()) {
            // The error ends the current reply: the filters see it, and it is numbered after what they passed on.
            replyPackets.toClient(ErrPacket.write(alloc(), sequence, code, sqlState, message));
            session.clientChannel().flush();
            return;
        }
        session.clientChannel().writeAndFlush(ErrPacket.write(alloc(), sequence, code, sqlState, message));
    }

    @Override
    public void commandDone() {
        pipeline.commandDone();
    }

    @Override
    public void loginDone(ByteBuf okPacket) {
        if (loggedIn) {
            okPacket.release();
            return;
        }
        loggedIn = true;
        session.statementLoginDone(okPacket);
        if (pipeline.sharing() != null) {
            pipeline.sharing().commandDone();       // a session that only logs in is idle from then on
        }
    }

    @Override
    public void fail(int code, String sqlState, String message) {
        int midReply = loggedIn ? pipeline.replyWatch().errorSequence(pipeline.failingConnection(),
                pipeline.streaming()) : -1;
        if (midReply >= 0) {
            // Whole packets of the lost connection's reply reached the client: an error numbered after them ends
            // it, so the client reads a well-formed reply that says what happened (never a cut or a bad number).
            LOG.warn("{}: session {} ends: {}", session.service().name(), session.id(), message);
            LostReplyError.send(session, pipeline.replyPackets(), midReply, code, sqlState, message);
            return;
        }
        if (loggedIn && code == 2013) {
            // A backend connection went away before its reply began (its server failed, or ended the session: KILL,
            // a timeout). Directly, the client would find its connection closed, with no packet: so it does here
            // (after what was already sent to it), and its library reports the loss as from the server itself.
            LOG.warn("{}: session {} ends: {}", session.service().name(), session.id(), message);
            session.flushAndClose();
            return;
        }
        failWithSequence(endingSequence(), code, sqlState, message);
    }

    /**
     * The number of an error that ends the session: 1 answers the client's command; before the login answer, the
     * login's next; while a restart's new router starts the client waits between commands, so 0, as a KILL's.
     */
    int endingSequence() {
        return loggedIn ? 1 : session.restarting() ? 0 : session.nextSequence();
    }

    /** Ends the session with an error numbered {@code sequence} (a reply may be half sent). */
    void failWithSequence(int sequence, int code, String sqlState, String message) {
        LOG.warn("{}: session {} ends: {}", session.service().name(), session.id(), message);
        session.sendErrorAndClose(sequence, code, sqlState, message);
    }

    /** Ends the session without an error, as when the server closes an idle connection. */
    @Override
    public void closeQuietly() {
        session.flushAndClose();
    }

    @Override
    public ByteBufAllocator alloc() {
        return session.clientChannel().alloc();
    }

    @Override
    public ClientInfo client() {
        return session.clientInfo();
    }

    @Override
    public long clientCapabilities() {
        return session.clientCapabilities();
    }
}
