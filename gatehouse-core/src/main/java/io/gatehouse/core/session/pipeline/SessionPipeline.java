package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.InternalReply;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.ServiceTarget;
import io.gatehouse.core.session.branch.ChildSessions;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.backend.BackendOwner;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.frame.PacketSequence;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing phase of every session, whatever its router: client commands go through the service's filter chain
 * to the {@link RouterSession}, which drives the session's endpoints (backend connections); replies come back the
 * same way. A connection router is a router session over one endpoint ({@link ConnectionRouterSession}); when no
 * filter needs whole packets its bytes take the zero-copy fast path of {@link StreamingCommands}, chosen per
 * session. When a filter looks at reply packets, what routers send the client goes through {@link ReplyPackets}
 * instead of straight to the channel. Back-pressure, the bound on pipelined commands and the backend pool apply
 * here, so every router gets them. Confined to the session's worker thread; it owns the client bytes it holds until
 * they form a command, and each command until the router takes it.
 */
public final class SessionPipeline implements RouterSessionContext, BackendOwner {
    private static final Logger LOG = LoggerFactory.getLogger(SessionPipeline.class);

    private final ClientSession session;
    private final RouterSession router;
    private final List<BackendConnection> endpoints = new ArrayList<>();
    /** What classifying this session's SQL needs (sql_mode, the versions of its servers), for every command. */
    private final SessionSqlState sqlState = new SessionSqlState(endpoints);
    private final CommandQueue queue;
    private final ChangeUserFanOut changeUser = new ChangeUserFanOut(this);
    private List<FilterSession> filters = List.of();
    /** Each filter's view of the session (its branches, whether it holds commands back), in chain order. */
    private final List<FilterContext> filterContexts = new ArrayList<>();
    /** How many filters hold the client's next commands back now (tee's sync). */
    private int filterHolds;
    /** The zero-copy path of a connection router without packet filters, or null. */
    private StreamingCommands streaming;
    /** The packet-cut reply path, when a filter of the chain looks at reply packets; else null (whole chunks). */
    private ReplyPackets replyPackets;
    private boolean busy;
    private boolean loggedIn;
    private boolean inLocalInfile;
    private BackendConnection lastTarget;
    /** A command a filter holds back (throttling) until its timer routes it, or null. */
    private Command held;
    /** The command whose answer a filter gives later (answerLater), if any. */
    private final DeferredAnswer deferred = new DeferredAnswer(this);
    private boolean clientWritable = true;
    /** The filters' view of the current command's reply: what reached the client, from which connection. */
    private final ReplyWatch replyWatch;
    /** True when the reply watch must follow replies: for filters, or for the statement statistics. */
    private boolean watchReplies;
    /** The connection whose loss the router is being told of, for an error ending its reply; else null. */
    private BackendConnection failing;
    /** Statements filters run themselves before a client command (optimistictrx), with that command meanwhile. */
    private final InternalCommands internal = new InternalCommands(this);
    final ChildSessions children;                  // the router's sessions of services (ChangeUserFanOut reads it)
    /** Connection sharing when the service sets idle_session_pool_time, else null. */
    private final SessionSharing sharing;
    /** What a restart of the session hands this pipeline: its chain, and the connections it may take over. */
    private final PipelineRestart restart = new PipelineRestart(this);

    public SessionPipeline(ClientSession session, RouterSession router) {
        this.session = session;
        this.router = router;
        this.queue = new CommandQueue(session);
        this.replyWatch = new ReplyWatch(session.proxy().statementStats());
        this.children = new ChildSessions(session, () -> router, this::deliver, () -> clientWritable,
                () -> !session.isClosedOrClosing());
        this.children.onWrite(this::wroteTo);
        long idle = SessionSharing.idleNanos(session);
        this.sharing = idle >= 0 ? new SessionSharing(this, session, idle) : null;
    }

