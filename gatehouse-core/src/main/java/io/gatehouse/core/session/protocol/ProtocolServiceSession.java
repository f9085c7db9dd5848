package io.gatehouse.core.session.protocol;

import io.gatehouse.api.protocol.ServiceSession;
import io.gatehouse.api.protocol.ServiceSessionListener;
import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.ProtocolException;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.gatehouse.protocol.reply.ReplyTracker;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session of a listener's service opened by a protocol module: the MariaDB client end of an in-process channel
 * pair whose other end is an ordinary {@link ClientSession} of the service, so the service's login check, filters,
 * router and backend connections serve it exactly as they serve a MariaDB client. It logs in with the protocol's
 * {@link SessionLogin} ({@link ServiceLogin}), then forwards the commands the protocol writes and hands each reply
 * packet back with the {@link Reply} its tracker completes. Confined to the client channel's worker event loop (both
 * ends of the pair are registered on it); it owns the commands it queues and each packet until it hands it to the
 * listener.
 */
public final class ProtocolServiceSession extends ChannelInboundHandlerAdapter implements ServiceSession {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolServiceSession.class);

    enum State { CONNECTING, LOGGING_IN, READY, CLOSED }

    private final ServerView service;
    private final ServiceSessionListener listener;
    private final ServiceLogin login;
    private final Runnable onEnd;
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private final PacketAccumulator framer;
    private ReplyTracker tracker;
    private Channel local;
    private ClientSession serverSide;
    private State state = State.CONNECTING;
    private long sessionId;
    /** The reply the packet being scanned completed, or null. */
    private Reply completed;
    /** An error the service sent outside any reply (it ends the session with it), or null. */
    private ErrPacket lastError;
    private boolean readReplies = true;

    /** {@code onEnd} runs once when the session closes or fails (its connection forgets it). */
    ProtocolServiceSession(ServerView service, SessionLogin login, ServiceSessionListener listener,
                           io.netty.buffer.ByteBufAllocator alloc, Runnable onEnd) {
        this.service = service;
        this.listener = listener;
        this.login = new ServiceLogin(login);
        this.onEnd = onEnd;
        this.framer = new PacketAccumulator(alloc, Packets.MAX_PAYLOAD);
    }

    /** The service's end of the pair, so that {@link #readReplies} can hold its backends back too. */
    void serverSide(ClientSession session) {
        this.serverSide = session;
    }

    // ServiceSession / Endpoint.

    @Override
    public ServerView server() {
        return service;
    }

    @Override
    public boolean isReady() {
        return state == State.READY;
    }

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    @Override
    public boolean isBusy() {
        return !waiting.isEmpty() || (tracker != null && tracker.inFlight() > 0);
    }

    @Override
    public long threadId() {
        return sessionId;
    }

    @Override
    public void write(ByteBuf packet, int command) {
        if (state == State.CLOSED || command == Commands.COM_QUIT) {
            packet.release();
            if (command == Commands.COM_QUIT) {
                close();
            }
            return;
        }
        if (state != State.READY) {
            waiting.addLast(packet);
            return;
        }
        send(packet, command);
    }

    private void send(ByteBuf packet, int command) {
        if (!Commands.hasNoReply(command)) {
            tracker.expect(command);
        }
        local.writeAndFlush(packet, local.voidPromise());
    }

    @Override
    public void readReplies(boolean read) {
        if (read == readReplies || state == State.CLOSED) {
            return;
        }
        readReplies = read;
        if (local != null) {
            local.config().setAutoRead(read);
        }
        if (serverSide != null) {
            serverSide.clientKeepsUp(read);
        }
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean loggedIn = state == State.READY;
        end();
        if (local != null && local.isActive()) {
            if (loggedIn) {
                ByteBuf quit = local.alloc().buffer(5);
                Packets.writeHeader(quit, 1, 0);
                quit.writeByte(Commands.COM_QUIT);
                local.writeAndFlush(quit);
            }
            local.close();
        }
    }

    /** Frees what the session holds and tells its connection; no callbacks follow. */
    private void end() {
        state = State.CLOSED;
        ByteBuf b;
        while ((b = waiting.pollFirst()) != null) {
            b.release();
        }
        framer.release();
        onEnd.run();
    }

    /** The session ends by itself (refused, killed, lost): the protocol hears why, once. */
    void fail(int code, String sqlState, String message) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.debug("session of service '{}' for a protocol client ended: {}", service.name(), message);
        end();
        if (local != null) {
            local.close();
        }
        listener.failed(this, code, sqlState, message);
    }

    // The MariaDB client end of the pair.

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        local = ctx.channel();
        if (state == State.CLOSED) {
            ctx.close();
            return;
        }
        state = State.LOGGING_IN;
        local.config().setAutoRead(readReplies);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (state == State.CLOSED) {
            buf.release();
            return;
        }
        framer.add(buf);
        try {
            ByteBuf packet;
            while (state != State.CLOSED && (packet = framer.next()) != null) {
                if (state == State.READY) {
                    deliver(packet);
                } else {
                    loginPacket(ctx, packet);
                }
            }
        } catch (ProtocolException e) {
            fail(2027, "HY000", "Malformed packet from service '" + service.name() + "': " + e.getMessage());
        }
    }

    private void loginPacket(ChannelHandlerContext ctx, ByteBuf packet) {
        ServiceLogin.Step step;
        try {
            step = login.read(ctx.alloc(), packet);
        } finally {
            packet.release();
        }
        switch (step.outcome()) {
            case SEND -> ctx.writeAndFlush(step.answer());
            case WAIT -> { }
            case DONE -> loggedIn();
            case REFUSED -> fail(step.code(), step.sqlState(), step.message());
        }
    }

    private void loggedIn() {
        sessionId = login.sessionId();
        tracker = new ReplyTracker(login.capabilities(), (reply, end) -> completed = reply);
        state = State.READY;
        listener.ready(this);
        ByteBuf next;
        while (state == State.READY && (next = waiting.pollFirst()) != null) {
            send(next, io.gatehouse.api.command.Command.commandOf(next));
        }
    }

    private void deliver(ByteBuf packet) {
        if (tracker.inFlight() == 0) {
            // Nothing was asked: the service says why it ends the session (KILL, a timeout) before it closes.
            try {
                if (ErrPacket.isErr(packet.slice(packet.readerIndex() + 4, packet.readableBytes() - 4))) {
                    lastError = ErrPacket.decode(packet.slice(packet.readerIndex() + 4, packet.readableBytes() - 4));
                }
            } finally {
                packet.release();                   // a malformed error throws, and must not keep the packet
            }
            return;
        }
        completed = null;
        tracker.scan(packet);
        Reply r = completed;
        completed = null;
        listener.packet(this, packet, r);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.CLOSED) {
            return;
        }
        if (lastError != null) {
            fail(lastError.code(), lastError.sqlState(), lastError.message());
        } else {
            fail(2013, "HY000", "Lost connection to service '" + service.name() + "'");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("session of service '{}' for a protocol client: {}", service.name(), cause.toString());
        fail(2013, "HY000", "Lost connection to service '" + service.name() + "': " + cause.getMessage());
    }
}
