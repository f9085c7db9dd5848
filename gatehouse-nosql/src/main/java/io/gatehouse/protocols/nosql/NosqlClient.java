package io.gatehouse.protocols.nosql;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.ServiceSession;
import io.gatehouse.api.protocol.ServiceSessionListener;
import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.protocols.nosql.auth.LocalAccounts;
import io.gatehouse.protocols.nosql.auth.NosqlAccount;
import io.gatehouse.protocols.nosql.command.ClientAuth;
import io.gatehouse.protocols.nosql.command.CommandContext;
import io.gatehouse.protocols.nosql.command.Commands;
import io.gatehouse.protocols.nosql.command.Cursors;
import io.gatehouse.protocols.nosql.sql.SqlResult;
import io.gatehouse.protocols.nosql.sql.SqlRunner;
import io.gatehouse.protocols.nosql.wire.MongoRequest;
import io.gatehouse.protocols.nosql.wire.MongoWire;
import io.gatehouse.protocols.nosql.wire.MongoWireException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One MongoDB client: decodes each frame into a command, runs the commands one at a time through the translation
 * ({@link Commands}), whose SQL goes as COM_QUERY packets into this client's session of the listener's service, and
 * writes each reply document back. Runs on the client channel's worker event loop, as the service session's
 * callbacks do, so every future here completes on that loop. It releases each frame once decoded and each reply
 * packet once read; the COM_QUERY packets it writes are owned by the session from then on.
 */
final class NosqlClient extends ChannelInboundHandlerAdapter implements ServiceSessionListener, SqlRunner {
    private static final Logger LOG = LoggerFactory.getLogger(NosqlClient.class);
    private static final int COM_QUERY = 3;
    private static final int MAX_PAYLOAD = 0xFFFFFF;

    private final ClientConnection connection;
    private final NosqlConfig config;
    private final LocalAccounts accounts;
    private final long connectionId;
    private final ArrayDeque<MongoRequest> requests = new ArrayDeque<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private CommandContext commands;
    private ServiceSession session;
    /** Who the next session logs in as: the listener's user, or the account the client proved it holds. */
    private SessionLogin login;
    private boolean running;

    private record Pending(CompletableFuture<SqlResult> result, ResultCollector collector) {
    }

    NosqlClient(ClientConnection connection, NosqlConfig config, LocalAccounts accounts, long connectionId) {
        this.connection = connection;
        this.config = config;
        this.accounts = accounts;
        this.connectionId = connectionId;
        this.login = new SessionLogin(config.user(), config.password(), null);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ClientAuth auth = new ClientAuth(accounts, ctx.executor(), config.authenticationRequired(),
                isLoopback(ctx.channel().remoteAddress()), this::loginAs);
        commands = new CommandContext(config, this, new Cursors(config.cursorTimeout()), connectionId, connection.remote(),
                auth);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        MongoRequest request;
        try {
            request = MongoWire.decode(frame);
        } catch (MongoWireException e) {
            LOG.warn("nosqlprotocol: closing the connection of {}: {}", connection.remote(), e.getMessage());
            ctx.close();
            return;
        } finally {
            frame.release();
        }
        requests.add(request);
        if (!running) {
            next();
        }
    }

    /** Runs the next queued command; MongoDB clients expect replies in order, so one command runs at a time. */
    private void next() {
        MongoRequest request = requests.poll();
        if (request == null || !ctx.channel().isActive()) {
            running = false;
            return;
        }
        running = true;
        Commands.execute(commands, request.database(), request.command()).whenComplete((reply, error) -> {
            // A stage that failed elsewhere (the accounts thread) completes there, skipping any executor: come back
            // to the event loop, which owns the request queue and the service sessions.
            if (ctx.executor().inEventLoop()) {
                answer(request, reply, error);
            } else {
                ctx.executor().execute(() -> answer(request, reply, error));
            }
        });
    }