    public void start() {
        List<FilterSession> chain = new ArrayList<>();
        for (Filter f : restart.chainOr(session.service().filters())) {
            FilterContext context = new FilterContext(this);
            filterContexts.add(context);
            chain.add(f.newSession(session.clientInfo(), context));
        }
        filters = chain;
        replyPackets = ReplyPackets.of(session.clientChannel(), session.clientCapabilities(), chain);
        watchReplies = !chain.isEmpty() || replyWatch.counting();
        // Retaining statements needs each command whole, so such sessions take the command-by-command path.
        // So does sharing connections, whose endpoints must see each command to re-apply the session's state.
        if (router instanceof ConnectionRouterSession c && !watchReplies && !session.statements().enabled()
                && sharing == null) {
            streaming = new StreamingCommands(session, this, c);
        }
        session.trace().router(session.service().routerName(), router instanceof ConnectionRouterSession,
                session.service().params());
        router.start(this);
        restart.routerStarted();
    }

    /** The one endpoint of a connection router's session (the fast path writes to it), or null. */
    BackendConnection streamEndpoint() {
        return router instanceof ConnectionRouterSession c ? c.endpoint() : null;
    }

    ClientSession session() {
        return session;
    }

    List<FilterSession> filters() {
        return filters;
    }

    // Client side.

    /** Bytes from the client; owned here. */
    public void fromClient(ByteBuf in) {
        if (streaming != null) {
            if (!session.trace().on() || !streaming.canLeave(streamEndpoint())) {
                streaming.fromClient(in);
                return;
            }
            // A trace needs each command whole: the session leaves the fast path for good, between two commands.
            streaming.release();
            streaming = null;
        }
        ByteBuf packet;
        try {
            queue.add(in);
            while ((packet = queue.next(localInfile())) != null) {
                onPacket(packet);
                if (!session.isRouting()) {
                    return;
                }
            }
        } catch (CommandQueue.TooLarge e) {
            session.packetTooLarge(e.sequence(), e.size());
        }
    }

    /** True while the client sends a LOCAL INFILE's contents: from the server's request to the empty packet. */
    private boolean localInfile() {
        if (!inLocalInfile && lastTarget != null && lastTarget.tracker() != null
                && lastTarget.tracker().takeLocalInfileRequest()) {
            inLocalInfile = true;
        }
        return inLocalInfile;
    }

    /** A packet of a LOCAL INFILE's contents, or a whole command; owned here. */
    private void onPacket(ByteBuf command) {
        if (inLocalInfile) {
            // The file's contents go to the server that asked for it; an empty packet ends them.
            if (command.getUnsignedMediumLE(command.readerIndex()) == 0) {
                inLocalInfile = false;
            }
            lastTarget.channel().writeAndFlush(command, lastTarget.channel().voidPromise());
            return;
        }
        if (busy || filterHolds > 0) {
            queue.park(command);
            return;
        }
        dispatch(command);
    }

