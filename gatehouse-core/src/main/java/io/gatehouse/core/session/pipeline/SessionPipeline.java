package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.InternalReply;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.PinReason;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.branch.ChildSessions;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.frame.PacketSequence;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The routing phase of every session, whatever its router: it takes the client's bytes, cuts them into commands and
 * keeps their order (one under way, the rest parked, LOCAL INFILE contents, KILL, COM_CHANGE_USER), and sends each
 * through the service's {@link FilterChain} to the {@link RouterSession}. The router sees the session through
 * {@link SessionRouterContext}; backend connections report to {@link SessionBackends}. A connection router is a
 * router session over one endpoint ({@link ConnectionRouterSession}); when no filter needs whole packets its bytes
 * take the zero-copy fast path of {@link StreamingCommands}, chosen per session. When a filter looks at reply
 * packets, what routers send the client goes through {@link ReplyPackets}. Confined to the session's worker thread;
 * it owns the client bytes it holds until they form a command, and each command until the router takes it.
 */
public final class SessionPipeline {
    private final ClientSession session;
    private final RouterSession router;
    private final SessionRouterContext context;
    private final SessionBackends backends;
    /** What classifying this session's SQL needs (sql_mode, the versions of its servers), for every command. */
    private final SessionSqlState sqlState;
    private final CommandQueue queue;
    private final ChangeUserFanOut changeUser = new ChangeUserFanOut(this);
    private final FilterChain filters = new FilterChain();
    /** The zero-copy path of a connection router without packet filters, or null. */
    private StreamingCommands streaming;
    /** The packet-cut reply path, when a filter of the chain looks at reply packets; else null (whole chunks). */
    private ReplyPackets replyPackets;
    private boolean busy;
    private boolean inLocalInfile;
    /** A command a filter holds back (throttling) until its timer routes it, or null. */
    private Command held;
    /** The command whose answer a filter gives later (answerLater), if any. */
    private final DeferredAnswer deferred = new DeferredAnswer(this);
    /** The filters' view of the current command's reply: what reached the client, from which connection. */
    private final ReplyWatch replyWatch;
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
        this.context = new SessionRouterContext(this, session);
        this.backends = new SessionBackends(this, session, router, replyWatch);
        this.sqlState = new SessionSqlState(backends.live());
        this.children = new ChildSessions(session, () -> router, backends::deliver, backends::clientWritable,
                () -> !session.isClosedOrClosing());
        this.children.onWrite(backends::wroteTo);
        long idle = SessionSharing.idleNanos(session);
        this.sharing = idle >= 0 ? new SessionSharing(this, session, idle) : null;
    }

    /**
     * Adds the bytes this pipeline holds to {@code m}: client bytes not yet routed, each backend connection's
     * unsent and held-back bytes, the session state kept for connection sharing and the prepared-statement texts
     * kept for the statistics. Worker thread.
     */
    public void measure(io.gatehouse.core.session.SessionMemory m) {
        m.clientReadq(queue.bufferedBytes());
        m.execMetadata(replyWatch.preparedBytes());
        if (sharing != null) {
            m.sescmdHistory(sharing.historyBytes());
        }
        for (BackendConnection b : backends.all()) {
            m.backend(b.server().name(), b.bufferedBytes(), b.pendingWriteBytes());
        }
    }

    public void start() {
        filters.start(this, session, restart.chainOr(session.service().filters()));
        replyPackets = ReplyPackets.of(session.clientChannel(), session.clientCapabilities(), filters.sessions());
        // True when the reply watch must follow replies: for filters, or for the statement statistics.
        boolean watchReplies = !filters.isEmpty() || replyWatch.counting();
        // Retaining statements needs each command whole, so such sessions take the command-by-command path.
        // So does sharing connections, whose endpoints must see each command to re-apply the session's state.
        if (router instanceof ConnectionRouterSession c && !watchReplies && !session.statements().enabled()
                && sharing == null) {
            streaming = new StreamingCommands(session, this, c);
        }
        session.trace().router(session.service().routerName(), router instanceof ConnectionRouterSession,
                session.service().params());
        router.start(context);
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
        return filters.sessions();
    }

    SessionRouterContext context() {
        return context;
    }

    SessionSqlState sqlState() {
        return sqlState;
    }

    ReplyWatch replyWatch() {
        return replyWatch;
    }

    /** The packet-cut reply path, or null when replies go to the client in whole chunks. */
    ReplyPackets replyPackets() {
        return replyPackets;
    }

    InternalCommands internal() {
        return internal;
    }

    ChangeUserFanOut changeUser() {
        return changeUser;
    }

    /** True while the session is on the zero-copy fast path. */
    boolean streaming() {
        return streaming != null;
    }

    /** The connection whose loss the router is being told of now, or null. */
    BackendConnection failingConnection() {
        return backends.failing();
    }

    ByteBufAllocator alloc() {
        return session.clientChannel().alloc();
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
        BackendConnection lastTarget = backends.lastTarget();
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
            BackendConnection lastTarget = backends.lastTarget();
            lastTarget.channel().writeAndFlush(command, lastTarget.channel().voidPromise());
            return;
        }
        if (busy || filters.holding()) {
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
                    StandardCharsets.UTF_8));
        }
        Command command = new Command(packet, sqlState);
        replyWatch.commandStarts(command);
        session.trace().commandStarts(command);
        if (filters.isEmpty()) {
            router.routeQuery(command);
            return;
        }
        ByteBufAllocator alloc = alloc();
        filters.rewrite(command, alloc);
        if (busy && deferred.ask(command, alloc)) {  // a filter answers after asking another process (remote cache)
            return;
        }
        answerOrRoute(command, alloc);
    }

    /** The rest of a command's way through the chain: a filter's answer, or its routing hints and the router. */
    void answerOrRoute(Command command, ByteBufAllocator alloc) {
        ByteBuf answer = filters.answer(command, alloc);
        if (answer != null) {
            command.packet().release();
            answered(answer);
            return;
        }
        long delay = filters.route(command, session);
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

    /** The current command's reply ended (or a filter's own statement's): the next command may go. */
    void commandDone() {
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
        replyWatch.commandDone(filters.sessions());
        if (streaming != null) {
            streaming.resume();
            return;
        }
        routeParked();
    }

    private void routeParked() {
        ByteBuf next;
        while (!busy && !filters.holding() && session.isRouting() && (next = queue.unpark()) != null) {
            dispatch(next);
        }
    }

    /** A filter starts or stops holding the client's next commands back; the last to stop lets them through. */
    void filterHolds(boolean hold) {
        if (filters.hold(hold) && !busy && streaming == null) {
            routeParked();
            flushBackends();
        }
    }

    /** Starts a COM_CHANGE_USER the fast path took out of the stream; takes ownership of {@code packet}. */
    void changeUser(ByteBuf packet) {
        busy = true;
        changeUser.start(packet);
    }

    /** After every connection logged in again: the router forgets the old user's session state. */
    void sessionReset() {
        sqlState.reset();
        if (sharing != null) {
            sharing.sessionReset();
        }
        replyWatch.sessionReset();
        filters.sessionReset();
        router.sessionReset();
    }

    /** After a batch of backend reads: the fast path may read the client again. */
    void afterBackendRead() {
        if (streaming != null) {
            streaming.afterBackendRead();
        }
    }

    // Backends: the session's connections live in SessionBackends.

    /** The connections with a statement running, for KILL QUERY. */
    public List<BackendConnection> busyEndpoints() {
        return backends.busy();
    }

    /** Every backend connection of the session, open or opening. */
    public List<BackendConnection> endpoints() {
        return backends.all();
    }

    public void flushBackends() {
        backends.flush();
    }

    /** The client's channel became writable or not: backends are read only while it keeps up. */
    public void clientWritable(boolean writable) {
        backends.clientWritable(writable);
    }

    /** A backend connection of the session to {@code server}, pooled or new, logging in. */
    BackendConnection openConnection(Server server, boolean withDatabase) {
        BackendConnection b = restart.take(server);
        return b != null ? b : backends.open(server, withDatabase);
    }

    /** The restart side of this pipeline: the chain it was given, the connections it takes over, when it is quiet. */
    public PipelineRestart restart() {
        return restart;
    }

    /** The ready connections, taken out of this pipeline for the one replacing it (see {@link PipelineRestart}). */
    List<BackendConnection> handOverEndpoints() {
        return backends.handOver();
    }

    /** The side of the pipeline its backend connections report to (a taken-over connection is routed through it). */
    SessionBackends backends() {
        return backends;
    }

    /** Whether the client's channel keeps up (taken-over connections are read only while it does). */
    boolean clientWritable() {
        return backends.clientWritable();
    }

    /** A taken-over connection is ready for the new router, with {@code ok} as its login answer. */
    void endpointReady(BackendConnection b, ByteBuf ok) {
        backends.endpointReady(b, ok);
    }

    /** True when nothing of a command is under way, on the fast path or the command-by-command one. */
    boolean idleForRestart() {
        List<BackendConnection> childBusy = new ArrayList<>();
        children.busyConnections(childBusy);
        return context.loggedIn() && sharing == null && childBusy.isEmpty()
                && (streaming != null ? streaming.canLeave(streamEndpoint()) : betweenCommands());
    }

    /** A connection sharing gave back: it is no longer the session's. */
    void forgetConnection(BackendConnection b) {
        backends.forget(b);
    }

    /** True between commands: none under way or waiting, no file being sent, no change of user. */
    boolean betweenCommands() {
        return !busy && queue.isEmpty() && !inLocalInfile && !changeUser.underWay() && held == null
                && !internal.running() && !filters.holding();
    }

    /**
     * True when the session may move to another worker now: logged in, between commands, no reply or answer under
     * way, no branch or child session, no connection still logging in or holding a reply; {@code SessionMoves}.
     * A filter's branch (tee) keeps the session where it is for as long as the branch holds connections: they are
     * not among the channels a move takes along, so they would stay on the old worker.
     */
    public boolean movable() {
        if (!context.loggedIn() || !betweenCommands() || internal.pending() || children.any() || filters.holdsBranch()
                || backends.failing() != null || !backends.clientWritable()
                || (replyPackets != null && replyPackets.inReply())
                || (streaming != null && !streaming.canLeave(streamEndpoint()))) {
            return false;
        }
        for (BackendConnection b : backends.all()) {
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
        return sharing == null ? null : new SharingView(PinReason.labels(sharing.lastReasons()),
                sharing.allReleased());
    }

    /** What the admin API shows of a session's sharing: its pin reasons now, and whether it holds no connection. */
    public record SharingView(List<String> pinnedBy, boolean released) {
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
        filters.close();
        backends.release(between);
    }
}
