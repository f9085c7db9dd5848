package io.gatehouse.moduletest;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One statement-router session driven by a test: plays the core's part of {@link RouterSessionContext}, connects
 * {@link ScriptedEndpoint}s that log in at once, delivers their scripted replies after each command as the event
 * loop would (never from inside the router's own call) and collects what the router writes to the client.
 * Confined to the test's thread. It owns the client-bound buffers it collects and releases them on {@link #close}.
 */
public final class StatementSession implements RouterSessionContext, AutoCloseable {
    private boolean closedQuietly;
    private final RouterSession router;
    private final ClientInfo client;
    private final List<ServerView> targets;
    private final Consumer<ScriptedEndpoint> onConnect;
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    private final Map<String, ScriptedEndpoint> endpoints = new LinkedHashMap<>();
    /** As the core does: one per session, over the session's connections. */
    private final SessionSqlState sqlState = new SessionSqlState(endpoints.values());
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private final List<Runnable> timers = new ArrayList<>();
    private final List<ByteBuf> toClient = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private boolean loggedIn;
    private boolean commandDone = true;
    private long nextThreadId = 100;

    StatementSession(RouterSession router, ClientInfo client, List<ServerView> targets,
                     Consumer<ScriptedEndpoint> onConnect) {
        this.router = router;
        this.client = client;
        this.targets = targets;
        this.onConnect = onConnect;
    }

    void start() {
        router.start(this);
        drain();
    }

    /** Sends a COM_QUERY and runs the session until every scripted reply was delivered. */
    public void query(String sql) {
        send(TestPackets.query(alloc, sql));
    }

    /** Sends a COM_QUERY carrying the routing hints a hint filter would have attached. */
    public void query(String sql, RouteHint... hints) {
        send(TestPackets.query(alloc, sql), List.of(hints));
    }

    /** Sends one whole command packet (owned by the router from now on) and runs the session until it is quiet. */
    public void send(ByteBuf packet) {
        send(packet, List.of());
    }

    /** As {@link #send(ByteBuf)}, with the routing hints a filter would have attached. */
    public void send(ByteBuf packet, List<RouteHint> hints) {
        Command command = new Command(packet, sqlState);
        command.attach(hints);
        send(command);
    }

    /**
     * Sends a command built by the test (its packet owned by the router from now on), for instance one whose
     * classification a filter already asked for, and runs the session until it is quiet.
     */
    public void send(Command command) {
        if (!commandDone) {
            command.packet().release();
            throw new IllegalStateException("the previous command is not done: the router never called commandDone()");
        }
        commandDone = false;
        router.routeQuery(command);
        drain();
    }

    /** A command of this session (classified with its SQL state when asked); the caller owns {@code packet}. */
    public Command command(ByteBuf packet) {
        return new Command(packet, sqlState);
    }

    /**
     * The connection to {@code server} fails, as when the server goes away: the endpoint closes (its unplayed
     * replies are released) and the router is told.
     */
    public void fail(String server, int code, String message) {
        ScriptedEndpoint e = endpoints.get(server);
        if (e == null) {
            throw new IllegalArgumentException("server: " + server + " (expected: one the router connected)");
        }
        e.close();
        router.endpointFailed(e, code, "HY000", message);
        drain();
    }

    /** The endpoint connected to {@code server}, or null when the router has not connected it. */
    public ScriptedEndpoint endpoint(String server) {
        return endpoints.get(server);
    }

    /** The endpoints opened so far, by server name. */
    public Map<String, ScriptedEndpoint> endpoints() {
        return Map.copyOf(endpoints);
    }

    /** True once the router sent the login result to the client. */
    public boolean loggedIn() {
        return loggedIn;
    }

    /** True when the router finished the last command. */
    public boolean idle() {
        return commandDone;
    }

    /** Buffers the router wrote to the client so far (still owned by this session). */
    public List<ByteBuf> clientBytes() {
        return List.copyOf(toClient);
    }

    /** Errors sent to the client (by {@link #clientError} or {@link #fail}), as "code: message". */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    void replyLater(ScriptedEndpoint from, ScriptedEndpoint.Scripted reply) {
        pending.addLast(() -> {
            from.replied();
            router.clientReply(from, reply.bytes(), reply.reply());
        });
    }

    /**
     * Runs the tasks the router scheduled so far (time is the test's to advance: each runs once, whatever its
     * delay), then everything they set going.
     */
    public void runTimers() {
        List<Runnable> due = new ArrayList<>(timers);
        timers.clear();
        for (Runnable t : due) {
            t.run();
            drain();
        }
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        timers.add(task);
    }

    private void drain() {
        while (!pending.isEmpty()) {
            pending.pollFirst().run();
        }
    }

    @Override
    public List<ServerView> targets() {
        return targets;
    }

    @Override
    public Endpoint connect(ServerView server) {
        ScriptedEndpoint e = new ScriptedEndpoint(this, server, nextThreadId++);
        endpoints.put(server.name(), e);
        onConnect.accept(e);
        if (!io.gatehouse.api.server.ServerStatus.has(server.status(), io.gatehouse.api.server.ServerStatus.RUNNING)) {
            // A server that is down refuses the connection, as a real one would.
            pending.addLast(() -> router.endpointFailed(e, 2003, "HY000", "Can't connect to server '"
                    + server.name() + "'"));
            return e;
        }
        pending.addLast(() -> router.endpointReady(e, TestPackets.ok(alloc, 2)));
        return e;
    }

    /** The scripted servers have no databases to refuse, so this is {@link #connect}. */
    @Override
    public Endpoint connectWithoutDatabase(ServerView server) {
        return connect(server);
    }

    @Override
    public void clientWrite(ByteBuf buf) {
        toClient.add(buf);
    }

    @Override
    public void clientError(int sequence, int code, String sqlState, String message) {
        errors.add(code + ": " + message);
    }

    @Override
    public void commandDone() {
        commandDone = true;
    }

    @Override
    public void loginDone(ByteBuf okPacket) {
        loggedIn = true;
        toClient.add(okPacket);
    }

    @Override
    public void fail(int code, String sqlState, String message) {
        errors.add(code + ": " + message);
    }

    @Override
    public void closeQuietly() {
        closedQuietly = true;
    }

    /** True once the router ended the session without a word to the client (as a server ends a timed-out one). */
    public boolean closedQuietly() {
        return closedQuietly;
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public ClientInfo client() {
        return client;
    }

    @Override
    public long clientCapabilities() {
        return 0;
    }

    @Override
    public SessionSqlState sqlState() {
        return sqlState;
    }

    /** Ends the session: closes the router session and releases what it left here. */
    @Override
    public void close() {
        router.close();
        for (ScriptedEndpoint e : endpoints.values()) {
            e.close();
        }
        drain();
        toClient.forEach(ByteBuf::release);
        toClient.clear();
    }
}
