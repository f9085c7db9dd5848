package io.gatehouse.routers.schemarouter;

import static io.gatehouse.protocol.Commands.COM_INIT_DB;
import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_RESET_CONNECTION;
import static io.gatehouse.protocol.Commands.COM_SET_OPTION;
import static io.gatehouse.protocol.Commands.COM_STMT_BULK_EXECUTE;
import static io.gatehouse.protocol.Commands.COM_STMT_CLOSE;
import static io.gatehouse.protocol.Commands.COM_STMT_EXECUTE;
import static io.gatehouse.protocol.Commands.COM_STMT_FETCH;
import static io.gatehouse.protocol.Commands.COM_STMT_PREPARE;
import static io.gatehouse.protocol.Commands.COM_STMT_RESET;
import static io.gatehouse.protocol.Commands.COM_STMT_SEND_LONG_DATA;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.protocol.TextResultSet;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Operation;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session of schemarouter: connects every running server of the service (without the client's connect
 * database, which only some hold), learns from the cache or by asking each server which databases and tables it
 * holds, then routes each statement to the server holding what it names (or the current database), sends session
 * commands to every server with one answer to the client, and answers SHOW DATABASES and SHOW SHARDS itself.
 * Confined to the session's worker thread; owns each command packet it is given until written, and each reply chunk
 * until forwarded or released.
 */
