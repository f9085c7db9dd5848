package io.gatehouse.protocols.nosql;

import io.gatehouse.api.protocol.ClientConnection;
import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.protocols.nosql.auth.AccountStore;
import io.gatehouse.protocols.nosql.auth.LocalAccounts;
import io.gatehouse.protocols.nosql.auth.SharedAccounts;
import io.gatehouse.protocols.nosql.auth.NosqlAccount;
import io.gatehouse.protocols.nosql.command.AwaitableHello;
import io.gatehouse.protocols.nosql.command.ClientAuth;
import io.gatehouse.protocols.nosql.command.CommandContext;
import io.gatehouse.protocols.nosql.command.Commands;
import io.gatehouse.protocols.nosql.command.Cursors;
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
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One MongoDB client: decodes each frame into a command, runs the commands one at a time through the translation
 * ({@link Commands}), whose SQL goes into this client's session of the listener's service ({@link ServiceSql}), and
 * writes each reply document back. Runs on the client channel's worker event loop, as the service session's
 * callbacks do, so every future here completes on that loop. It releases each frame once decoded; the reply
 * buffers it writes are the channel's from then on.
 *
 * <p>An awaitable {@code hello} (a driver's server monitor) is held on the event loop's timer for its
 * {@code maxAwaitTimeMS} ({@link AwaitableHello}) before it runs, as MongoDB holds it until the topology changes;
 * the worker thread is never blocked, the request holds no buffer while it waits, and the timer is cancelled when
 * the connection closes.
 */
final class NosqlClient extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(NosqlClient.class);

    private final ClientConnection connection;
    private final NosqlConfig config;
    private final String listener;
    private final LocalAccounts localAccounts;
    private final Executor keyThread;
    private final long connectionId;
    private final ArrayDeque<MongoRequest> requests = new ArrayDeque<>();
    /** The translation's statements: as the listener's user, or as the account the client proved it holds. */
    private final ServiceSql sql;
    /** With {@code authentication_shared}: the statements on the accounts table, as {@code authentication_user}. */
    private ServiceSql accountsSql;
    private ChannelHandlerContext ctx;
    private CommandContext commands;
    private boolean running;
    /** The timer holding an awaitable hello, until it fires or the connection closes. */
    private ScheduledFuture<?> awaiting;

    /**
     * @param localAccounts the listener's account file, or null with {@code authentication_shared}
     * @param keyThread     where shared accounts' keys are derived (null without {@code authentication_shared})
     */
    NosqlClient(ClientConnection connection, NosqlConfig config, String listener, LocalAccounts localAccounts,
                Executor keyThread, long connectionId) {
        this.connection = connection;
        this.config = config;
        this.listener = listener;
        this.localAccounts = localAccounts;
        this.keyThread = keyThread;
        this.connectionId = connectionId;
        this.sql = new ServiceSql(connection, new SessionLogin(config.user(), config.password(), null));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        AccountStore store = localAccounts;
        if (config.authenticationShared()) {
            accountsSql = new ServiceSql(connection, new SessionLogin(config.authenticationUser(),
                    config.authenticationPassword(), null));
            store = new SharedAccounts(accountsSql, config.authenticationDb(), listener, keyThread);
        }
        ClientAuth auth = new ClientAuth(store, ctx.executor(), config.authenticationRequired(),
                config.authorizationEnabled(), isLoopback(ctx.channel().remoteAddress()), this::loginAs);
        commands = new CommandContext(config, sql, new Cursors(config.cursorTimeout()), connectionId, connection.remote(),
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
        long delay = AwaitableHello.delayMillis(request.command());
        if (delay > 0) {
            // Answered at once, the monitor would ask again at once: its streaming protocol never sleeps between hellos.
            awaiting = ctx.executor().schedule(() -> {
                awaiting = null;
                run(request);
            }, delay, TimeUnit.MILLISECONDS);
            return;
        }
        run(request);
    }

    /** Runs one command and answers it; on the event loop. */
    private void run(MongoRequest request) {
        if (!ctx.channel().isActive()) {
            running = false;
            return;
        }
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
        sql.login(account == null ? new SessionLogin(config.user(), config.password(), null)
                : new SessionLogin(account.mariadbUser(), account.mariadbPassword(), null));
    }

    private static boolean isLoopback(SocketAddress address) {
        return !(address instanceof InetSocketAddress a) || (a.getAddress() != null && a.getAddress().isLoopbackAddress());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (awaiting != null) {
            awaiting.cancel(false);
            awaiting = null;
        }
        requests.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        sql.readReplies(ctx.channel().isWritable());
        if (accountsSql != null) {
            accountsSql.readReplies(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("nosqlprotocol: closing the connection of {}: {}", connection.remote(), cause.toString());
        ctx.close();
    }
}
