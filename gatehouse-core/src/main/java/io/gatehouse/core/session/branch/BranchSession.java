package io.gatehouse.core.session.branch;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.Branch;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.backend.BackendOwner;
import io.gatehouse.core.worker.ChannelLoop;
import io.gatehouse.protocol.Commands;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A filter's second session towards a server or a service (tee's branch target): a router session (the target
 * service's own, or one connection to the server) over backend connections logged in as the client, fed with copies
 * of the client's commands, one at a time in order; every reply byte is released here and never reaches the client.
 * A service target's filters run in the branch too ({@link ChildFilters}), as in that service's own sessions.
 * Confined to the client session's worker thread (its connections are registered on the client's event loop); it
 * owns the copies it queues and every buffer its connections and router hand it.
 *
 * <p>Credentials: the branch's connections log in exactly as the router's own do, with the client's user, database
 * and the SHA1(password) recovered when Gatehouse checked the client's scramble against the main service's user
 * accounts (ClientLogin/LoginCheck); the branch target's server checks that login again itself.
 */
public final class BranchSession implements Branch, RouterSessionContext, BackendOwner {
    private static final Logger LOG = LoggerFactory.getLogger(BranchSession.class);
    /** How long a closed branch may take to run the copies it still holds. */
    static final long DRAIN_SECONDS = 30;

    private final ClientSession session;
    private final String target;
    private final Server server;
    private final Service service;
    private final Branch.Listener listener;
    private final ClientInfo client;
    private final List<BackendConnection> endpoints = new ArrayList<>();
    /** Child sessions of services the target's router connected to (a service over services). */
    private final ChildSessions children;
    private final RouterTimer timer;
    private final SessionSqlState sqlState = new SessionSqlState(endpoints);
    /** Copies waiting for the branch to log in or finish the one before. */
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private RouterSession router;
    /** The target service's filter chain, or null (a server target, or a service without filters). */
    private ChildFilters filters;
    /** The kind of the copy under way (what a filter's own answer to it completes). */
    private int currentCommand;
    /** The endpoint whose reply bytes the router is being handed now, or null. */
    private Endpoint deliveringFrom;
    private boolean open = true;
    private boolean loggedIn;
    /** A copy with a reply to come is under way. */
    private boolean busy;
    private boolean pumping;
    /** Inside {@code router.start}: a failure there reaches the listener after {@link #open} returned. */
    private boolean starting;
    private Reply lastReply;
    /** The reply whose bytes the router passed on as its answer to the current copy, or null. */
    private Reply passedOn;
    /** The reply completed by the bytes the router is being handed now, or null. */
    private Reply delivering;
    /** Closed by its filter or session with copies still to run: it finishes them, then closes. */
    private boolean draining;

    private BranchSession(ClientSession session, String target, Server server, Service service,
                          Branch.Listener listener) {
        this.session = session;
        this.target = target;
        this.server = server;
        this.service = service;
        this.listener = listener;
        ClientInfo c = session.clientInfo();
        this.client = service == null ? c : new ClientInfo(c.sessionId(), c.user(), c.remote(), c.database(),
                service.name());
        this.children = new ChildSessions(session, () -> router, this::fromEndpoint, () -> true, () -> open);
        this.timer = new RouterTimer(session, () -> open);
    }

    /**
     * Opens a branch of {@code session} towards {@code target} (a server name, else a service name) and starts its
     * login; failures after this call reach {@code listener}.
     *
     * @throws IllegalArgumentException when nothing has that name
     */
    public static BranchSession open(ClientSession session, String target, Branch.Listener listener) {
        Server server = session.proxy().branchTargets().server(target);
        Service service = server != null ? null : session.proxy().branchTargets().service(target);
        if (server == null && service == null) {
            throw new IllegalArgumentException("no server or service named '" + target + "'");
        }
        BranchSession b = new BranchSession(session, target, server, service, listener);
        b.start();
        return b;
    }

    private void start() {
        if (server != null) {
            router = new OneServerRouterSession(() -> server, target);
        } else {
            RouterSession rs = service.router().newSession(client);
            router = rs != null ? rs : new OneServerRouterSession(() -> service.router().selectBackend(client), target);
            filters = ChildFilters.of(session, service, client, router, sqlState, new FilterHost());
        }
        starting = true;
        try {
            router.start(this);
        } finally {
            starting = false;
        }
    }

    // Branch.

    @Override
    public String target() {
        return target;
    }

    @Override
    public boolean isOpen() {
        return open && !draining;
    }

    /**
     * True until the branch shut down: open, or closed by its filter and still draining its copies; its connections
     * are on the client session's worker meanwhile.
     */
    public boolean holdsConnections() {
        return open;
    }