final class SchemaRouterSession implements RouterSession {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRouterSession.class);

    /** What the session waits for that the client did not ask for. */
    private enum Internal { NONE, MAPPING, INIT_DB }

    private final SchemaRouter router;
    private RouterSessionContext ctx;
    /** Live connections by server name, in configuration order. */
    private final ShardConnections shards = new ShardConnections();
    private final Set<Endpoint> connecting = new LinkedHashSet<>();
    private ByteBuf loginOk;
    private boolean loggedIn;
    private String cacheKey;
    private ShardMap map;
    private String currentDb;
    private Endpoint previousTarget;
    private int status = StatusFlags.AUTOCOMMIT;
    private Internal internal = Internal.NONE;
    private MappingRound mapping;
    /** A USE held while the servers are mapped again (refresh_databases), and its command byte. */
    private ByteBuf heldUse;
    private int heldUseCommand;
    private String heldUseDb;
    // The command in progress.
    private int command;
    private Endpoint owner;
    private final Set<Endpoint> pending = new LinkedHashSet<>();
    /** The owner's reply, kept whole when the answer depends on the other replies (session commands, prepares). */
    private CompositeByteBuf held;
    private Reply ownerReply;
    private Reply otherError;
    private String databaseOnSuccess;
    private List<RouteHint> hints = List.of();
    private final ShardStatements statements = new ShardStatements();
    /** True when this session replaces one (a restart): its current database, not the login's, is made current. */
    private boolean restarted;

    SchemaRouterSession(SchemaRouter router) {
        this.router = router;
    }

    /** A restart: the client's statement ids (its connections carry over) and its current database go on. */
    @Override
    public void takeOver(RouterSession previous) {
        if (previous instanceof SchemaRouterSession p) {
            statements.takeOver(p.statements);
            currentDb = p.currentDb;
            restarted = true;
        }
    }

    @Override
    public void start(RouterSessionContext context) {
        this.ctx = context;
        List<ServerView> usable = new ArrayList<>();
        for (ServerView s : context.targets()) {
            if (ServerStatus.acceptsNewSessions(s.status())) {
                usable.add(s);
                Endpoint e = context.connectWithoutDatabase(s);
                shards.add(e);
                connecting.add(e);
            }
        }
        cacheKey = router.cacheKey(context.client().user(), usable);
        if (connecting.isEmpty()) {
            context.fail(2003, "HY000", "No server of service '" + router.context.serviceName() + "' is running");
        }
    }

    @Override
    public void endpointReady(Endpoint e, ByteBuf ok) {
        connecting.remove(e);
        if (loginOk == null && !loggedIn) {
            loginOk = ok;
        } else {
            ok.release();
        }
        if (connecting.isEmpty() && !loggedIn && internal == Internal.NONE) {
            connected();
        }
    }

    /** Every connection logged in or failed: find the map, or make one. */
    private void connected() {
        if (loginOk == null) {
            return;
        }
        ShardMap cached = router.cache.lookup(cacheKey, System.nanoTime(), router.refreshNanos(),
                router.maxStalenessNanos());
        if (cached != null) {
            map = cached;
            mapReady();
        } else {
            startMapping();
        }
    }

    private void startMapping() {
        internal = Internal.MAPPING;
        mapping = new MappingRound(router.context.serviceName());
        if (!mapping.start(shards.ready(), ctx.alloc())) {
            ctx.fail(2003, "HY000", "No server of service '" + router.context.serviceName() + "' is available");
        }
    }

    private void finishMapping() {
        map = mapping.build(ctx.clientCapabilities(), System.nanoTime());
        mapping = null;
        router.cache.put(cacheKey, map);
        internal = Internal.NONE;
        mapReady();
    }

    /** The map is known: refuse duplicates, then finish the login or carry on with the held USE. */
    private void mapReady() {
        Map<String, List<String>> duplicates = map.duplicates(router.ignoredTables(), router.ignoredRegex());
        if (!duplicates.isEmpty()) {
            duplicates.forEach((name, where) -> LOG.error("{}: '{}' found on servers {} for user {}",
                    router.context.serviceName(), name, where, ctx.client().user()));
            LOG.error("{}: duplicate tables found, closing session {}", router.context.serviceName(),
                    ctx.client().sessionId());
            releaseHeldUse();
            ctx.fail(5000, "DUPDB", "Error: duplicate tables found on two different shards.");
            return;
        }
        if (loggedIn) {
            ByteBuf use = heldUse;
            heldUse = null;
            changeDatabase(use, heldUseCommand, heldUseDb, false);
            return;
        }
        String db = restarted ? currentDb : ctx.client().database();
        if (db == null || db.isEmpty()) {
            finishLogin();
            return;
        }
        List<Endpoint> targets = shards.ready(map.locations(db, ""));
        if (targets.isEmpty()) {
            ctx.fail(1049, "42000", "Unknown database '" + db + "'");
            return;
        }
        internal = Internal.INIT_DB;
        databaseOnSuccess = db.toLowerCase(Locale.ROOT);
        otherError = null;
        byte[] name = db.getBytes(StandardCharsets.UTF_8);
        for (Endpoint e : targets) {
            ByteBuf p = ctx.alloc().buffer(5 + name.length);
            p.writeMediumLE(1 + name.length).writeByte(0).writeByte(COM_INIT_DB).writeBytes(name);
            pending.add(e);
            e.write(p, COM_INIT_DB);
        }
    }

    private void initDbAnswered(Endpoint e, Reply reply) {
        if (reply.isError() && otherError == null) {
            otherError = reply;
        }
        pending.remove(e);
        if (!pending.isEmpty()) {
            return;
        }
        internal = Internal.NONE;
        if (otherError != null) {
            ctx.fail(otherError.errorCode(), otherError.sqlState(), otherError.errorMessage());
            return;
        }
        currentDb = databaseOnSuccess;
        databaseOnSuccess = null;
        finishLogin();
    }

    private void finishLogin() {
        loggedIn = true;
        ByteBuf ok = loginOk;
        loginOk = null;
        ctx.loginDone(ok);
    }

    /** The command being routed, during {@link #routeQuery}. */
    private Command current;

    @Override
    public void routeQuery(Command in) {
        hints = in.hints();
        current = in;
        try {
            route(in.packet(), in.command());
        } finally {
            hints = List.of();
            current = null;
        }
    }

    private void route(ByteBuf packet, int cmd) {
        router.queries.increment();
        command = cmd;
        ownerReply = null;
        otherError = null;
        databaseOnSuccess = null;
        switch (cmd) {
            case COM_QUERY -> routeText(packet);
            case COM_INIT_DB -> changeDatabase(packet, cmd,
                    packet.toString(packet.readerIndex() + 5, packet.readableBytes() - 5, StandardCharsets.UTF_8),
                    true);
            case COM_STMT_PREPARE -> {
                Endpoint target = target(current.classification());
                if (target != null) {
                    send(packet, cmd, List.of(target), true);
                } else {
                    noTarget(packet);
                }
            }
            case COM_STMT_EXECUTE, COM_STMT_BULK_EXECUTE, COM_STMT_FETCH, COM_STMT_RESET -> toStatement(packet, cmd, true);
            case COM_STMT_SEND_LONG_DATA -> toStatement(packet, cmd, false);
            case COM_STMT_CLOSE -> {
                long id = ShardStatements.id(packet);
                toStatement(packet, cmd, false);
                statements.remove(id);
            }
            case COM_SET_OPTION, COM_RESET_CONNECTION -> {
                if (cmd == COM_RESET_CONNECTION) {
                    statements.clear();
                }
                toAll(packet, cmd);
            }
            default -> {
                Endpoint target = fallback();
                if (target != null) {
                    send(packet, cmd, List.of(target), false);
                } else {
                    noTarget(packet);
                }
            }
        }
    }

    private void routeText(ByteBuf packet) {
        byte[] sql = new byte[Math.max(0, packet.readableBytes() - 5)];
        packet.getBytes(packet.readerIndex() + 5, sql);
        if (StatementTarget.isShowShards(sql)) {
            packet.release();
            answer(List.of("Database", "Server"), map.shardRows());
            return;
        }
        // The command's own classification, shared with the filters (every sql_mode while the mode is unknown).
        Classification c = current.classification();
        if (c.is(QueryType.SHOW_DATABASES)) {
            packet.release();
            List<List<String>> rows = new ArrayList<>();
            map.databases().forEach(db -> rows.add(List.of(db)));
            answer(List.of("Database"), rows);
            return;
        }
        if (c.operation() == Operation.USE && c.database() != null) {
            changeDatabase(packet, COM_QUERY, c.database(), true);
            return;
        }
        Endpoint hinted = shards.hinted(hints);
        if (ctx.tracing()) {
            ShardTrace.report(ctx, c, hinted != null, map, currentDb);
        }
        if (hinted == null && StatementTarget.isSessionCommand(c)) {
            toAll(packet, COM_QUERY);
            return;
        }
        Endpoint target = hinted != null ? hinted : target(c);
        if (target == null) {
            noTarget(packet);
            return;
        }
        send(packet, COM_QUERY, List.of(target), false);
    }

    /** A result set the router makes itself; the command ends with it. */
    private void answer(List<String> columns, List<List<String>> rows) {
        ctx.clientWrite(TextResultSet.write(ctx.alloc(), ctx.clientCapabilities(), columns, rows, status));
        ctx.commandDone();
    }

    /**
     * USE or COM_INIT_DB: runs on every server holding the database, and the session's database changes when all
     * succeed. An unknown database is mapped again first when {@code refresh_databases} allows and the map is older
     * than {@code refresh_interval}; otherwise a server answers it (with its own "unknown database" error).
     */
    private void changeDatabase(ByteBuf packet, int cmd, String db, boolean mayRefresh) {
        List<Endpoint> targets = shards.ready(map.locations(db, ""));
        if (targets.isEmpty()) {
            if (mayRefresh && router.refreshDatabases()
                    && System.nanoTime() - map.builtNanos() >= router.refreshNanos()) {
                heldUse = packet;
                heldUseCommand = cmd;
                heldUseDb = db;
                startMapping();
                return;
            }
            Endpoint any = fallback();
            if (any == null) {
                noTarget(packet);
                return;
            }
            send(packet, cmd, List.of(any), false);
            return;
        }
        databaseOnSuccess = db.toLowerCase(Locale.ROOT);
        router.sessionCommands.increment();
        send(packet, cmd, targets, true);
    }

    /** Where a statement goes: the server with all its tables, else as {@link #fallback()} says. */
    private Endpoint target(Classification c) {
        Set<String> servers = StatementTarget.servers(c, map, currentDb);
        if (servers != null) {
            for (String s : servers) {
                Endpoint e = shards.ready(s);
                if (e != null) {
                    return e;
                }
            }
        }
        return fallback();
    }

    /** The server of the current database, else the one used last, else the first one connected. */
    private Endpoint fallback() {
        if (currentDb != null) {
            List<Endpoint> h = shards.ready(map.locations(currentDb, ""));
            if (!h.isEmpty()) {
                return h.get(0);
            }
        }
        if (previousTarget != null && previousTarget.isReady()) {
            return previousTarget;
        }
        List<Endpoint> ready = shards.ready();
        return ready.isEmpty() ? null : ready.get(0);
    }

    private void noTarget(ByteBuf packet) {
        packet.release();
        ctx.clientError(1, 2003, "HY000", "No server of service '" + router.context.serviceName()
                + "' is available for this statement");
        ctx.commandDone();
    }

    /** Session commands: every connection runs them; the client gets one answer. */
    private void toAll(ByteBuf packet, int cmd) {
        List<Endpoint> all = shards.ready();
        if (all.isEmpty()) {
            noTarget(packet);
            return;
        }
        router.sessionCommands.increment();
        send(packet, cmd, all, true);
    }

    /** A command about a prepared statement goes where it was prepared, with the id it has there. */
    private void toStatement(ByteBuf packet, int cmd, boolean hasReply) {
        ShardStatements.Statement s = statements.find(packet);
        if (s == null) {
            long id = ShardStatements.id(packet);
            packet.release();
            if (hasReply) {
                ctx.clientError(1, 1243, "HY000", "Unknown prepared statement handler (" + id + ") given to "
                        + (cmd == COM_STMT_FETCH ? "mysqld_stmt_fetch" : "mysqld_stmt_execute"));
                ctx.commandDone();
            }
            return;
        }
        ShardStatements.toServerId(packet, s);
        if (!hasReply) {
            s.endpoint().write(packet, cmd);
            return;
        }
        send(packet, cmd, List.of(s.endpoint()), false);
    }

    /**
     * Writes the command to {@code targets}; the first one's reply is the client's. With {@code whole}, that reply
     * is kept until every target answered, so that one failure among them can be reported instead.
     */
    private void send(ByteBuf packet, int cmd, List<Endpoint> targets, boolean whole) {
        owner = targets.get(0);
        previousTarget = owner;
        pending.clear();
        pending.addAll(targets);
        if (whole) {
            held = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        for (int i = 1; i < targets.size(); i++) {
            targets.get(i).write(packet.retainedDuplicate(), cmd);
        }
        owner.write(packet, cmd);
    }

    @Override
    public void clientReply(Endpoint from, ByteBuf buf, Reply reply) {
        if (internal == Internal.MAPPING && mapping.isWaitingFor(from)) {
            if (mapping.collect(from, ctx.alloc(), buf, reply)) {
                finishMapping();
            }
            return;
        }
        if (internal == Internal.INIT_DB && pending.contains(from)) {
            buf.release();
            if (reply != null) {
                initDbAnswered(from, reply);
            }
            return;
        }
        if (from == owner && pending.contains(from)) {
            if (held != null) {
                held.addComponent(true, buf);
            } else {
                ctx.clientWrite(buf);
            }
        } else {
            buf.release();
        }
        if (reply == null || !pending.remove(from)) {
            return;
        }
        if (from == owner) {
            ownerReply = reply;
            if (reply.kind() == Reply.Kind.OK || reply.kind() == Reply.Kind.RESULT_SET) {
                status = reply.status();
            }
        } else if (reply.isError() && otherError == null) {
            otherError = reply;
            LOG.warn("{}: server '{}' refused what the other servers ran: {}", router.context.serviceName(),
                    from.server().name(), reply.errorMessage());
        }
        if (pending.isEmpty()) {
            complete();
        }
    }

    private void complete() {
        boolean ok = ownerReply != null && !ownerReply.isError() && otherError == null;
        if (command == COM_STMT_PREPARE && ownerReply != null && ownerReply.kind() == Reply.Kind.PREPARE_OK
                && held != null && held.readableBytes() >= 9) {
            long id = statements.prepared(owner, ownerReply.statementId());
            held.setIntLE(held.readerIndex() + 5, (int) id);
        }
        if (held != null) {
            CompositeByteBuf whole = held;
            held = null;
            if (otherError != null && ownerReply != null && !ownerReply.isError()) {
                whole.release();
                ctx.clientError(1, otherError.errorCode(), otherError.sqlState(), otherError.errorMessage());
            } else {
                ctx.clientWrite(whole);
            }
        }
        if (ok && databaseOnSuccess != null) {
            currentDb = databaseOnSuccess;
        }
        databaseOnSuccess = null;
        ctx.commandDone();
    }

    @Override
    public void endpointFailed(Endpoint e, int code, String sqlState, String message) {
        shards.remove(e);
        if (connecting.remove(e)) {
            LOG.warn("{}: cannot use server '{}' for session {}: {}", router.context.serviceName(),
                    e.server().name(), ctx.client().sessionId(), message);
            if (connecting.isEmpty() && !loggedIn && internal == Internal.NONE) {
                if (loginOk == null) {
                    ctx.fail(code, sqlState, message);
                } else {
                    connected();
                }
            }
            return;
        }
        if (internal == Internal.MAPPING && mapping.isWaitingFor(e)) {
            if (mapping.lost(e)) {
                if (!mapping.anyServer()) {
                    ctx.fail(code, sqlState, "Lost every server while mapping databases: " + message);
                } else {
                    finishMapping();
                }
            }
            return;
        }
        if (internal == Internal.INIT_DB && pending.contains(e)) {
            ctx.fail(code, sqlState, message);
            return;
        }
        statements.forget(e);
        if (pending.remove(e)) {
            if (e == owner) {
                ctx.fail(2013, "HY000", "Lost connection to backend server '" + e.server().name() + "' during query");
                return;
            }
            if (otherError == null) {
                otherError = new Reply(command, Reply.Kind.ERROR, 0, 0, 0, 0, 0, 0, code, sqlState, message, null, 0, 0);
            }
            if (pending.isEmpty()) {
                complete();
            }
        }
    }

    @Override
    public void sessionReset() {
        statements.clear();
        currentDb = null;
        status = StatusFlags.AUTOCOMMIT;
    }

    private void releaseHeldUse() {
        if (heldUse != null) {
            heldUse.release();
            heldUse = null;
        }
    }

    @Override
    public void close() {
        releaseHeldUse();
        if (mapping != null) {
            mapping.release();
            mapping = null;
        }
        if (held != null) {
            held.release();
            held = null;
        }
        if (loginOk != null) {
            loginOk.release();
            loginOk = null;
        }
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("current_database", currentDb == null ? "" : currentDb);
        d.put("shards", shards.names());
        return d;
    }
}
