package io.gatehouse.core.session.branch;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.service.ServiceTarget;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.session.backend.BackendOwner;
import io.gatehouse.core.worker.ChannelLoop;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.ErrPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router's connection to a service (a service named in {@code targets=}): a child session of that service inside
 * the client's session, with the service's own router session over its own backend connections, fed the commands the
 * parent router writes, one at a time, and handing its answers back to the parent as a backend connection would.
 * Confined to the client session's worker thread (its connections live on the client's event loop); it owns the
 * commands it queues, and each reply chunk from its router's {@code clientWrite} until it hands it to its owner.
 *
 * <p>The child logs in as the client, as a tee branch does (see {@link BranchSession} for the credentials). The last
 * chunk its router writes for a command is held until the router says the command is done, so that it carries the
 * completed {@link Reply} to the parent. The target service's filters run in the child session ({@link ChildFilters}):
 * commands pass through them before its router, replies after it.
 */
public final class ServiceEndpoint implements Endpoint, RouterSessionContext, BackendOwner, ServiceEndpointOwner {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceEndpoint.class);

    private final ClientSession session;
    private final ServiceTarget target;
    private final Service service;
    private final ServiceEndpointOwner owner;
    private final boolean withDatabase;
    private final ClientInfo client;
    private final RouterTimer timer;
    private final List<BackendConnection> connections = new ArrayList<>();
    private final List<ServiceEndpoint> children = new ArrayList<>();
    /** Every open connection, backend or child, for the classifier's view of server versions. */
    private final List<Endpoint> all = new ArrayList<>();
    private final SessionSqlState sqlState = new SessionSqlState(all);
    /** Commands written while the child was logging in or busy, in order. */
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private RouterSession router;
    /** The target service's filter chain, or null when it has none. */
    private ChildFilters filters;
    /** The endpoint whose reply bytes the router is being handed now, or null. */
    private Endpoint deliveringFrom;
    private boolean ready;
    private boolean closed;
    private boolean starting;
    /** The COM_CHANGE_USER under way, or null. */
    private ChildChangeUser changing;
    /** True once the child took a session slot of its service ({@code max_connections}). */
    private boolean counted;
    /** A command with a reply to come is with the child's router. */
    private boolean busy;
    private int currentCommand;
    /** Bytes of the current command's reply were held or passed on (a LOCAL INFILE request can only come first). */
    private boolean replyBegun;
    /** The last chunk the router wrote for the current command, held to carry the reply. */
    private ByteBuf held;
    /** The reply completed by the bytes the router is handed now, or null. */
    private Reply delivering;
    /** The reply the router passed on for the current command (or the error it answered itself). */
    private Reply passedOn;

    private ServiceEndpoint(ClientSession session, ServiceTarget target, Service service, ServiceEndpointOwner owner,
                            boolean withDatabase) {
        this.session = session;
        this.target = target;
        this.service = service;
        this.owner = owner;
        this.withDatabase = withDatabase;
        ClientInfo c = session.clientInfo();
        this.client = new ClientInfo(c.sessionId(), c.user(), c.remote(), withDatabase ? c.database() : null,
                service.name());
        this.timer = new RouterTimer(session, () -> !closed);
    }

    /**
     * Opens a child session of {@code target}'s service for {@code owner} and starts its login; the outcome arrives
     * through the owner ({@link ServiceEndpointOwner#childReady} or {@link ServiceEndpointOwner#childFailed}), never
     * before this call returns. {@code withDatabase} false leaves out the database the client connected with.
     */
    public static ServiceEndpoint open(ClientSession session, ServiceTarget target, ServiceEndpointOwner owner,
                                       boolean withDatabase) {
        Service service = target.service();
        if (service == null) {
            throw new IllegalArgumentException("no service named '" + target.name() + "'");
        }
        ServiceEndpoint e = new ServiceEndpoint(session, target, service, owner, withDatabase);
        e.start();
        return e;
    }

    private void start() {
        starting = true;
        try {
            counted = service.tryOpenSession();
            if (!counted) {
                fail(1040, "08004", "Too many connections");   // no router session yet: nothing to close
                return;
            }
            RouterSession rs = service.router().newSession(client);
            router = rs != null ? rs : new OneServerRouterSession(() -> service.router().selectBackend(client),
                    service.name());
            filters = ChildFilters.of(session, service, client, router, sqlState, new FilterHost());
            router.start(this);
        } finally {
            starting = false;
        }
    }

    // Endpoint: what the parent router sees.

    @Override
    public ServerView server() {
        return target;
    }

    @Override
    public boolean isReady() {
        return ready && !closed;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isBusy() {
        return busy || !waiting.isEmpty();
    }

    @Override
    public void write(ByteBuf packet, int command) {
        if (closed || command == Commands.COM_QUIT) {
            packet.release();
            return;
        }
        waiting.addLast(packet);
        pump();
    }

    /** Hands waiting commands to the child's router while it is logged in and idle. */
    private void pump() {
        ByteBuf next;
        while (ready && !closed && !busy && (filters == null || !filters.holding())
                && (next = waiting.pollFirst()) != null) {
            Command c = new Command(next, sqlState);
            currentCommand = c.command();
            busy = !Commands.hasNoReply(currentCommand);
            passedOn = null;
            replyBegun = false;
            service.countQuery();
            if (filters != null) {
                filters.dispatch(c, busy);
            } else {
                router.routeQuery(c);
            }
        }
    }

    /** A child session has no thread of its own on a server: the first of its connections stands for it. */
    @Override
    public long threadId() {
        return connections.isEmpty() ? 0 : connections.get(0).threadId();
    }

    /** The client's channel became writable or not: its connections (and its children's) read only while it is. */
    void clientWritable(boolean writable) {
        for (BackendConnection b : connections) {
            b.readWhileClientKeepsUp(writable);
        }
        for (ServiceEndpoint c : children) {
            c.clientWritable(writable);
        }
    }

    /** Adds its connections with a statement running, and its children's, for KILL QUERY of the client's session. */
    void busyConnections(List<BackendConnection> out) {
        for (BackendConnection b : connections) {
            if (b.isBusy()) {
                out.add(b);
            }
        }
        for (ServiceEndpoint c : children) {
            c.busyConnections(out);
        }
    }

    /** Ends the child session: its router closes and its connections quit (they are not pooled). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (changing != null) {
            ChildChangeUser c = changing;
            changing = null;
            c.abort();
        }
        if (filters != null) {
            filters.close();
        }
        ByteBuf b;
        while ((b = waiting.pollFirst()) != null) {
            b.release();
        }
        if (held != null) {
            held.release();
            held = null;
        }
        if (router != null) {
            router.close();
        }
        for (BackendConnection c : new ArrayList<>(connections)) {
            c.quit();
        }
        connections.clear();
        for (ServiceEndpoint c : new ArrayList<>(children)) {
            c.close();
        }
        children.clear();
        all.clear();
        if (counted) {
            counted = false;
            service.sessionClosed();
        }
    }

    // RouterSessionContext: what the target service's router session sees.

    @Override
    public List<ServerView> targets() {
        return service.routingTargets();
    }

    @Override
    public Endpoint connect(ServerView to) {
        return connect(to, true);
    }

    @Override
    public Endpoint connectWithoutDatabase(ServerView to) {
        return connect(to, false);
    }

    private Endpoint connect(ServerView to, boolean database) {
        if (to instanceof ServiceTarget st) {
            ServiceEndpoint c = open(session, st, this, withDatabase && database);
            children.add(c);
            all.add(c);
            return c;
        }
        BackendConnection b = session.openBackend((Server) to, this, withDatabase && database);
        connections.add(b);
        all.add(b);
        return b;
    }

    @Override
    public void clientWrite(ByteBuf buf) {
        if (closed) {
            buf.release();
            return;
        }
        if (delivering != null && (filters == null || !filters.internalRunning())) {
            passedOn = delivering;
        }
        if (filters != null) {
            filters.reply(buf, deliveringFrom == null ? null : deliveringFrom.server().name());
            return;
        }
        hold(buf);
    }

    /** True when {@code buf} starts with a LOCAL INFILE request (0xFB can never start a column count). */
    private static boolean asksForFile(ByteBuf buf) {
        return buf.readableBytes() > 4 && buf.getUnsignedByte(buf.readerIndex() + 4) == 0xFB;
    }

    /** Reply bytes for the parent (owned): the last chunk of a command is held until it is done. */
    private void hold(ByteBuf buf) {
        if (closed) {
            buf.release();
            return;
        }
        if (!replyBegun && currentCommand == Commands.COM_QUERY && asksForFile(buf)) {
            // LOAD DATA LOCAL INFILE: the reply ends only after the client has sent its file, so the server's
            // request must reach the client now (the file then goes straight to the connection that asked).
            owner.childReply(this, buf, null);
            return;
        }
        replyBegun = true;
        if (held != null) {
            owner.childReply(this, held, null);
        }
        held = buf;
    }

    @Override
    public void clientError(int sequence, int code, String sqlState, String message) {
        Reply error = new Reply(currentCommand, Reply.Kind.ERROR, 0, 0, 0, 0, 0, 0, code, sqlState, message, null,
                0, 0);
        clientWrite(ErrPacket.write(alloc(), sequence, code, sqlState, message));
        passedOn = error;
    }

    @Override
    public void commandDone() {
        if (closed) {
            return;
        }
        if (filters != null && filters.internalRunning()) {
            passedOn = null;
            filters.internalDone();
            return;
        }
        if (!busy) {
            return;
        }
        if (filters != null) {
            filters.replied(passedOn);
        }
        complete();
    }

    /** The current command's reply is whole: its last chunk goes to the parent with the reply, the next may go. */
    private void complete() {
        busy = false;
        ByteBuf last = held;
        held = null;
        Reply r = passedOn;
        passedOn = null;
        if (last == null) {
            // The router answered nothing: the parent still needs a complete reply for the command it sent.
            last = ErrPacket.write(alloc(), 1, 2013, "HY000", "Service '" + service.name() + "' sent no reply");
            r = null;
        }
        if (r == null) {
            r = new Reply(currentCommand, Reply.Kind.ERROR, 0, 0, 0, 0, 0, 0, 2013, "HY000",
                    "Service '" + service.name() + "' sent no complete reply", null, 0, 0);
        }
        owner.childReply(this, last, r);
        pump();
    }

    @Override
    public void loginDone(ByteBuf okPacket) {
        if (ready || closed) {
            okPacket.release();
            return;
        }
        ready = true;
        LOG.debug("session {}: child session of service '{}' logged in", session.id(), service.name());
        owner.childReady(this, okPacket);
        pump();
    }

    @Override
    public void fail(int code, String sqlState, String message) {
        if (closed) {
            return;
        }
        String why = "service '" + service.name() + "': " + message;
        LOG.warn("{}: child session of session {} closed: {}", session.service().name(), session.id(), why);
        close();
        if (starting) {
            // The parent router is still inside connect(): it hears of the failure once that call has returned.
            ChannelLoop.later(session.clientChannel(), () -> owner.childFailed(this, code, sqlState, why));
        } else {
            owner.childFailed(this, code, sqlState, why);
        }
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

    // BackendOwner: what the child's own connections report.

    @Override
    public boolean clientWritable() {
        return owner.clientWritable();
    }

    @Override
    public void fromBackend(BackendConnection b, ByteBuf buf, Reply reply) {
        fromEndpoint(b, buf, reply);
    }

    @Override
    public void backendReadComplete() {
        owner.childReadComplete();
    }

    @Override
    public void backendWritabilityChanged() {
    }

    @Override
    public void endpointReady(BackendConnection b, ByteBuf ok) {
        if (closed) {
            ok.release();
            return;
        }
        router.endpointReady(b, ok);
    }

    @Override
    public void changeUserDone(BackendConnection b, ByteBuf result) {
        changeUserAnswer(b, result);
    }

    /**
     * Logs every connection of the child (and of its children) in again as {@code backendUser} for the client's
     * COM_CHANGE_USER; {@code done} gets one answer (owned), as {@link ChildChangeUser} decides it.
     */
    public void changeUser(String backendUser, io.gatehouse.protocol.ChangeUserRequest req, byte[] sha1,
                           java.util.function.Consumer<ByteBuf> done) {
        // Held as the change under way before any participant is asked: an answer given at once must reach it, not
        // a change that ended before. Whatever the outcome (answer, refusal, abort), it is cleared as it is handed on.
        ChildChangeUser change = ChildChangeUser.of(alloc(), service.name(), session.id(), this::sessionReset,
                answer -> {
                    changing = null;
                    done.accept(answer);
                });
        changing = change;
        change.begin(new ArrayList<>(connections), new ArrayList<>(children), backendUser, req, sha1);
    }

    private void changeUserAnswer(Object who, ByteBuf result) {
        if (changing == null) {
            result.release();
            return;
        }
        changing.answer(who, result);
    }

    private void changeUserLost(Object who, String message) {
        if (changing != null) {
            changing.lost(who, message);
        }
    }

    /** The old user's session state is gone: the child's SQL state, filters and router forget it. */
    private void sessionReset() {
        sqlState.reset();
        if (filters != null) {
            filters.sessionReset();
        }
        if (router != null) {
            router.sessionReset();
        }
    }

    @Override
    public void endpointGone(BackendConnection b) {
        connections.remove(b);
        all.remove(b);
    }

    @Override
    public void endpointClosed(BackendConnection b, int code, String sqlState, String message) {
        changeUserLost(b, message);
        all.remove(b);
        if (connections.remove(b) && !closed) {
            router.endpointFailed(b, code, sqlState, message);
        }
    }

    @Override
    public void wroteTo(BackendConnection b) {
        owner.childWroteTo(b);
    }

    @Override
    public void childWroteTo(BackendConnection b) {
        owner.childWroteTo(b);
    }

    // ServiceEndpointOwner: what a child of this child (a service over services) reports.

    @Override
    public void childReply(ServiceEndpoint e, ByteBuf buf, Reply reply) {
        fromEndpoint(e, buf, reply);
    }

    private void fromEndpoint(Endpoint e, ByteBuf buf, Reply reply) {
        if (closed) {
            buf.release();
            return;
        }
        delivering = reply;
        deliveringFrom = e;
        try {
            router.clientReply(e, buf, reply);
        } finally {
            delivering = null;
            deliveringFrom = null;
        }
    }

    @Override
    public void childReady(ServiceEndpoint e, ByteBuf ok) {
        if (closed) {
            ok.release();
            return;
        }
        router.endpointReady(e, ok);
    }

    @Override
    public void childFailed(ServiceEndpoint e, int code, String sqlState, String message) {
        changeUserLost(e, message);
        all.remove(e);
        if (children.remove(e) && !closed) {
            router.endpointFailed(e, code, sqlState, message);
        }
    }

    @Override
    public void childReadComplete() {
        owner.childReadComplete();
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        timer.schedule(task, delayMillis);
    }

    /** What the child's filter chain asks of it. */
    private final class FilterHost implements ChildFilters.Host {
        @Override
        public void answered(ByteBuf reply) {
            if (!busy || !reply.isReadable()) {
                reply.release();                          // a command without a reply, swallowed
                return;
            }
            Reply r = ChildFilters.answerReply(reply, currentCommand, session.clientCapabilities());
            hold(reply);
            passedOn = r;
            complete();
        }

        @Override
        public void emit(ByteBuf bytes) {
            hold(bytes);
        }

        @Override
        public void resume() {
            pump();
        }

        @Override
        public boolean closed() {
            return closed;
        }

        /** A filter of a child ends the client's whole session, as it would if the service were the client's own. */
        @Override
        public void closeSession(int code, String sqlState, String message) {
            session.sendErrorAndClose(1, code, sqlState, message);
        }

        @Override
        public boolean endsWithClient() {
            return true;
        }
    }
}
