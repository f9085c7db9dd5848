package io.gatehouse.core.session;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.backend.BackendOwner;
import io.gatehouse.core.session.login.ChangeUserLogin;
import io.gatehouse.core.session.login.ClientCapabilities;
import io.gatehouse.core.session.login.ClientLogin;
import io.gatehouse.core.session.login.LoginCheck;
import io.gatehouse.core.session.login.ProxyHeaderDetector;
import io.gatehouse.core.session.login.Sha2Exchange;
import io.gatehouse.core.session.pipeline.ConnectionRouterSession;
import io.gatehouse.core.session.pipeline.SessionPipeline;
import io.gatehouse.core.worker.ChannelLoop;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import io.gatehouse.core.worker.WorkerCounters;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session, on the worker that accepted the client (its backend channels are registered on the same
 * event loop): it owns the client channel and every buffer read from it until it hands it on or releases it. It
 * greets the client, keeps the login-phase state that {@link ClientLogin} (and the exchanges and checks of the
 * login package) fill in, and once the login is accepted hands the routing phase to {@link SessionRouting}, which
 * builds its {@link SessionPipeline} (filters, router session, backend connections), the same for every router.
 * Each part that must stop the client's bytes for a while (a full backend, commands piling up, a command Gatehouse
 * answers itself) holds its own reason in {@link #blockReads}.
 *
 * <p>The login-phase fields are public because the login package's flows work on them, and the methods the
 * pipeline and backend packages call are public for them; all of it is for this session's worker thread only, and
 * ArchitectureTest keeps every other package to the public API (snapshot, registry, KILL from any thread).
 */
public final class ClientSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    private static final int MAX_HANDSHAKE_PACKET = 64 * 1024;

    public enum State { GREETING_SENT, AUTH_SWITCH_SENT, AUTHENTICATING, CONNECTING, ROUTING, CLOSED }

    /** Reasons to stop reading from the client, for {@link #blockReads}. */
    public static final int BACKEND_FULL = 1;
    public static final int QUEUE_FULL = 2;
    public static final int ANSWERING = 4;
    public static final int RESTARTING = 8;

    // The login phase's state: written by the login package's flows on this worker, read by the routing phase.
    public final Service service;
    public final ProxyContext proxy;
    /**
     * The service's parameters as they were when this session started: the session keeps them, so a runtime change
     * (REST API, gatectl) reaches the sessions that start after it.
     */
    private final Params params;
    /** The version {@code connection_metadata}'s {@code maxscale=auto} sends: the jar's, as the admin API reports. */
    public final ClientSettings settings;
    /** retain_last_statements of this session's service (or the global one) and dump_last_statements. */
    private final StatementHistory statements;
    private final StatementHistory.Dump dump;
    /** The admin API's trace switch and what it recorded. */
    private final SessionTrace trace;
    public boolean encrypted;
    public final long id;
    public final byte[] nonce = new byte[NativePassword.NONCE_LENGTH];
    public Channel client;
    public State state = State.GREETING_SENT;
    /** The login phase's client bytes; channels use Netty's default allocator, so this one is theirs. */
    public final PacketAccumulator framer = new PacketAccumulator(ByteBufAllocator.DEFAULT, MAX_HANDSHAKE_PACKET);
    public HandshakeResponse login;
    public String user = "";
    public String remote = "";
    public int remotePort;
    public LoginCheck.Result auth;
    public int nextSeq;
    private final SessionRouting routing = new SessionRouting(this);
    private ScheduledFuture<?> handshakeTimer;
    private boolean sessionCounted;
    private ClientInfo clientInfo;
    private volatile SessionSnapshot snapshot;
    /** The filters of the session's chain as last published. */
    private volatile List<io.gatehouse.api.filter.Filter> chain = List.of();
    private final long startedAtMillis = System.currentTimeMillis();
    private final ClientCredentials credentials = new ClientCredentials();
    private final ClientLogin loginFlow = new ClientLogin(this);
    /** COM_CHANGE_USER attempts of this connection that were refused (ChangeUserLogin ends it after three). */
    public int failedChangeUsers;
    /** Read events of the client's and the backends' connections ({@code io_activity}); worker thread. */
    private long ioEvents;

    public ClientSession(Service service, ProxyContext proxy) {
        this(service, proxy, ClientSettings.PLAIN);
    }

    public ClientSession(Service service, ProxyContext proxy, ClientSettings settings) {
        this.service = service;
        this.proxy = proxy;
        this.settings = settings;
        this.params = service.params();
        this.id = proxy.registry().newId();
        StatementHistory.Policy policy = proxy.statements() == null ? StatementHistory.Policy.OFF : proxy.statements();
        Params sp = params;
        this.statements = new StatementHistory(policy.retainFor(sp.has("retain_last_statements")
                ? sp.integer("retain_last_statements") : -1));
        this.dump = policy.dump();
        this.trace = new SessionTrace(id);
        LoginNonce.fill(nonce);
    }

    /** Logins that took the caching_sha2_password fast path in this process (admin statistics and tests). */
    public static long cachingSha2FastLogins() {
        return Sha2Exchange.fastLogins();
    }

    /** The forms of the client's password its checked login left, for the backend logins. */
    public ClientCredentials credentials() {
        return credentials;
    }

    public long id() {
        return id;
    }

    public String user() {
        return user;
    }

    public String remote() {
        return remote;
    }

    public int remotePort() {
        return remotePort;
    }

    /** The service's latest accounts as this session's listener matches them (its authenticator options). */
    public io.gatehouse.core.users.UserAccounts accounts() {
        return service.users().snapshot().withRules(settings.matchRules());
    }

    public Service service() {
        return service;
    }

    /** The service's parameters as they were when this session started (they do not change under it). */
    public Params params() {
        return params;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** The session as last published by its worker, with its retained statements as of now; any thread. */
    public SessionSnapshot snapshot() {
        SessionSnapshot s = snapshot;
        List<SessionSnapshot.Statement> retained = statements.entries();
        return s != null ? new SessionSnapshot(s.id(), s.user(), s.remote(), s.service(), s.connectedAt(),
                s.connections(), retained, s.sharing())
                : new SessionSnapshot(id, user, remote, service.name(), startedAtMillis, List.of(), retained, null);
    }

    /** The statements this session retains ({@code retain_last_statements}); written on its worker. */
    public StatementHistory statements() {
        return statements;
    }

    /** The per-session trace switch and its entries. */
    public SessionTrace trace() {
        return trace;
    }

    /** Publishes the session's identity and backend connections for other threads; on this session's worker. */
    public void publish() {
        List<SessionSnapshot.Connection> conns = new java.util.ArrayList<>();
        for (BackendConnection b : backends()) {
            conns.add(new SessionSnapshot.Connection(b.server().name(), b.threadId()));
        }
        var view = routing.sharingView();
        chain = routing.filters();
        snapshot = new SessionSnapshot(id, user, remote, service.name(), startedAtMillis, conns, List.of(),
                view == null ? null : new SessionSnapshot.Sharing(view.released(), view.pinnedBy()));
    }

    /** The backend connections with a statement running, for KILL; on this session's worker. */
    public List<BackendConnection> busyBackends() {
        return routing.busyBackends();
    }

    /** The routing phase, for {@link SessionMoves}; on this session's worker. */
    SessionRouting routing() {
        return routing;
    }

    /** The session's backend connections, open or opening; on this session's worker. */
    List<BackendConnection> backends() {
        return routing.backends();
    }

    /**
     * Bytes written towards the client that its socket has not taken yet: what a slow client makes Gatehouse hold
     * for it. Backpressure keeps this near {@code writeq_high_water}. Any thread (Netty keeps the count volatile).
     */
    public long pendingClientBytes() {
        Channel c = client;
        io.netty.channel.ChannelOutboundBuffer out = c == null ? null : c.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** Counts a read event of one of the session's backend connections; worker thread. */
    public void backendRead() {
        ioEvents++;
    }

    /** Read events of the session's client and backend connections so far; worker thread. */
    public long ioEvents() {
        return ioEvents;
    }

    public boolean isRouting() {
        return state == State.ROUTING;
    }

    /** True from an admin restart's rebuild until its new router is ready (the client waits, between commands). */
    public boolean restarting() {
        return routing.restarting();
    }

    public boolean isClosedOrClosing() {
        return state == State.CLOSED || client == null || !client.isActive();
    }

    /**
     * Stops or resumes reading from the client for one {@code reason}; it reads again only when no reason is left.
     * Worker thread.
     */
    public void blockReads(int reason, boolean block) {
        routing.blockReads(reason, block);
    }

    public boolean isSuperUser() {
        return auth != null && auth.account() != null && auth.account().superUser();
    }

    public Channel clientChannel() {
        return client;
    }

    public ProxyContext proxy() {
        return proxy;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        WorkerCounters counters = WorkerCounters.current();
        counters.accepts++;
        counters.totalDescriptors++;
        SocketAddress addr = client.remoteAddress();
        remote = addr instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress() : "localhost";
        remotePort = addr instanceof InetSocketAddress isa ? isa.getPort() : 0;
        proxy.registry().add(this);
        if (!service.tryOpenSession()) {
            sendErrorAndClose(0, 1040, "08004", "Too many connections");
            return;
        }
        sessionCounted = true;
        if (SessionTimeouts.wanted(service.params())) {
            client.pipeline().addBefore(ctx.name(), "timeouts", new SessionTimeouts(this));
        }
        if (settings.proxyNetworks() != null && settings.proxyNetworks().trusts(addr)) {
            client.pipeline().addFirst("proxy-detect", new ProxyHeaderDetector());
        }
        client.writeAndFlush(ClientCapabilities.greeting(ctx.alloc(), service, id, nonce, settings.tls() != null));
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state != State.ROUTING && state != State.CLOSED) {
                LOG.warn("Client {} from {} did not complete the handshake in time", id, remote);
                sendErrorAndClose(nextSeq, 1043, "08S01", "Bad handshake");
            }
        }, settings.initTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long start = System.nanoTime();
        try {
            read(ctx, msg);
        } finally {
            WorkerCounters.current().executed(start);
        }
    }

    private void read(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof io.netty.handler.codec.haproxy.HAProxyMessage header) {
            loginFlow.proxyHeader(header);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        switch (state) {
            case ROUTING -> routing.read(buf);
            case GREETING_SENT, AUTH_SWITCH_SENT -> loginFlow.readHandshake(ctx, buf);
            default -> {
                // Nothing may arrive while we authenticate or connect; a client that pipelines is held back, and
                // not read at all once it has sent more than a write queue's worth.
                if (state == State.CLOSED) {
                    buf.release();
                } else {
                    framer.add(buf);
                    loginFlow.checkHeldBytes();
                }
            }
        }
    }

    /** Client bytes of the routing phase, to the pipeline; takes ownership of {@code buf}. */
    public void routeClientBytes(ByteBuf buf) {
        routing.routeClientBytes(buf);
    }

    /** While {@code login} (or null when it ends) proves a COM_CHANGE_USER, the client's bytes are its. */
    public void changingUser(ChangeUserLogin login) {
        routing.changingUser(login);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        WorkerCounters.current().reads++;
        ioEvents++;
        routing.readComplete();
    }

    public ClientInfo clientInfo() {
        return clientInfo;
    }

    public long clientCapabilities() {
        return login == null ? 0 : login.capabilities();
    }

    public int nextSequence() {
        return nextSeq;
    }

    /**
     * A protocol module's session says whether its client keeps up with replies (an in-process channel is always
     * writable, so the protocol says it): the backends are read only while it does.
     */
    public void clientKeepsUp(boolean keepsUp) {
        routing.clientWritable(keepsUp);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            WorkerCounters.current().writes++;
        }
        routing.clientWritable(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.CLOSED) {
            WorkerCounters.current().hangups++;     // not closed by us: the client went away
        }
        cleanup();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        WorkerCounters.current().errors++;
        LOG.warn("Client session {} from {}: {}", id, remote, cause.toString());
        ctx.close();
    }

    /** True when the client presented a certificate that the listener's CA verified. */
    public boolean hasClientCertificate() {
        return client != null && io.gatehouse.core.tls.PeerCertificates.present(client);
    }

    /** A timeout of the service ended the session: tell the client why, as the server's KILL would. */
    void timedOut(String why) {
        LOG.info("{}: session {} from {} closed: {}", service.name(), id, remote, why);
        sendErrorAndClose(0, 1927, "70100", "Connection killed by Gatehouse: " + why);
    }

    public long maxPacketSize() {
        return settings.maxPacketSize();
    }

    /** A client command passed the listener's {@code max_packet_size}: refuse it as the server does and end. */
    public void packetTooLarge(int clientSeq, long size) {
        LOG.warn("{}: session {} from {} sent a command of at least {} bytes, over max_packet_size {}",
                service.name(), id, remote, size, settings.maxPacketSize());
        sendErrorAndClose(clientSeq + 1, 1153, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes");
    }

    public boolean encrypted() {
        return encrypted;
    }

    public void connectBackend() {
        clientInfo = new ClientInfo(id, user, remote, login.database(), service.name());
        io.gatehouse.api.router.RouterSession rs = service.router().newSession(clientInfo);
        state = State.CONNECTING;
        routing.start(rs != null ? rs : new ConnectionRouterSession(service.router()));
    }

    /**
     * A backend connection for {@code owner}, logged in as the client: an idle one from this worker's pool (logged
     * in again with COM_CHANGE_USER) or a new one.
     */
    public BackendConnection openBackend(Server server, BackendOwner owner, boolean withDatabase) {
        return routing.openBackend(server, owner, withDatabase);
    }

    /** Sends the login OK (owned) as ours and starts routing; false (and released) when the session moved on. */
    private boolean loginDone(ByteBuf okPacket) {
        if (state != State.CONNECTING) {
            okPacket.release();
            return false;
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        okPacket = ConnectionMetadata.addToLogin(this, okPacket);
        okPacket.setByte(okPacket.readerIndex() + 3, nextSeq);
        state = State.ROUTING;
        client.writeAndFlush(okPacket);
        publish();
        if (proxy.warnSuperUser() && isSuperUser()) {
            LOG.warn("Super user {}@{} logged in to service {}", user, remote, service.name());
        }
        return true;
    }

    /** The router session chose the login result; {@code okPacket} (owned) goes to the client. */
    public void statementLoginDone(ByteBuf okPacket) {
        if (routing.restarting()) {
            okPacket.release();                    // a restarted session's new router: the client logged in long ago
            routing.restartReady();
            return;
        }
        if (!loginDone(okPacket)) {
            return;
        }
        routing.loggedIn(framer.drain());
    }

    /** A backend refused this client's login with a password error: see {@link ClientLogin#backendRefused}. */
    public void backendRefusedLogin() {
        loginFlow.backendRefused();
    }

    /** After a COM_CHANGE_USER: the client is {@code newUser}, its backends log in as {@code backendUser}. */
    public void user(String newUser, String backendUser, LoginCheck.Result newAuth, String database) {
        this.user = newUser;
        this.auth = newAuth;
        publish();
        // Connections opened from now on (replacements, statement routers, a shared session's next connection) log
        // in as the new user, into the database the COM_CHANGE_USER named (none when it named none).
        this.login = login.withAuth(backendUser, new byte[0], NativePassword.PLUGIN)
                .withDatabase(database == null || database.isEmpty() ? null : database);
    }

    /** Who the session is: what a COM_CHANGE_USER the backends refuse gives back with {@link #restore}. */
    public record Identity(String user, LoginCheck.Result auth, HandshakeResponse login) {
    }

    public Identity identity() {
        return new Identity(user, auth, login);
    }

    /** The backends refused a COM_CHANGE_USER: the session is again who it was (their connections stayed so). */
    public void restore(Identity who) {
        this.user = who.user();
        this.auth = who.auth();
        this.login = who.login();
        publish();
    }

    public byte[] nonce() {
        return nonce;
    }

    /**
     * Why this session cannot be restarted, in MaxScale's words, or null when it can; any thread. Connection sharing
     * moves the session between connections, which a restart's hand-over cannot follow.
     */
    public String restartRefusal() {
        return service.params().string("idle_session_pool_time") != null
                ? "Cannot restart session if 'idle_session_pool_time' is in use." : null;
    }

    /**
     * Rebuilds the session's filter sessions and router session, with {@code filters} (null: its service's chain as
     * it is now) and the service's current parameters, at its next quiet point (between commands, no transaction
     * open); its connections carry over. Any thread.
     */
    public void restartFromAnyThread(List<io.gatehouse.api.filter.Filter> filters) {
        Channel c = client;
        if (c != null) {
            ChannelLoop.later(c, () -> {
                if (state != State.CLOSED) {
                    routing.restart(filters);
                }
            });
        }
    }

    /** The filters of the session's chain now, in order; any thread (each pipeline publishes its own). */
    public List<io.gatehouse.api.filter.Filter> filters() {
        return chain;
    }

    /** Ends the session from any thread (KILL from another session, shutdown). */
    public void closeFromAnyThread() {
        if (client == null) {
            return;
        }
        io.gatehouse.core.worker.ChannelLoop.run(client, this::close);
    }

    public void sendErrorAndClose(int seq, int code, String sqlState, String message) {
        if (state == State.CLOSED || client == null) {
            return;
        }
        state = State.CLOSED;
        dumpStatements(true);
        ByteBuf err = ErrPacket.write(client.alloc(), seq & 0xFF, code, sqlState, message);
        client.writeAndFlush(err).addListener(ChannelFutureListener.CLOSE);
        cleanup();
    }

    /**
     * Closes once what was written to the client so far has gone out (a reply or the server's last error must not be
     * cut short by the close), without a packet of its own.
     */
    public void flushAndClose() {
        if (state == State.CLOSED || client == null || !client.isActive()) {
            close();
            return;
        }
        state = State.CLOSED;
        dumpStatements(false);
        client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        cleanup();
    }

    public void close() {
        if (client != null) {
            client.close();
        }
        if (state != State.CLOSED) {
            dumpStatements(false);
        }
        cleanup();
    }

    /** dump_last_statements: logs the retained statements when the session ends (on_error: only after an error). */
    private void dumpStatements(boolean error) {
        statements.logAtEnd(id, dump, error);
    }

    private void cleanup() {
        credentials.wipe();
        if (state == State.CLOSED && !routing.started() && !sessionCounted) {
            proxy.registry().remove(this);
            return;
        }
        state = State.CLOSED;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        framer.release();
        routing.release();
        if (sessionCounted) {
            service.sessionClosed();
            sessionCounted = false;
        }
        proxy.registry().remove(this);
    }
}
