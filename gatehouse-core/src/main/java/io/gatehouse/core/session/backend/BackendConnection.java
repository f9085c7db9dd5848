package io.gatehouse.core.session.backend;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.worker.WorkerCounters;
import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.ChangeUserRequest;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.gatehouse.protocol.reply.ReplyTracker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from Gatehouse to a backend server on behalf of one client session, on the session's worker
 * thread (the backend channel is registered on the client channel's event loop): it owns the channel, its state and
 * its back-pressure, and hands each phase to the part that owns it: {@link BackendLogin} logs in with the client's
 * recovered SHA1(password), {@link BackendReplies} tracks commands and replies once it is ready, and
 * {@link BackendParking} keeps it, reset, in the worker's {@link BackendPool} between sessions. Every buffer read
 * from the backend while a session uses it is handed to the session's pipeline (its {@link BackendOwner}), which owns it from
 * then on; handshake bytes are framed and released here.
 */
public final class BackendConnection extends ChannelInboundHandlerAdapter implements io.gatehouse.api.router.Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(BackendConnection.class);
    /** Capabilities not passed on from the client: no compression; TLS is per server ({@code ssl=true}). */
    static final long NEVER = Capabilities.COMPRESS | Capabilities.SSL | Capabilities.SSL_VERIFY_SERVER_CERT;

    enum State { CONNECTING, GREETING, AUTH, INIT, READY, CHANGE_USER, CLOSED }

    /** The largest cut packet held back until its end arrives (rows and errors are far smaller as a rule). */
    static final int HOLD_LIMIT = 64 * 1024;
    /** The start of a packet whose end has not arrived yet, held back from the session; or null. */
    private ByteBuf held;

    private ClientSession session;
    /** The session's pipeline (or a filter's branch) using this connection; null while it is pooled. */
    private BackendOwner pipeline;
    private final Server server;
    private Channel channel;
    private State state = State.CONNECTING;
    private final PacketAccumulator framer = new PacketAccumulator(ByteBufAllocator.DEFAULT, 1 << 20);
    private final BackendLogin login;
    private final BackendReplies replies;
    private final BackendParking parking = new BackendParking(this);
    private final BackendKeepAlive keepAlive = new BackendKeepAlive(this);
    private boolean counted;
    /** True while this connection holds one of its server's routing slots (max_routing_connections). */
    private boolean holdsSlot;
    /** The listener's connection_init_sql_file statements in flight after login, or null. */
    private BackendInitSql init;
    /**
     * What the session's router knows this connection as: itself, or the session's lasting endpoint whose
     * connections come and go (idle_session_pool_time).
     */
    private io.gatehouse.api.router.Endpoint face = this;

    public BackendConnection(ClientSession session, Server server, HandshakeResponse clientLogin, byte[] passwordSha1) {
        this.session = session;
        this.server = server;
        this.login = new BackendLogin(this, server, clientLogin, passwordSha1);
        this.replies = new BackendReplies(server);
    }

    public Channel channel() {
        return channel;
    }

    /** The endpoint the router knows this connection as (itself unless the session shares its connections). */
    public io.gatehouse.api.router.Endpoint face() {
        return face;
    }

    /** Serves {@code endpoint}, the lasting endpoint of a session that gives its connections back when idle. */
    public void face(io.gatehouse.api.router.Endpoint endpoint) {
        this.face = endpoint;
    }

    State state() {
        return state;
    }

    /** A state change made by the login exchange. */
    void state(State next) {
        state = next;
    }

    /** The session using this connection, or null while it is pooled. */
    ClientSession session() {
        return session;
    }

    BackendOwner pipeline() {
        return pipeline;
    }

    BackendReplies replies() {
        return replies;
    }

    public ReplyTracker tracker() {
        return replies.tracker();
    }

    /** The backend's thread id, for KILL. */
    public long threadId() {
        return login.threadId();
    }

    /** The capabilities of the client login the connection was made for: its key in the pool. */
    long clientCapabilities() {
        return login.clientCapabilities();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        WorkerCounters.current().totalDescriptors++;
        channel = ctx.channel();
        if (state == State.CLOSED) {
            ctx.close();                                // dropped while its socket was still opening
            return;
        }
        state = State.GREETING;
        if (server.proxyProtocol() && session != null) {
            channel.writeAndFlush(ProxyHeader.v1(channel, session.remote(), session.remotePort()));
        }
        server.connectionOpened();
        counted = true;
        ctx.fireChannelActive();
    }

    /** Bytes read from the server and held here: a cut packet's start and the login's unframed bytes. */
    public long bufferedBytes() {
        ByteBuf h = held;
        return framer.bufferedBytes() + (h == null ? 0 : h.readableBytes());
    }

    /** Bytes written towards the server that its socket has not taken yet. */
    public long pendingWriteBytes() {
        Channel c = channel;
        io.netty.channel.ChannelOutboundBuffer out = c == null ? null : c.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** The server refused a COM_CHANGE_USER and kept the connection as its previous user, with its session reset. */
    void changeUserRefused() {
        state = State.READY;
        replies.tracker().reset();
        readWhileClientKeepsUp(pipeline.clientWritable());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long start = System.nanoTime();
        try {
            read(ctx, (ByteBuf) msg);
        } finally {
            WorkerCounters.current().executed(start);
        }
    }

    private void read(ChannelHandlerContext ctx, ByteBuf buf) {
        keepAlive.used();
        if (keepAlive.awaitingAnswer()) {
            // A keepalive ping's answer comes before anything sent after it: it is ours, whatever the state.
            buf = keepAlive.strip(buf);
            if (buf == null) {
                return;
            }
        }
        if (pipeline == null) {
            parking.read(ctx, buf, framer);
            return;
        }
        if (state == State.READY) {
            deliver(buf);
            return;
        }
        if (state == State.CLOSED) {
            buf.release();
            return;
        }
        framer.add(buf);
        try {
            ByteBuf packet;
            while (state != State.READY && state != State.CLOSED && (packet = framer.next()) != null) {
                try {
                    if (state == State.INIT) {
                        init.onReply(packet);
                    } else {
                        login.onPacket(packet);
                    }
                } finally {
                    packet.release();
                }
            }
            if (state == State.READY) {
                ByteBuf rest = framer.drain();
                if (rest != null) {
                    deliver(rest);
                }
            }
        } catch (RuntimeException e) {
            fail("unreadable handshake from " + server + ": " + e.getMessage());
        }
    }

    /**
     * Scans a chunk of reply bytes and hands it to the pipeline, with the reply it completed, if any. A packet of
     * up to {@link #HOLD_LIMIT} bytes cut at the end of the chunk is held until its end arrives, so that the client
     * only ever has whole packets when the connection is lost and an error can follow them (see
     * {@link #clientHasWholePackets}); a larger one is passed on in pieces, as it comes. The held start goes on in
     * one buffer with the chunk that ends it, so a router sees a small reply (an error, say) whole, before any of it
     * could reach the client: it may still replace the reply, as readwritesplit does with a demoted primary's
     * read-only refusal.
     */
    private void deliver(ByteBuf buf) {
        Reply r = replies.scan(buf);
        ReplyTracker t = replies.tracker();
        long pending = t.pendingPacketSize();
        if (pending == 0 || pending > HOLD_LIMIT) {
            pipeline.fromBackend(this, withHeld(buf), r);
            return;
        }
        int end = t.lastPacketEnd();
        if (end < 0) {
            // Still the same packet (r is null: no reply ends without a packet ending): keep it all.
            held = withHeld(buf);
            return;
        }
        ByteBuf rest = buf.retainedSlice(end, buf.writerIndex() - end);
        buf.writerIndex(end);
        pipeline.fromBackend(this, withHeld(buf), r);
        if (state == State.CLOSED) {
            rest.release();
        } else {
            held = rest;
        }
    }

    /** {@code buf} (owned) behind the held start of its packet, if any, as one buffer (owned by the caller). */
    private ByteBuf withHeld(ByteBuf buf) {
        if (held == null) {
            return buf;
        }
        ByteBuf h = held;
        held = null;
        return channel.alloc().compositeBuffer().addComponents(true, h, buf);
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    /**
     * True when the client has only whole packets of this connection's replies (none is cut), so that a packet made
     * here may follow them; the reply tracker says which number it takes.
     */
    public boolean clientHasWholePackets() {
        ReplyTracker t = replies.tracker();
        return t != null && (t.pendingPacketSize() == 0 || held != null);
    }

    /**
     * The login exchange succeeded with {@code capabilities}: replies are tracked from now on, and the pipeline gets
     * the server's OK {@code packet} (still the caller's; retained for the pipeline) as a new connection's login or
     * as the end of a COM_CHANGE_USER.
     */
    void loggedIn(ByteBuf packet, long capabilities, boolean changeUser) {
        List<String> initSql = changeUser || session == null ? List.of() : session.settings.initStatements();
        if (!initSql.isEmpty()) {
            // A new session's connection (new or pooled) first runs the listener's connection_init_sql_file.
            state = State.INIT;
            init = new BackendInitSql(this, initSql, packet.retain(), capabilities);
            init.start();
            return;
        }
        state = State.READY;
        replies.loggedIn(capabilities);
        keepAlive.start(channel);
        readWhileClientKeepsUp(pipeline.clientWritable());
        if (changeUser) {
            pipeline.changeUserDone(this, packet.retain());
        } else {
            pipeline.endpointReady(this, packet.retain());
        }
    }

    /** The connection_init_sql_file statements succeeded: the session gets the connection and the login OK. */
    void ready(ByteBuf retainedLoginOk, long capabilities) {
        init = null;
        state = State.READY;
        replies.loggedIn(capabilities);
        keepAlive.start(channel);
        readWhileClientKeepsUp(pipeline.clientWritable());
        pipeline.endpointReady(this, retainedLoginOk);
    }

    private void releaseInit() {
        if (init != null) {
            init.release();
            init = null;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        WorkerCounters.current().reads++;
        if (session != null) {
            session.backendRead();
        }
        if (state == State.READY && pipeline != null) {
            pipeline.backendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            WorkerCounters.current().writes++;
        }
        if (pipeline != null) {
            pipeline.backendWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        keepAlive.stop();
        framer.release();
        releaseInit();
        State was = state;
        state = State.CLOSED;
        if (was != State.CLOSED) {
            // We did not close it: the server reset it or went away. Its monitor should look now.
            WorkerCounters.current().hangups++;
            server.suspect();
        }
        if (counted) {
            server.connectionClosed();
            counted = false;
        }
        releaseSlot();
        replies.closed();
        if (pipeline == null) {
            parking.closed();
        } else if (was == State.CLOSED) {
            pipeline.endpointGone(this);              // closed by its router or the session: no one to tell
        } else {
            pipeline.endpointClosed(this, 2013, "HY000", "Lost connection to backend server '" + server.name() + "'"
                    + (was == State.READY || was == State.CHANGE_USER ? "" : " at handshake"));
        }
        // Released only now: while the session hears of the loss, it shows that the client got whole packets.
        releaseHeld();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        WorkerCounters.current().errors++;
        LOG.warn("Connection to {} failed: {}", server, cause.getMessage());
        ctx.close();
    }

    /** Writes bytes to the backend; takes ownership of {@code buf}. */
    public void write(ByteBuf buf) {
        if (state == State.CLOSED || channel == null) {
            buf.release();
            return;
        }
        keepAlive.used();
        channel.write(buf, channel.voidPromise());
    }

    public void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    /** This connection holds a routing slot of its server from now until it closes. */
    public void holdSlot() {
        holdsSlot = true;
    }

    /** Gives the routing slot back (once): the socket closed, or never opened. */
    public void releaseSlot() {
        if (holdsSlot) {
            holdsSlot = false;
            server.routingSlots().give();
        }
    }

    public void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            keepAlive.stop();
            framer.release();
            releaseHeld();
            releaseInit();
            if (channel != null) {
                channel.close();
            }
        }
    }

    /**
     * Takes this connection out of its session, open or still opening, and tells the router it is gone (as a lost
     * connection): a COM_CHANGE_USER left it logged in as another user than the session's.
     */
    public void drop(String why) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.info("{}", why);
        quit();
        pipeline.endpointClosed(this, 2013, "HY000", why);
    }

    /** Closes after telling the server goodbye, so it does not count an aborted connection. */
    public void quit() {
        if (state == State.READY && channel != null && channel.isActive()) {
            ByteBuf quit = channel.alloc().buffer(5);
            Packets.writeHeader(quit, 1, 0);
            quit.writeByte(0x01);
            channel.writeAndFlush(quit);
        }
        close();
    }

    /**
     * Logs the connection in as {@code user} (COM_CHANGE_USER), on the worker thread, when no reply is in flight.
     * The pipeline is told the outcome through {@link BackendOwner#changeUserDone}.
     */
    public void changeUser(String user, ChangeUserRequest clientRequest, byte[] newSha1) {
        login.changeUser(user, clientRequest, newSha1);
    }

    /** The login failed: the pipeline hears why; the caller closes the channel. */
    void failed(int code, String sqlState, String message) {
        pipeline.endpointClosed(this, code, sqlState, message);
    }

    /** Puts this connection under a session pipeline's control, before it connects. */
    public void routeThrough(BackendOwner p) {
        this.pipeline = p;
    }

    // Back-pressure: the pipeline reads replies only while the client keeps up, and the client only while every
    // backend's write queue does.

    /** Reads replies only while the client takes them; a connection still logging in always reads. */
    public void readWhileClientKeepsUp(boolean clientWritable) {
        if (channel != null && state == State.READY) {
            channel.config().setAutoRead(clientWritable);
        }
    }

    /** False only while a live connection's write queue is over the high-water mark; a closed one holds nobody back. */
    public boolean isWritable() {
        return channel == null || state == State.CLOSED || !channel.isActive() || channel.isWritable();
    }

    /**
     * The server status flags the server reported last (an OK or the end of a result set): autocommit, an open
     * transaction; {@code AUTOCOMMIT} alone before the first reply.
     */
    public int serverStatus() {
        return replies.lastStatus();
    }

    /** True when the last status the server reported says a transaction is open. */
    public boolean inTransaction() {
        return replies.inTransaction();
    }

    // Endpoint, for statement routers.

    @Override
    public Server server() {
        return server;
    }

    @Override
    public boolean isReady() {
        return state == State.READY;
    }

    /** True when this connection may serve another session once reset: idle, outside a transaction, on a usable server. */
    public boolean poolable() {
        return isReady() && !isBusy() && !inTransaction() && server.persistPoolMax() > 0
                && ServerStatus.acceptsNewSessions(server.status())
                // A PROXY header named this client's address: the connection cannot serve another client.
                && !server.proxyProtocol();
    }

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    @Override
    public boolean isBusy() {
        return replies.busy();
    }

    @Override
    public void write(ByteBuf packet, int command) {
        if (state != State.READY) {
            packet.release();
            return;
        }
        replies.sent(command);
        keepAlive.used();
        pipeline.wroteTo(this);
        channel.writeAndFlush(packet, channel.voidPromise());
    }

    // The pool.

    /**
     * Detaches from the session and waits in {@code pool} for the next one; on the worker thread. The server resets
     * the connection at once (COM_RESET_CONNECTION: transaction rolled back, locks, temporary tables, variables and
     * prepared statements gone), so nothing the session held outlives it; the connection is offered again only
     * after the server confirmed.
     */
    void park(BackendPool into) {
        keepAlive.stop();
        session = null;
        pipeline = null;
        face = this;
        parking.park(into, channel);
    }

    /** True while no session uses the connection. */
    boolean isDetached() {
        return pipeline == null;
    }

    boolean isPooledAndAlive() {
        return pipeline == null && !parking.isResetting() && state == State.READY && channel != null
                && channel.isActive();
    }

    boolean isResetting() {
        return parking.isResetting();
    }

    long idleSinceNanos() {
        return parking.idleSinceNanos();
    }

    /**
     * Takes a pooled connection over for a new session: logs it in as that session's user with COM_CHANGE_USER.
     * The outcome arrives through {@link BackendOwner#endpointReady} or {@link BackendOwner#endpointClosed},
     * as for a new connection.
     */
    public void adopt(ClientSession newSession, BackendOwner owner, HandshakeResponse newLogin, byte[] newSha1) {
        parking.adopted();
        face = this;
        session = newSession;
        pipeline = owner;
        login.reuse(newLogin, newSha1);
    }

    /** Ends the login with {@code why}: a refused COM_CHANGE_USER of the client, or a lost connection. */
    void fail(String why) {
        LOG.warn("{}", why);
        releaseInit();
        State was = state;
        state = State.CLOSED;
        channel.close();
        // A COM_CHANGE_USER Gatehouse cannot complete is refused; either way the router hears the connection is gone.
        if (was == State.CHANGE_USER && !login.reusing()) {
            failed(1045, "28000", why);
        } else {
            failed(2013, "HY000", why);
        }
    }
}