    private void dispatch(ByteBuf packet) {
        int cmd = packet.readableBytes() > 4 ? packet.getUnsignedByte(packet.readerIndex() + 4) : -1;
        if (cmd < 0) {
            packet.release();
            session.sendErrorAndClose(1, 1835, "08S01", "Malformed packet: command packet length: 0"
                    + " (expected: at least the command byte)");
            return;
        }
        if (cmd == Commands.COM_QUIT) {
            packet.release();
            session.close();
            return;
        }
        KillStatement kill = KillStatement.ofCommand(session, packet, cmd);
        if (kill != null) {                        // KILL of a Gatehouse session id: answered here
            packet.release();
            busy = true;
            KillRunner.answer(session, kill, answer -> {
                session.clientChannel().writeAndFlush(answer);
                commandDone();
            });
            return;
        }
        if (cmd == Commands.COM_CHANGE_USER) {     // every connection logs in again
            busy = true;
            changeUser.start(packet);
            return;
        }
        busy = cmd != Commands.COM_STMT_SEND_LONG_DATA && cmd != Commands.COM_STMT_CLOSE;
        session.service().countQuery();
        if (session.statements().enabled() && (cmd == Commands.COM_QUERY || cmd == Commands.COM_STMT_PREPARE)) {
            session.statements().received(packet.toString(packet.readerIndex() + 5, packet.readableBytes() - 5,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        Command command = new Command(packet, sqlState);
        replyWatch.commandStarts(command);
        session.trace().commandStarts(command);
        if (filters.isEmpty()) {
            router.routeQuery(command);
            return;
        }
        ByteBufAllocator alloc = alloc();
        for (FilterSession f : filters) {
            command.replace(f.rewriteQuery(command, alloc));
        }
        if (busy && deferred.ask(command, alloc)) {  // a filter answers after asking another process (remote cache)
            return;
        }
        answerOrRoute(command, alloc);
    }

    /** The rest of a command's way through the chain: a filter's answer, or its routing hints and the router. */
    void answerOrRoute(Command command, ByteBufAllocator alloc) {
        for (FilterSession f : filters) {
            ByteBuf answer = f.answer(command, alloc);
            if (answer != null) {
                command.packet().release();
                answered(answer);
                return;
            }
        }
        long delay = 0;
        for (FilterSession f : filters) {
            command.attach(f.routeQuery(command));
            delay = Math.max(delay, f.delayNanos(command));
            if (!session.isRouting()) {
                break;                               // the chain was closed with the session
            }
        }
        if (!session.isRouting()) {                  // a filter ended the session (throttlefilter): route nothing
            command.packet().release();
            return;
        }
        if (busy && internal.pending()) {            // a filter runs statements of its own first
            internal.start(command, delay);
            return;
        }
        routeClientCommand(command, delay);
    }

    /** Routes a client command that went through the chain, after {@code delay} nanoseconds when positive. */
    void routeClientCommand(Command command, long delay) {
        if (replyPackets != null && busy) {
            replyPackets.begin(command.command());
        }
        if (delay > 0 && busy) {
            hold(command, delay);
            return;
        }
        router.routeQuery(command);
    }

    /** Routes a statement a filter runs itself (owned here); its reply goes back to {@link #internal}. */
    void routeInternal(ByteBuf packet) {
        router.routeQuery(new Command(packet, sqlState));
    }

    /** Queues a filter's own statement (owned here) for before the client command being dispatched. */
    void runBefore(ByteBuf packet, InternalReply reply) {
        internal.add(packet, reply);
    }

    /** A filter answered the current command in the router's place: {@code reply} (owned) goes to the client. */
    void answered(ByteBuf reply) {
        if (reply.isReadable()) {
            PacketSequence.renumber(reply, 1);
            session.clientChannel().writeAndFlush(reply, session.clientChannel().voidPromise());
        } else {
            reply.release();
        }
        if (busy) {
            commandDone();
        }
    }

    /** Routes a command a filter holds back after {@code nanos} unless the session ends; it stays busy meanwhile. */
    private void hold(Command command, long nanos) {
        held = command;
        io.gatehouse.core.worker.ChannelLoop.schedule(session.clientChannel(), () -> {
            if (held != command) {
                return;                                      // released with the session
            }
            held = null;
            if (!session.isRouting()) {                      // ending, not yet released: drop it unrouted
                command.packet().release();
                return;
            }
            router.routeQuery(command);
            flushBackends();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void commandDone() {
        if (internal.running()) {
            internal.done();
            return;
        }
        busy = false;
        if (sharing != null) {
            sharing.commandDone();
        }
        session.statements().completed();
        session.trace().commandDone(replyWatch.sourceName(), session.service().targets());
        replyWatch.commandDone(filters);
        if (streaming != null) {
            streaming.resume();
            return;
        }
        routeParked();
    }

    private void routeParked() {
        ByteBuf next;
        while (!busy && filterHolds == 0 && session.isRouting() && (next = queue.unpark()) != null) {
            dispatch(next);
        }
    }

    /** A filter starts or stops holding the client's next commands back; the last to stop lets them through. */
    void filterHolds(boolean hold) {
        filterHolds += hold ? 1 : -1;
        if (filterHolds == 0 && !busy && streaming == null) {
            routeParked();
            flushBackends();
        }
    }

    /** Starts a COM_CHANGE_USER the fast path took out of the stream; takes ownership of {@code packet}. */
    void changeUser(ByteBuf packet) {
        busy = true;
        changeUser.start(packet);
    }

    /** One connection finished COM_CHANGE_USER; {@code result} (owned) is its OK or ERR packet. */
    public void changeUserDone(BackendConnection b, ByteBuf result) {
        changeUser.done(b, result);
    }

    /** After every connection logged in again: the router forgets the old user's session state. */
    void sessionReset() {
        sqlState.reset();
        if (sharing != null) {
            sharing.sessionReset();
        }
        replyWatch.sessionReset();
        for (FilterSession f : filters) {
            f.sessionReset();
        }
        router.sessionReset();
    }

    /** The connections with a statement running, for KILL QUERY. */
    public List<BackendConnection> busyEndpoints() {
        List<BackendConnection> out = new ArrayList<>(endpoints.stream().filter(BackendConnection::isBusy).toList());
        children.busyConnections(out);                       // a service target's own connections too
        return out;
    }

    /** Every backend connection of the session, open or opening. */
    public List<BackendConnection> endpoints() {
        return Collections.unmodifiableList(endpoints);
    }

    public void wroteTo(BackendConnection b) {
        lastTarget = b;
    }

    public void flushBackends() {
        for (int i = 0; i < endpoints.size(); i++) {
            endpoints.get(i).flush();
        }
    }

    // Back-pressure: backends are read only while the client keeps up, the client only while every backend does.

    public void clientWritable(boolean writable) {
        clientWritable = writable;
        for (int i = 0; i < endpoints.size(); i++) {
            endpoints.get(i).readWhileClientKeepsUp(writable);
        }
        children.clientWritable(writable);
    }

    public boolean clientWritable() {
        return clientWritable;
    }

    public void backendWritabilityChanged() {
        boolean full = false;
        for (int i = 0; i < endpoints.size(); i++) {
            full |= !endpoints.get(i).isWritable();
        }
        session.blockReads(ClientSession.BACKEND_FULL, full);
    }

    // Backend side.

    public void fromBackend(BackendConnection b, ByteBuf buf, Reply reply) {
        if (streaming != null) {
            b.server().packetRouted();
            session.clientChannel().write(buf, session.clientChannel().voidPromise());
            return;
        }
        if (b.face() instanceof SharedEndpoint s) {
            if (s.restoring()) {
                s.restoreReply(buf, reply);            // a reply to re-applied state: the router never sees it
                return;
            }
            deliver(s, buf, s.passing(buf, reply));
            return;
        }
        deliver(b, buf, reply);
    }

    /** Reply bytes of a backend connection or of a child session (owned by the router from here). */
    private void deliver(Endpoint from, ByteBuf buf, Reply reply) {
        // Watched even without filters: a connection lost mid-reply must know whether its bytes reached the client.
        replyWatch.delivering(from, reply);
        try {
            router.clientReply(from, buf, reply);
        } finally {
            replyWatch.delivered();
        }
    }

    public void backendReadComplete() {
        session.clientChannel().flush();
        if (streaming != null) {
            streaming.afterBackendRead();
        }
    }

    public void endpointReady(BackendConnection b, ByteBuf ok) {
        if (b.face() instanceof SharedEndpoint s && s.restoring()) {
            s.connected(ok);                           // a connection taken again: the router knew it as ready
            session.publish();
            return;
        }
        router.endpointReady(b.face(), ok);
        if (session.isRouting()) {
            session.publish();
        }
    }

    /** A connection its router (or the session) closed has gone: forget it, so it holds no client read back. */
    public void endpointGone(BackendConnection b) {
        if (endpoints.remove(b) && session.isRouting()) {
            session.publish();
            backendWritabilityChanged();
        }
    }

    public void endpointClosed(BackendConnection b, int code, String sqlState, String message) {
        if (!endpoints.remove(b)) {
            return;                                   // dropped already (its socket failed to open afterwards)
        }
        if (session.isRouting()) {
            session.publish();
        }
        changeUser.lost(b, code, sqlState, message);
        if (session.isClosedOrClosing()) {
            return;
        }
        if (b.face() instanceof SharedEndpoint s) {
            if (!s.lost(b)) {
                return;                               // not the endpoint's connection any more
            }
            sharing.forget(s);
        }
        failing = b;
        try {
            router.endpointFailed(b.face(), code, sqlState, message);
        } finally {
            failing = null;
        }
        backendWritabilityChanged();
    }

    // RouterSessionContext.

    @Override
    public SessionSqlState sqlState() {
        return sqlState;
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
    public void schedule(Runnable task, long delayMillis) {
        io.gatehouse.core.worker.ChannelLoop.schedule(session.clientChannel(), () -> {
            if (session.isRouting()) {
                task.run();
                session.clientChannel().flush();
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Endpoint connectWithoutDatabase(ServerView server) {
        return open(server, false);
    }

    private Endpoint open(ServerView server, boolean withDatabase) {
        if (server instanceof ServiceTarget service) {
            return children.open(service, withDatabase);
        }
        if (sharing != null) {
            return sharing.open((Server) server, withDatabase);
        }
        return openConnection((Server) server, withDatabase);
    }

    /** A backend connection of the session to {@code server}, pooled or new, logging in. */
    BackendConnection openConnection(Server server, boolean withDatabase) {
        BackendConnection b = restart.take(server);
        if (b == null) {
            b = session.openBackend(server, this, withDatabase);
        }
        endpoints.add(b);
        return b;
    }

    /** The restart side of this pipeline: the chain it was given, the connections it takes over, when it is quiet. */
    public PipelineRestart restart() {
        return restart;
    }

    /** The ready connections, taken out of this pipeline for the one replacing it (see {@link PipelineRestart}). */
    List<BackendConnection> handOverEndpoints() {
        List<BackendConnection> out = new ArrayList<>(endpoints);
        endpoints.clear();
        lastTarget = null;
        return out;
    }

    /** True when nothing of a command is under way, on the fast path or the command-by-command one. */
    boolean idleForRestart() {
        List<BackendConnection> childBusy = new ArrayList<>();
        children.busyConnections(childBusy);
        return loggedIn && sharing == null && childBusy.isEmpty()
                && (streaming != null ? streaming.canLeave(streamEndpoint()) : betweenCommands());
    }

    /** A connection sharing gave back: it is no longer the session's. */
    void forgetConnection(BackendConnection b) {
        endpoints.remove(b);
        if (lastTarget == b) {
            lastTarget = null;                       // another session may take it, with its own LOCAL INFILE
        }
    }

    /** True between commands: none under way or waiting, no file being sent, no change of user. */
    boolean betweenCommands() {
        return !busy && queue.isEmpty() && !inLocalInfile && !changeUser.underWay() && held == null
                && !internal.running() && filterHolds == 0;
    }

    /**
     * True when the session may move to another worker now: logged in, between commands, no reply or answer under
     * way, no branch or child session, no connection still logging in or holding a reply; {@code SessionMoves}.
     */
    public boolean movable() {
        if (!loggedIn || !betweenCommands() || internal.pending() || children.any() || failing != null
                || !clientWritable || (replyPackets != null && replyPackets.inReply())
                || (streaming != null && !streaming.canLeave(streamEndpoint()))) {
            return false;
        }
        for (BackendConnection b : endpoints) {
            if (!b.isReady() || b.isBusy()) {
                return false;
            }
        }
        return true;
    }

    /** True while the client sends a LOCAL INFILE's contents. */
    boolean sendingFile() {
        return inLocalInfile;
    }

    /** The session's connection sharing (idle_session_pool_time), or null when it does not share. */
    SessionSharing sharing() {
        return sharing;
    }

    /** Why the session keeps its connections (PinReason labels), and whether it holds none; null without sharing. */
    public SharingView sharingView() {
        return sharing == null ? null : new SharingView(io.gatehouse.core.session.PinReason.labels(
                sharing.lastReasons()), sharing.allReleased());
    }

    /** What the admin API shows of a session's sharing: its pin reasons now, and whether it holds no connection. */
    public record SharingView(List<String> pinnedBy, boolean released) {
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
        if (internal.running()) {
            internal.reply(buf);
            return;
        }
        replyWatch.toClient(buf.readableBytes());
        if (replyPackets != null) {
            replyPackets.toClient(buf);
            return;
        }
        session.clientChannel().write(buf, session.clientChannel().voidPromise());
    }

    @Override
    public void clientError(int sequence, int code, String sqlState, String message) {
        if (internal.running()) {
            internal.reply(ErrPacket.write(alloc(), sequence, code, sqlState, message));
            return;
        }
        if (replyPackets != null && replyPackets.inReply()) {
            // The error ends the current reply: the filters see it, and it is numbered after what they passed on.
            replyPackets.toClient(ErrPacket.write(alloc(), sequence, code, sqlState, message));
            session.clientChannel().flush();
            return;
        }
        session.clientChannel().writeAndFlush(ErrPacket.write(alloc(), sequence, code, sqlState, message));
    }

    @Override
    public void loginDone(ByteBuf okPacket) {
        if (loggedIn) {
            okPacket.release();
            return;
        }
        loggedIn = true;
        session.statementLoginDone(okPacket);
        if (sharing != null) {
            sharing.commandDone();                  // a session that only logs in is idle from then on
        }
    }

    @Override
    public void fail(int code, String sqlState, String message) {
        int midReply = loggedIn ? replyWatch.errorSequence(failing, streaming != null) : -1;
        if (midReply >= 0) {
            // Whole packets of the lost connection's reply reached the client: an error numbered after them ends
            // it, so the client reads a well-formed reply that says what happened (never a cut or a bad number).
            LOG.warn("{}: session {} ends: {}", session.service().name(), session.id(), message);
            LostReplyError.send(session, replyPackets, midReply, code, sqlState, message);
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
        failWithSequence(loggedIn ? 1 : session.nextSequence(), code, sqlState, message);
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

    boolean loggedIn() {
        return loggedIn;
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

    /**
     * The session ends: frees what it holds, and gives each backend connection back to the pool when nothing of the
     * session is left on it (no command under way, no open transaction), or closes it.
     */
    public void release() {
        if (sharing != null) {
            sharing.release();
        }
        boolean between = !busy && queue.isEmpty() && !inLocalInfile && !changeUser.underWay()
                && (streaming == null || streaming.idle());
        if (held != null) {
            held.packet().release();
            held = null;
        }
        deferred.release();
        changeUser.release();
        internal.release();
        queue.release();
        if (streaming != null) {
            streaming.release();
        }
        if (replyPackets != null) {
            replyPackets.release();
        }
        router.close();
        children.closeAll();
        for (FilterSession f : filters) {
            f.close();
        }
        filters = List.of();
        for (FilterContext c : filterContexts) {
            c.release();
        }
        for (BackendConnection b : new ArrayList<>(endpoints)) {
            if (!(between && b.poolable() && session.proxy().pool().offer(b, session.clientCapabilities()))) {
                b.quit();
            }
        }
        endpoints.clear();
    }
}
