package io.gatehouse.core.session;

import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.AuthSwitchRequest;
import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.ChangeUserRequest;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.auth.ClearPassword;
import io.gatehouse.protocol.auth.Ed25519Password;
import io.gatehouse.protocol.auth.Ed25519Signer;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.reply.ReplyTracker;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from Gatehouse to a backend server on behalf of one client session: logs in with the client's
 * recovered SHA1(password), then carries commands and replies while its {@link ReplyTracker} follows the replies;
 * between sessions it waits, reset, in the worker's {@link BackendPool}. Lives on the session's worker thread (the
 * backend channel is registered on the client channel's event loop). Every buffer read from the backend is handed
 * to the session's {@link SessionPipeline}, which owns it from then on.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter implements io.gatehouse.api.router.Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(BackendConnection.class);
    /** Capabilities not passed on from the client: no compression; TLS is per server ({@code ssl=true}). */
    static final long NEVER = Capabilities.COMPRESS | Capabilities.SSL | Capabilities.SSL_VERIFY_SERVER_CERT;

    enum State { CONNECTING, GREETING, AUTH, READY, CHANGE_USER, CLOSED }

    private ClientSession session;
    /** The pipeline of the session using this connection; null while it is pooled. */
    private SessionPipeline pipeline;
    private io.gatehouse.api.reply.Reply completed;
    private boolean reusing;
    /** Between sessions: the server's answer to COM_RESET_CONNECTION has not come yet. */
    private boolean resetting;
    private long idleSinceNanos;
    private BackendPool pool;
    private io.netty.util.concurrent.ScheduledFuture<?> expiry;
    /** Server status flags of the last reply that carried them. */
    private int lastStatus = io.gatehouse.protocol.StatusFlags.AUTOCOMMIT;
    private final Server server;
    private Channel channel;
    private State state = State.CONNECTING;
    private final PacketFramer framer = new PacketFramer(1 << 20);
    private InitialHandshake greeting;
    private long capabilities;
    private ReplyTracker tracker;
    private HandshakeResponse login;
    private byte[] passwordSha1;
    /** The multi-round plugin exchange (SHA-256 plugins, parsec) of the login under way, or null. */
    private BackendPluginLogin pluginLogin;
    private boolean counted;

    BackendConnection(ClientSession session, Server server, HandshakeResponse clientLogin, byte[] passwordSha1) {
        this.session = session;
        this.server = server;
        this.login = clientLogin;
        this.passwordSha1 = passwordSha1;
    }


    Channel channel() {
        return channel;
    }

    State state() {
        return state;
    }

    ReplyTracker tracker() {
        return tracker;
    }

    /** The backend's thread id, for KILL. */
    public long threadId() {
        return greeting == null ? -1 : greeting.connectionId();
    }

    long capabilities() {
        return capabilities;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        state = State.GREETING;
        if (server.proxyProtocol() && session != null) {
            channel.writeAndFlush(ProxyHeader.v1(channel, session.remote(), session.remotePort()));
        }
        server.connectionOpened();
        counted = true;
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (pipeline == null) {
            pooledRead(ctx, buf);
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
        framer.add(ctx.alloc(), buf);
        try {
            ByteBuf packet;
            while (state != State.READY && state != State.CLOSED && (packet = framer.next()) != null) {
                try {
                    onHandshakePacket(packet);
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

    /** Scans a chunk of reply bytes and hands it to the pipeline, with the reply it completed, if any. */
    private void deliver(ByteBuf buf) {
        completed = null;
        tracker.scan(buf);
        io.gatehouse.api.reply.Reply r = completed;
        completed = null;
        pipeline.fromBackend(this, buf, r);
    }

    /** A pooled connection speaks only to answer its reset; anything else (a timeout error) ends it. */
    private void pooledRead(ChannelHandlerContext ctx, ByteBuf buf) {
        if (!resetting || state != State.READY) {
            buf.release();
            ctx.close();
            return;
        }
        framer.add(ctx.alloc(), buf);
        ByteBuf packet;
        try {
            packet = framer.next();
        } catch (IllegalStateException e) {
            ctx.close();
            return;
        }
        if (packet == null) {
            return;
        }
        boolean ok = packet.readableBytes() > 4 && packet.getUnsignedByte(packet.readerIndex() + 4) == 0x00;
        packet.release();
        if (!ok || framer.heldBytes() > 0) {
            ctx.close();
            return;
        }
        resetting = false;
        idleSinceNanos = System.nanoTime();
        lastStatus = io.gatehouse.protocol.StatusFlags.AUTOCOMMIT;
        long maxIdle = server.persistMaxTime().toNanos();
        if (maxIdle > 0) {
            // Expired entries go in the background, not only when a session next looks into the pool.
            expiry = channel.eventLoop().schedule(this::expire, maxIdle, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void expire() {
        expiry = null;
        if (pipeline == null && pool != null) {
            pool.remove(this, login.capabilities());
            quit();
        }
    }

    /** The tracker's listener. */
    void replyCompleted(io.gatehouse.api.reply.Reply r) {
        if (r.kind() == io.gatehouse.api.reply.Reply.Kind.OK || r.kind() == io.gatehouse.api.reply.Reply.Kind.RESULT_SET) {
            lastStatus = r.status();
        }
        completed = r;
        if (operations > 0) {
            operations--;
            server.operation(-1);
            server.responseTime(System.nanoTime() - sentAtNanos);
        }
    }

    /** Statements this connection counted as running on its server and not yet finished. */
    private int operations;
    private long sentAtNanos;

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.READY && pipeline != null) {
            pipeline.backendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (pipeline != null) {
            pipeline.backendWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        framer.release();
        State was = state;
        state = State.CLOSED;
        if (was != State.CLOSED) {
            // We did not close it: the server reset it or went away. Its monitor should look now.
            server.suspect();
        }
        if (counted) {
            server.connectionClosed();
            counted = false;
        }
        server.operation(-operations);
        operations = 0;
        if (pipeline == null) {
            if (expiry != null) {
                expiry.cancel(false);
            }
            if (pool != null) {
                pool.remove(this, login.capabilities());
            }
        } else if (was == State.CLOSED) {
            pipeline.endpointGone(this);              // closed by its router or the session: no one to tell
        } else {
            pipeline.endpointClosed(this, 2013, "HY000", "Lost connection to backend server '" + server.name() + "'"
                    + (was == State.READY || was == State.CHANGE_USER ? "" : " at handshake"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("Connection to {} failed: {}", server, cause.getMessage());
        ctx.close();
    }

    /** Writes bytes to the backend; takes ownership of {@code buf}. */
    void write(ByteBuf buf) {
        if (state == State.CLOSED || channel == null) {
            buf.release();
            return;
        }
        channel.write(buf, channel.voidPromise());
    }

    void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    public void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            framer.release();
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** Closes after telling the server goodbye, so it does not count an aborted connection. */
    void quit() {
        if (state == State.READY && channel != null && channel.isActive()) {
            ByteBuf quit = channel.alloc().buffer(5);
            Packets.writeHeader(quit, 1, 0);
            quit.writeByte(0x01);
            channel.writeAndFlush(quit);
        }
        close();
    }

    private void onHandshakePacket(ByteBuf packet) {
        int seq = packet.getUnsignedByte(packet.readerIndex() + 3);
        ByteBuf payload = packet.slice(packet.readerIndex() + 4, packet.readableBytes() - 4);
        switch (state) {
            case GREETING -> onGreeting(payload);
            case AUTH, CHANGE_USER -> onAuthReply(packet, payload, seq);
            default -> throw new IllegalStateException("unexpected packet in state " + state);
        }
    }

    private void onGreeting(ByteBuf payload) {
        if (payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == 0xFF) {
            ErrPacket err = ErrPacket.decode(payload);
            state = State.CLOSED;
            failed(err.code(), err.sqlState(), err.message());
            channel.close();
            return;
        }
        greeting = InitialHandshake.decode(payload);
        capabilities = (login.capabilities() & greeting.capabilities() & ~NEVER)
                | Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH;
        if (login.database() == null || login.database().isEmpty()) {
            capabilities &= ~Capabilities.CONNECT_WITH_DB;
        }
        if (login.connectAttributes() == null) {
            capabilities &= ~Capabilities.CONNECT_ATTRS;
        }
        byte[] token = NativePassword.scrambleWithSha1(passwordSha1, greeting.nonce());
        String plugin = NativePassword.PLUGIN;
        String announced = greeting.authPluginName();
        if (BackendSha2Login.handles(announced)
                && BackendSha2Login.canStart(announced, clientPassword(), clientStage1())) {
            // A MySQL 8 server: answer its default plugin at once, as its own clients do, saving a round trip.
            pluginLogin = new BackendSha2Login(announced, greeting.nonce(), clientPassword(), clientStage1(),
                    server.tls() != null);
            token = pluginLogin.first();
            plugin = announced;
        }
        io.gatehouse.core.tls.ReloadableTls tls = server.tls();
        if (tls != null) {
            if ((greeting.capabilities() & Capabilities.SSL) == 0) {
                state = State.CLOSED;
                failed(2026, "HY000", "TLS/SSL error: server '" + server.name() + "' does not offer TLS (ssl=true)");
                channel.close();
                return;
            }
            capabilities |= Capabilities.SSL;
        }
        HandshakeResponse out = new HandshakeResponse(capabilities, login.maxPacketSize(), login.charset(),
                login.user(), token, login.database(), plugin, login.connectAttributes());
        state = State.AUTH;
        if (tls == null) {
            sendLogin(out, 1);
            return;
        }
        // SSL request first, then the whole login once the TLS handshake is done.
        ByteBuf request = channel.alloc().buffer(HandshakeResponse.FIXED_LENGTH);
        out.encodeSslRequest(request);
        channel.writeAndFlush(Packets.frame(channel.alloc(), 1, request));
        io.netty.handler.ssl.SslHandler handler = tls.newHandler(channel.alloc(), server.address(), server.port());
        channel.pipeline().addFirst("tls", handler);
        handler.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                sendLogin(out, 2);
            } else if (state != State.CLOSED) {
                state = State.CLOSED;
                failed(2026, "HY000", "TLS/SSL error with server '" + server.name() + "': "
                        + io.gatehouse.core.tls.TlsErrors.reason(f.cause()));
                channel.close();
            }
        });
    }

    private void sendLogin(HandshakeResponse out, int sequence) {
        ByteBuf body = channel.alloc().buffer(128);
        out.encode(body);
        channel.writeAndFlush(Packets.frame(channel.alloc(), sequence, body));
    }

    private void onAuthReply(ByteBuf packet, ByteBuf payload, int seq) {
        int first = payload.isReadable() ? payload.getUnsignedByte(payload.readerIndex()) : -1;
        switch (first) {
            case 0x00 -> {
                boolean changeUser = state == State.CHANGE_USER;
                state = State.READY;
                pluginLogin = null;
                if (tracker == null) {
                    tracker = new ReplyTracker(capabilities, (r, end) -> replyCompleted(r));
                } else {
                    tracker.reset();
                }
                readWhileClientKeepsUp(pipeline.clientWritable());
                if (reusing) {
                    reusing = false;
                    pipeline.endpointReady(this, packet.retain());
                } else if (changeUser) {
                    pipeline.changeUserDone(this, packet.retain());
                } else {
                    pipeline.endpointReady(this, packet.retain());
                }
            }
            case 0xFF -> {
                ErrPacket err = ErrPacket.decode(payload);
                if (state == State.CHANGE_USER && !reusing) {
                    state = State.CLOSED;
                    pipeline.changeUserDone(this, packet.retain());
                    channel.close();
                } else {
                    state = State.CLOSED;
                    if (err.code() == 1045 && session != null) {
                        session.backendRefusedLogin();
                    }
                    failed(err.code(), err.sqlState(), err.message());
                    channel.close();
                }
            }
            case 0xFE -> {
                AuthSwitchRequest sw = AuthSwitchRequest.decode(payload);
                byte[] clear = clientPassword();
                if (BackendSha2Login.handles(sw.pluginName()) || BackendParsecLogin.PLUGIN.equals(sw.pluginName())) {
                    pluginLogin = BackendParsecLogin.PLUGIN.equals(sw.pluginName())
                            ? new BackendParsecLogin(server.name(), sw.pluginData(), clear)
                            : new BackendSha2Login(sw.pluginName(), sw.pluginData(), clear, clientStage1(),
                                    server.tls() != null);
                    try {
                        send(seq + 1, pluginLogin.first());
                    } catch (IllegalStateException e) {
                        fail(server + ": " + e.getMessage());
                    }
                    return;
                }
                if (ClearPassword.PLUGIN.equals(sw.pluginName())) {
                    String refused = clearPasswordRefusal(clear);
                    if (refused != null) {
                        fail(refused);
                        return;
                    }
                    // clear_pw_passthrough: the client's own password, as the backend's plugin (PAM, LDAP) asks.
                    ByteBuf body = channel.alloc().buffer(clear.length + 1).writeBytes(clear).writeByte(0);
                    channel.writeAndFlush(Packets.frame(channel.alloc(), seq + 1, body));
                    return;
                }
                if (Ed25519Password.PLUGIN.equals(sw.pluginName()) && clear != null) {
                    // An ed25519 backend account: with the client's password Gatehouse signs as the client would.
                    byte[] nonce = java.util.Arrays.copyOf(sw.pluginData(), Ed25519Password.NONCE_LENGTH);
                    byte[] sig = Ed25519Signer.sign(new String(clear, java.nio.charset.StandardCharsets.UTF_8), nonce);
                    channel.writeAndFlush(Packets.frame(channel.alloc(), seq + 1,
                            channel.alloc().buffer(sig.length).writeBytes(sig)));
                    return;
                }
                if (!NativePassword.PLUGIN.equals(sw.pluginName())) {
                    fail(server + " asks for authentication plugin '" + sw.pluginName()
                            + "', which Gatehouse cannot use towards backends yet");
                    return;
                }
                byte[] token = NativePassword.scrambleWithSha1(passwordSha1, sw.pluginData());
                ByteBuf body = channel.alloc().buffer(token.length);
                body.writeBytes(token);
                channel.writeAndFlush(Packets.frame(channel.alloc(), seq + 1, body));
            }
            case 0x01 -> {
                if (pluginLogin == null) {
                    fail(server + " sent more authentication data although no plugin exchange is under way");
                    return;
                }
                byte[] data = new byte[payload.readableBytes() - 1];
                payload.getBytes(payload.readerIndex() + 1, data);
                try {
                    byte[] answer = pluginLogin.more(data);
                    if (answer != null) {
                        send(seq + 1, answer);
                    }
                } catch (IllegalStateException e) {
                    fail(server + ": " + e.getMessage());
                }
            }
            default -> fail(server + " sent an unexpected authentication packet (first byte " + first + ")");
        }
    }

    /**
     * Why a backend's mysql_clear_password request gets no answer, or null when it gets the client's password:
     * only under clear_pw_passthrough (a password Gatehouse learnt from a caching_sha2 or sha256 login was given to
     * Gatehouse, not to every backend that asks), and only over TLS or a unix socket unless the listener allows
     * it in clear with clear_pw_without_tls.
     */
    private String clearPasswordRefusal(byte[] clear) {
        ClientSettings settings = session == null ? null : session.settings;
        if (clear == null || settings == null || !settings.clearPassthrough()) {
            return server + " asks for the client's password in clear (mysql_clear_password); Gatehouse sends it only"
                    + " when the listener has authenticator_options=clear_pw_passthrough=true";
        }
        if (server.tls() == null && server.socket() == null && !settings.clearWithoutTls()) {
            return server + " asks for the client's password in clear (mysql_clear_password) over a connection"
                    + " without TLS; set ssl=true on the server, or authenticator_options=clear_pw_without_tls=true"
                    + " on the listener to allow it";
        }
        return null;
    }

    private void send(int sequence, byte[] payload) {
        channel.writeAndFlush(Packets.frame(channel.alloc(), sequence,
                channel.alloc().buffer(payload.length).writeBytes(payload)));
    }

    /**
     * The client's password in clear when its login revealed it and this connection logs in as the client itself
     * (a user_mapping_file credential is another account's); null otherwise.
     */
    private byte[] clientPassword() {
        return session != null && session.user().equals(login.user()) ? session.clearPassword() : null;
    }

    /** SHA256(client's password) under the same conditions as {@link #clientPassword}, or null. */
    private byte[] clientStage1() {
        return session != null && session.user().equals(login.user()) ? session.sha256Stage1() : null;
    }

    /**
     * Logs the connection in as {@code user} (COM_CHANGE_USER), on the worker thread, when no reply is in flight.
     * The pipeline is told the outcome through {@link SessionPipeline#changeUserDone}.
     */
    void changeUser(String user, ChangeUserRequest clientRequest, byte[] newSha1) {
        this.passwordSha1 = newSha1;
        this.login = login.withAuth(user, new byte[0], NativePassword.PLUGIN);
        sendChangeUser(user, clientRequest.database(), clientRequest.charset(),
                clientRequest.connectAttributes());
    }

    /** Sends COM_CHANGE_USER with a token for {@link #passwordSha1} and this connection's nonce. */
    private void sendChangeUser(String user, String database, int charset, byte[] attributes) {
        byte[] token = NativePassword.scrambleWithSha1(passwordSha1, greeting.nonce());
        ChangeUserRequest out = new ChangeUserRequest(user, token, database, charset, NativePassword.PLUGIN,
                attributes);
        ByteBuf body = channel.alloc().buffer(128);
        out.encode(body, capabilities);
        state = State.CHANGE_USER;
        channel.writeAndFlush(Packets.frame(channel.alloc(), 0, body));
    }

    private void failed(int code, String sqlState, String message) {
        pipeline.endpointClosed(this, code, sqlState, message);
    }

    /** Puts this connection under a session pipeline's control, before it connects. */
    void routeThrough(SessionPipeline p) {
        this.pipeline = p;
    }

    /** Reads replies only while the client takes them; a connection still logging in always reads. */
    void readWhileClientKeepsUp(boolean clientWritable) {
        if (channel != null && state == State.READY) {
            channel.config().setAutoRead(clientWritable);
        }
    }

    /** False only while a live connection's write queue is over the high-water mark; a closed one holds nobody back. */
    boolean isWritable() {
        return channel == null || state == State.CLOSED || !channel.isActive() || channel.isWritable();
    }

    /** True when the last status the server reported says a transaction is open. */
    boolean inTransaction() {
        return (lastStatus & io.gatehouse.protocol.StatusFlags.IN_TRANS) != 0;
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

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    @Override
    public boolean isBusy() {
        return tracker != null && tracker.busy();
    }

    @Override
    public void write(ByteBuf packet, int command) {
        if (state != State.READY) {
            packet.release();
            return;
        }
        if (!Commands.hasNoReply(command)) {
            tracker.expect(command);
            server.operation(1);
            operations++;
            sentAtNanos = System.nanoTime();
        }
        pipeline.wroteTo(this);
        channel.writeAndFlush(packet, channel.voidPromise());
    }

    /**
     * Detaches from the session and waits in {@code pool} for the next one; on the worker thread. The server resets
     * the connection at once (COM_RESET_CONNECTION: transaction rolled back, locks, temporary tables, variables and
     * prepared statements gone), so nothing the session held outlives it; the connection is offered again only
     * after the server confirmed.
     */
    void park(BackendPool into) {
        session = null;
        pipeline = null;
        pool = into;
        resetting = true;
        channel.config().setAutoRead(true);
        ByteBuf reset = channel.alloc().buffer(5);
        Packets.writeHeader(reset, 1, 0);
        reset.writeByte(io.gatehouse.protocol.Commands.COM_RESET_CONNECTION);
        channel.writeAndFlush(reset, channel.voidPromise());
    }

    boolean isPooledAndAlive() {
        return pipeline == null && !resetting && state == State.READY && channel != null && channel.isActive();
    }

    boolean isResetting() {
        return resetting;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Takes a pooled connection over for a new session: logs it in as that session's user with COM_CHANGE_USER.
     * The outcome arrives through {@link SessionPipeline#endpointReady} or {@link SessionPipeline#endpointClosed},
     * as for a new connection.
     */
    void adopt(ClientSession newSession, SessionPipeline owner, HandshakeResponse newLogin, byte[] newSha1) {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        session = newSession;
        pipeline = owner;
        pool = null;
        reusing = true;
        login = newLogin;
        passwordSha1 = newSha1;
        server.connectionReused();
        sendChangeUser(newLogin.user(), newLogin.database(), newLogin.charset(), newLogin.connectAttributes());
    }

    private void fail(String why) {
        LOG.warn("{}", why);
        State was = state;
        state = State.CLOSED;
        if (was == State.CHANGE_USER && !reusing) {
            pipeline.changeUserDone(this, ErrPacket.write(channel.alloc(), 1, 1045, "28000", why));
        } else {
            failed(2013, "HY000", why);
        }
        channel.close();
    }
}