    /** Writes a command's reply (unless the client asked for none), then runs the next; on the event loop. */
    private void answer(MongoRequest request, BsonDocument reply, Throwable error) {
        BsonDocument doc = reply != null ? reply : Commands.errorDocument(error);
        if (!request.moreToCome() && ctx.channel().isActive()) {
            ByteBuf out = request.legacyQuery()
                    ? MongoWire.encodeReply(ctx.alloc(), 0, request.requestId(), doc)
                    : MongoWire.encodeMsg(ctx.alloc(), 0, request.requestId(), doc);
            ctx.writeAndFlush(out, ctx.voidPromise());
        }
        next();
    }

    /**
     * Later statements run as {@code account}'s MariaDB user (null: the listener's user again). Called by
     * {@link ClientAuth} only once SCRAM verified the client's proof ({@code ScramConversation.finish}), so the stored
     * MariaDB password is never used for a client that did not prove it knows it. Commands run one at a time and
     * the SASL commands send no SQL, so no statement is in flight in the old session, which ends here.
     */
    private void loginAs(NosqlAccount account) {
        login = account == null ? new SessionLogin(config.user(), config.password(), null)
                : new SessionLogin(account.mariadbUser(), account.mariadbPassword(), null);
        if (session != null) {
            ServiceSession old = session;
            session = null;
            old.close();
        }
    }

    private static boolean isLoopback(SocketAddress address) {
        return !(address instanceof InetSocketAddress a) || (a.getAddress() != null && a.getAddress().isLoopbackAddress());
    }

    // SqlRunner: the translation's statements go into the service session as COM_QUERY packets.

    @Override
    public CompletableFuture<SqlResult> run(String sql) {
        if (session == null) {
            // Opened on the first statement, and again after one ended (a refused login, a lost primary): a MongoDB
            // client keeps its connection for long, and the handshake commands need no session.
            session = connection.openSession(login, this);
        }
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        int payload = text.length + 1;
        ByteBuf packet = ctx.alloc().buffer(payload + 4 * (payload / MAX_PAYLOAD + 1));
        // A statement of 16 MiB or more goes as several packets of one command, the last one shorter than the maximum.
        int seq = 0;
        int at = -1;
        do {
            int chunk = Math.min(MAX_PAYLOAD, payload - (at + 1));
            packet.writeMediumLE(chunk).writeByte(seq++);
            if (at < 0) {
                packet.writeByte(COM_QUERY).writeBytes(text, 0, chunk - 1);
            } else {
                packet.writeBytes(text, at, chunk);
            }
            at += chunk;
            if (chunk < MAX_PAYLOAD) {
                break;
            }
        } while (true);
        Pending p = new Pending(new CompletableFuture<>(), new ResultCollector());
        pending.add(p);
        session.write(packet, COM_QUERY);
        return p.result();
    }

    // ServiceSessionListener.

    @Override
    public void ready(ServiceSession s) {
    }

    @Override
    public void packet(ServiceSession s, ByteBuf packet, Reply reply) {
        try {
            Pending p = pending.peek();
            if (p == null) {
                return;
            }
            SqlResult result = p.collector().packet(packet, reply);
            if (result != null) {
                pending.poll();
                p.result().complete(result);
            }
        } finally {
            packet.release();
        }
        if (!ctx.channel().isWritable()) {
            s.readReplies(false);
        }
    }

    @Override
    public void failed(ServiceSession s, int code, String sqlState, String message) {
        if (session == s) {
            session = null;
        }
        String why = "MariaDB error " + code + " (" + sqlState + "): " + message;
        LOG.warn("nosqlprotocol: the service session of {} ended: {}", connection.remote(), why);
        NosqlException e = new NosqlException(NosqlException.INTERNAL_ERROR, "InternalError", why);
        Pending p;
        while ((p = pending.poll()) != null) {
            p.result().completeExceptionally(e);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null) {
            session.readReplies(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("nosqlprotocol: closing the connection of {}: {}", connection.remote(), cause.toString());
        ctx.close();
    }
}