    @Override
    public boolean send(Command command) {
        if (!open || draining) {
            return false;
        }
        ByteBuf packet = command.packet();
        int size = packet.readableBytes();
        // Bounded like a session's own parked commands; one copy always fits, however large.
        if (!waiting.isEmpty() && waitingBytes + size > session.proxy().writeqHighWater()) {
            failBranch("it fell more than writeq_high_water (" + session.proxy().writeqHighWater()
                    + " bytes) of statements behind the client");
            return false;
        }
        ByteBuf copy = alloc().buffer(size).writeBytes(packet, packet.readerIndex(), size);
        waiting.addLast(copy);
        waitingBytes += size;
        pump();
        return !Commands.hasNoReply(command.command());
    }

    /** Hands waiting copies to the router while the branch is logged in and idle; re-entrant calls return at once. */
    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            ByteBuf next;
            while (open && loggedIn && !busy && (filters == null || !filters.holding())
                    && (next = waiting.pollFirst()) != null) {
                waitingBytes -= next.readableBytes();
                boolean answered = !Commands.hasNoReply(Command.commandOf(next));
                if (!listener.sending(next)) {
                    next.release();
                    if (answered && !draining) {
                        listener.replied(null);
                    }
                    continue;
                }
                Command copy = new Command(next, sqlState);
                busy = answered;
                currentCommand = copy.command();
                lastReply = null;
                passedOn = null;
                if (service != null) {
                    service.countQuery();
                }
                LOG.debug("branch of session {} to '{}': command {}", session.id(), target, copy.command());
                if (filters != null) {
                    filters.dispatch(copy, answered);       // the target service's filters first, as for its own
                } else {
                    router.routeQuery(copy);
                }
            }
        } finally {
            pumping = false;
        }
        if (draining && open && !busy && waiting.isEmpty()) {
            shutDown();
        }
    }

    /**
     * Closes the branch. Copies already sent still run first (each write the client made reaches the branch too,
     * even when the client disconnects right after it), for at most {@link #DRAIN_SECONDS}; then its connections
     * close. The filter hears nothing more either way.
     */
    @Override
    public void close() {
        if (!open || draining) {
            return;
        }
        if (!busy && waiting.isEmpty()) {
            shutDown();
            return;
        }
        draining = true;
        ChannelLoop.schedule(session.clientChannel(), () -> {
            if (open) {
                LOG.warn("{}: branch of session {} to '{}' closed with {} statements not run: they took over {}s",
                        session.service().name(), session.id(), target, waiting.size() + (busy ? 1 : 0),
                        DRAIN_SECONDS);
                shutDown();
            }
        }, DRAIN_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Closes the branch after a failure and tells the filter; the client's session goes on. */
    private void failBranch(String why) {
        if (!open) {
            return;
        }
        LOG.warn("{}: branch of session {} to '{}' closed: {}", session.service().name(), session.id(), target, why);
        boolean tell = !draining;
        shutDown();
        if (tell) {
            listener.failed(why);
        }
    }

    private void shutDown() {
        open = false;
        ByteBuf b;
        while ((b = waiting.pollFirst()) != null) {
            b.release();
        }
        waitingBytes = 0;
        if (router != null) {
            router.close();
        }
        for (BackendConnection c : new ArrayList<>(endpoints)) {
            c.quit();
        }
        endpoints.clear();
        children.closeAll();
        if (filters != null) {
            filters.close();
        }
    }

    // RouterSessionContext: what the target's router session sees.

    @Override
    public List<ServerView> targets() {
        return server != null ? List.of(server) : service.routingTargets();
    }

    @Override
    public Endpoint connect(ServerView to) {
        return connect(to, true);
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        timer.schedule(task, delayMillis);
    }

    @Override
    public Endpoint connectWithoutDatabase(ServerView to) {
        return connect(to, false);
    }

    private Endpoint connect(ServerView to, boolean withDatabase) {
        if (to instanceof io.gatehouse.core.service.ServiceTarget st) {
            return children.open(st, withDatabase);
        }
        BackendConnection b = session.openBackend((Server) to, this, withDatabase);
        endpoints.add(b);
        return b;
    }

    @Override
    public void clientWrite(ByteBuf buf) {
        if (delivering != null && (filters == null || !filters.internalRunning())) {
            passedOn = delivering;                      // what the client would have got: the router's answer
        }
        if (filters != null && open) {
            // Back through the target's filters (which may count or log it), then dropped in FilterHost.emit.
            filters.reply(buf, deliveringFrom == null ? null : deliveringFrom.server().name());
            return;
        }
        buf.release();                                  // the branch's replies never reach the client
    }

    @Override
    public void clientError(int sequence, int code, String sqlState, String message) {
        LOG.debug("{}: branch of session {} to '{}' answered an error: {}", session.service().name(), session.id(),
                target, message);
    }

    @Override
    public void commandDone() {
        if (!open) {
            return;
        }
        if (filters != null && filters.internalRunning()) {
            // A statement of a filter's own finished: its reply was the filter's, not the copy's.
            lastReply = null;
            passedOn = null;
            filters.internalDone();
            return;
        }
        LOG.debug("branch of session {} to '{}': reply done", session.id(), target);
        Reply r = passedOn != null ? passedOn : lastReply;
        if (filters != null) {
            filters.replied(r);
        }
        finish(r);
    }

    /** The current copy's reply is complete ({@code r}, or null): the filter hears of it and the next copy may go. */
    private void finish(Reply r) {
        busy = false;
        lastReply = null;
        passedOn = null;
        if (!draining) {
            listener.replied(r);
        }
        pump();
    }

    @Override
    public void loginDone(ByteBuf okPacket) {
        okPacket.release();
        if (!loggedIn && open) {
            LOG.debug("branch of session {} to '{}': logged in", session.id(), target);
            loggedIn = true;
            pump();
        }
    }

    @Override
    public void fail(int code, String sqlState, String message) {
        if (starting && open) {
            // Failed as it started (no server to take it): the filter hears it once its own call has returned.
            LOG.warn("{}: branch of session {} to '{}' closed: {}", session.service().name(), session.id(), target,
                    message);
            shutDown();
            ChannelLoop.later(session.clientChannel(), () -> listener.failed(message));
            return;
        }
        failBranch(message);
    }

    @Override
    public void closeQuietly() {
        failBranch("its connection was closed");
    }

    @Override
    public ByteBufAllocator alloc() {
        return session.clientChannel().alloc();
    }

    @Override
    public ClientInfo client() {
        return client;
    }

    @Override
    public long clientCapabilities() {
        return session.clientCapabilities();
    }

    @Override
    public SessionSqlState sqlState() {
        return sqlState;
    }

    // BackendOwner: what the branch's connections report.

    @Override
    public boolean clientWritable() {
        return true;                                    // replies are discarded as they come: always read
    }

    @Override
    public void fromBackend(BackendConnection b, ByteBuf buf, Reply reply) {
        fromEndpoint(b, buf, reply);
    }

    private void fromEndpoint(Endpoint b, ByteBuf buf, Reply reply) {
        if (!open) {
            buf.release();
            return;
        }
        if (reply != null) {
            lastReply = reply;
        }
        delivering = reply;
        deliveringFrom = b;
        try {
            router.clientReply(b, buf, reply);
        } finally {
            delivering = null;
            deliveringFrom = null;
        }
    }

    @Override
    public void backendReadComplete() {
    }

    @Override
    public void backendWritabilityChanged() {
    }

    @Override
    public void endpointReady(BackendConnection b, ByteBuf ok) {
        if (!open) {
            ok.release();
            return;
        }
        router.endpointReady(b, ok);
    }

    @Override
    public void changeUserDone(BackendConnection b, ByteBuf result) {
        result.release();                               // a branch never sends COM_CHANGE_USER
    }

    @Override
    public void endpointGone(BackendConnection b) {
        endpoints.remove(b);
    }

    @Override
    public void endpointClosed(BackendConnection b, int code, String sqlState, String message) {
        if (endpoints.remove(b) && open) {
            router.endpointFailed(b, code, sqlState, message);
        }
    }

    @Override
    public void wroteTo(BackendConnection b) {
    }

    /** What the target service's filter chain asks of the branch. */
    private final class FilterHost implements ChildFilters.Host {
        @Override
        public void answered(ByteBuf reply) {
            if (!busy || !reply.isReadable()) {
                reply.release();                          // a command without a reply, swallowed
                return;
            }
            Reply r = ChildFilters.answerReply(reply, currentCommand, session.clientCapabilities());
            reply.release();                              // a branch's answers never reach the client
            finish(r);
        }

        @Override
        public void emit(ByteBuf bytes) {
            bytes.release();
        }

        @Override
        public void resume() {
            pump();
        }

        @Override
        public boolean closed() {
            return !open;
        }

        /** A filter of the target ends the branch only: the client's own session goes on. */
        @Override
        public void closeSession(int code, String sqlState, String message) {
            failBranch(message);
        }

        @Override
        public boolean endsWithClient() {
            return false;                                 // a closed branch still runs the copies it was given
        }
    }
}
