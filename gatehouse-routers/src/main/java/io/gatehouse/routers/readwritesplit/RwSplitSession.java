package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_INIT_DB;
import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_STMT_PREPARE;
import static io.gatehouse.protocol.Commands.COM_STMT_EXECUTE;
import static io.gatehouse.protocol.Commands.COM_STMT_SEND_LONG_DATA;
import static io.gatehouse.protocol.Commands.COM_STMT_CLOSE;
import static io.gatehouse.protocol.Commands.COM_STMT_RESET;
import static io.gatehouse.protocol.Commands.COM_SET_OPTION;
import static io.gatehouse.protocol.Commands.COM_STMT_FETCH;
import static io.gatehouse.protocol.Commands.COM_RESET_CONNECTION;
import static io.gatehouse.protocol.Commands.COM_STMT_BULK_EXECUTE;
import static io.gatehouse.protocol.StatusFlags.AUTOCOMMIT;
import static io.gatehouse.protocol.StatusFlags.IN_TRANS;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.sql.Classification;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One client session of readwritesplit: connects the primary and the replicas, routes each command by what it does
 * (writes, transactions and anything unsure to the primary; autocommit reads to a replica; session commands to
 * every connection, answering with the primary's reply), maps prepared-statement ids per connection, and forwards
 * only the chosen connection's reply bytes. Confined to the session's worker thread; owns each command packet it is
 * given until written, and each reply chunk until forwarded or released.
 */
final class RwSplitSession implements RouterSession {

    private final ReadWriteSplit router;
    private final RoutingRules rules;
    private RouterSessionContext ctx;
    private Endpoint primary;
    private final ReplicaSet replicaSet = new ReplicaSet();
    private final List<Endpoint> replicas = replicaSet.ready;
    /** Keeps the session's SQL state (made by the core) informed; set at start. */
    private SessionSqlContext sql;
    /** The statement in progress (COM_QUERY, or the prepared statement of an execute), for what it changes. */
    private Classification statement;
    private final Set<Endpoint> connecting = new LinkedHashSet<>();
    private ByteBuf loginOk;
    private final PreparedStatements prepared = new PreparedStatements();
    // The command in progress.
    private int command;
    private Endpoint replyOwner;
    private boolean ownerStarted;
    private final Set<Endpoint> pending = new LinkedHashSet<>();
    private final Map<Endpoint, Reply> replies = new HashMap<>();
    private ByteBuf retryCopy;
    private Classification preparing;
    private long clientStatementId;
    // Session state as the primary reports it.
    private boolean inTransaction;
    private boolean autocommit = true;
    private Endpoint readOnlyTrxTarget;
    private Endpoint lastReadTarget;
    private final CausalReads causal;
    private final SessionHistory history;
    /** Replacement replica connections, logging in or replaying the history; not used for reads yet. */
    private final Set<Endpoint> joining = replicaSet.joining;
    /** The internal query under way for causal reads, and the read waiting for it. */
    private Endpoint internalTarget;
    private boolean fetchingGtid;
    private ByteBuf waitingRead;
    private int waitingCommand;
    private Endpoint waitingReplica;
    private PreparedStatements.Entry waitingEntry;
    private boolean lastWasWrite;

    RwSplitSession(ReadWriteSplit router) {
        this.router = router;
        this.rules = new RoutingRules(router.context.params(), text -> sql.state().classify(text));
        this.history = new SessionHistory(router.context.params().integer("max_sescmd_history"),
                router.context.params().bool("prune_sescmd_history"),
                router.context.params().bool("disable_sescmd_history"));
        this.causal = new CausalReads(router.context.params().string("causal_reads"),
                router.context.params().duration("causal_reads_timeout").toSeconds());
    }

    @Override
    public void start(RouterSessionContext context) {
        this.ctx = context;
        this.sql = new SessionSqlContext(context.sqlState());
        long maxReplicas = router.context.params().bool("lazy_connect") ? 0
                : Math.min(router.context.params().integer("max_slave_connections"),
                router.context.params().integer("slave_connections"));
        for (ServerView s : context.targets()) {
            int st = s.status();
            if (!ServerStatus.acceptsNewSessions(st)) {
                continue;
            }
            if (primary == null && ServerStatus.has(st, ServerStatus.MASTER)) {
                primary = context.connect(s);
                connecting.add(primary);
            } else if (ServerStatus.has(st, ServerStatus.SLAVE) && replicas.size() < maxReplicas) {
                Endpoint e = context.connect(s);
                replicas.add(e);
                connecting.add(e);
            }
        }
        if (connecting.isEmpty()) {
            context.fail(2003, "HY000", "No server of service '" + router.context.serviceName()
                    + "' is available: no primary and no replica is running");
        }
    }

    @Override
    public void endpointReady(Endpoint e, ByteBuf ok) {
        if (joining.contains(e)) {
            ok.release();
            if (!history.startReplay(e)) {
                joining.remove(e);
                replicas.add(e);
            }
            return;
        }
        connecting.remove(e);
        if (e == primary || (loginOk == null && primary == null)) {
            if (loginOk != null) {
                loginOk.release();
            }
            loginOk = ok;
            sql.ask(e, ctx.alloc());
        } else {
            ok.release();
        }
        finishLoginIfDone();
    }

    private void finishLoginIfDone() {
        if (!connecting.isEmpty() || loginOk == null || sql.asking()) {
            return;
        }
        ByteBuf ok = loginOk;
        loginOk = null;
        ctx.loginDone(ok);
    }

    @Override
    public void endpointFailed(Endpoint e, int code, String sqlState, String message) {
        if (sql.isAsking(e)) {
            sql.abandon();
            if (loginOk != null) {
                ctx.fail(code, sqlState, message);
                return;
            }
            ctx.commandDone();
        }
        boolean wasConnecting = connecting.remove(e);
        prepared.forget(e);
        causal.forget(e);
        history.forget(e);
        if (joining.remove(e)) {
            return;
        }
        if (e == internalTarget && e != primary) {
            // The replica a read waited for is gone: read on the primary.
            internalTarget = null;
            causal.release();
            replicas.remove(e);
            ByteBuf read = waitingRead;
            waitingRead = null;
            toOne(PreparedStatements.withStatementId(read, waitingEntry, primary), waitingCommand, primary, false);
            return;
        }
        if (e == primary) {
            primary = null;
            boolean inFlight = pending.remove(e) || e == internalTarget;
            if (inFlight || wasConnecting || inTransaction
                    || "fail_instantly".equals(router.context.params().string("master_failure_mode"))) {
                ctx.fail(code, sqlState, message);
            }
            // fail_on_write / error_on_write: reads go on on the replicas; a write decides.
            return;
        }
        replicas.remove(e);
        if (wasConnecting) {
            if (connecting.isEmpty() && loginOk == null && primary == null && replicas.isEmpty()) {
                ctx.fail(code, sqlState, message);
            } else {
                finishLoginIfDone();
            }
            return;
        }
        if (e == readOnlyTrxTarget) {
            ctx.fail(code, sqlState, "Lost the replica of a read-only transaction: " + message);
            return;
        }
        if (pending.remove(e)) {
            if (e == replyOwner) {
                if (!ownerStarted && retryCopy != null && rules.retryFailedReads() && primary != null) {
                    // Nothing reached the client yet: the read runs again on the primary.
                    ByteBuf again = retryCopy;
                    retryCopy = null;
                    replyOwner = primary;
                    pending.add(primary);
                    primary.write(again, command);
                    return;
                }
                ctx.fail(2013, "HY000", "Lost connection to backend server '" + e.server().name() + "' during query");
                return;
            }
            if (pending.isEmpty()) {
                complete();
            }
        }
    }

    private List<RouteHint> hints = List.of();

    @Override
    public void routeQuery(Command in) {
        hints = in.hints();
        for (RouteHint h : hints) {
            if (h.type() == RouteHint.Type.MAX_SLAVE_LAG) {
                rules.lagLimitForNextRead(h.value());
            }
        }
        try {
            route(in);
        } finally {
            hints = List.of();
            rules.lagLimitForNextRead(0);
        }
    }

    private void route(Command in) {
        ByteBuf packet = in.packet();
        int cmd = in.command();
        router.queries.increment();
        command = cmd;
        statement = null;
        ownerStarted = false;
        replies.clear();
        lastWasWrite = false;
        switch (cmd) {
            case COM_QUERY -> routeText(packet, in.classification());
            case COM_STMT_PREPARE -> {
                preparing = in.classification();
                toAll(packet, cmd, true);
            }
            case COM_STMT_EXECUTE, COM_STMT_BULK_EXECUTE -> routeExecute(packet, cmd);
            case COM_STMT_FETCH, COM_STMT_RESET -> {
                PreparedStatements.Entry en = prepared.get(PreparedStatements.statementId(packet));
                Endpoint target = en != null && en.lastExecuted != null ? en.lastExecuted : primary;
                if (cmd == COM_STMT_RESET && en != null && en.longDataTarget != null) {
                    // The reset discards long data, which only the connection chosen for the next execution has.
                    target = en.longDataTarget;
                    en.longDataTarget = null;
                }
                toOne(PreparedStatements.withStatementId(packet, en, target), cmd, target, false);
            }
            case COM_STMT_CLOSE -> {
                long id = PreparedStatements.statementId(packet);
                toAllStatements(packet, cmd, prepared.get(id));
                prepared.remove(id);
                history.closed(id);
            }
            case COM_STMT_SEND_LONG_DATA -> sendLongData(packet);
            case COM_INIT_DB, COM_SET_OPTION -> toAll(packet, cmd, true);
            case COM_RESET_CONNECTION -> {
                prepared.clear();
                rules.forgetTemporaryTables();
                sql.state().reset();
                toAll(packet, cmd, true);
            }
            default -> toOne(packet, cmd, primary, false);
        }
    }

    private void routeText(ByteBuf packet, Classification c) {
        statement = c;
        RoutingRules.Target t = rules.decide(c, inTransaction || !autocommit, readOnlyTrxTarget != null);
        boolean free = !inTransaction && autocommit && readOnlyTrxTarget == null;
        Endpoint hint = t == RoutingRules.Target.ALL ? null
                : HintRouting.target(hints, c, free, primary, replicas, lastReadTarget, this::chooseReplica);
        if (hint != null) {
            lastWasWrite = hint == primary && !c.isReadOnlySafe();
            if (hint == primary) {
                toOne(packet, COM_QUERY, primary, false);
            } else {
                lastReadTarget = hint;
                readOn(packet, COM_QUERY, hint, null);
            }
            return;
        }
        switch (t) {
            case ALL -> toAll(packet, COM_QUERY, true);
            case REPLICA -> {
                Endpoint r = chooseReplica();
                lastReadTarget = r != null ? r : primary;
                readOn(packet, COM_QUERY, r, null);
            }
            case READ_ONLY_TRX_START -> {
                Endpoint r = chooseReplica();
                readOnlyTrxTarget = r;
                router.roTransactions.increment();
                toOne(packet, COM_QUERY, r != null ? r : primary, false);
            }
            case READ_ONLY_TRX -> toOne(packet, COM_QUERY, readOnlyTrxTarget, false);
            case READ_ONLY_TRX_END -> {
                Endpoint target = readOnlyTrxTarget;
                readOnlyTrxTarget = null;
                toOne(packet, COM_QUERY, target, false);
            }
            case LAST_READ -> toOne(packet, COM_QUERY, lastReadTarget != null && !lastReadTarget.isClosed()
                    ? lastReadTarget : primary, false);
            default -> {
                if (c.is(io.gatehouse.sql.QueryType.BEGIN_TRX)) {
                    router.rwTransactions.increment();
                }
                lastWasWrite = !c.isReadOnlySafe();
                toOne(packet, COM_QUERY, primary, false);
            }
        }
    }

    private void routeExecute(ByteBuf packet, int cmd) {
        PreparedStatements.Entry en = prepared.get(PreparedStatements.statementId(packet));
        statement = en == null ? null : en.classification;
        Endpoint target;
        if (en != null && en.longDataTarget != null) {
            // The execution consumes the long data, so it runs where the long data went.
            target = en.longDataTarget;
            en.longDataTarget = null;
            if (!target.isReady()) {
                packet.release();
                ctx.clientError(1, 2013, "HY000", "Lost connection to backend server '" + target.server().name()
                        + "' that holds the long data of the statement being executed");
                ctx.commandDone();
                return;
            }
        } else {
            target = executionTarget(en, cmd);
        }
        if (en != null) {
            en.lastExecuted = target;
        }
        if (cmd == COM_STMT_EXECUTE) {
            packet = PreparedStatements.withTypes(packet, en, target, ctx.alloc());
        }
        if (target != primary && target != readOnlyTrxTarget) {
            readOn(PreparedStatements.withStatementId(packet, en, target), cmd, target, en);
            return;
        }
        lastWasWrite = target == primary && (en == null || !en.classification.isReadOnlySafe());
        toOne(PreparedStatements.withStatementId(packet, en, target), cmd, target, false);
    }

    /** Where an execution of {@code en} runs now: a replica for a free autocommit read, else the primary. */
    private Endpoint executionTarget(PreparedStatements.Entry en, int cmd) {
        if (en != null && cmd == COM_STMT_EXECUTE && !inTransaction && autocommit && readOnlyTrxTarget == null
                && en.classification.isReadOnlySafe() && !rules.readsTemporaryTable(en.classification)) {
            Endpoint r = chooseReplica();
            if (r != null && en.ids.containsKey(r)) {
                return r;
            }
        } else if (en != null && readOnlyTrxTarget != null && en.ids.containsKey(readOnlyTrxTarget)) {
            return readOnlyTrxTarget;
        }
        return primary;
    }

    /**
     * COM_STMT_SEND_LONG_DATA goes only to the connection that will run the next execution of the statement (chosen
     * now and kept until that execution or a COM_STMT_RESET): a server keeps long data until it executes, so a copy
     * on any other connection would be used by a later execution there in place of that execution's own value.
     * No reply.
     */
    private void sendLongData(ByteBuf packet) {
        PreparedStatements.Entry en = prepared.get(PreparedStatements.statementId(packet));
        if (en == null) {
            // An unknown statement: the primary answers the execution with the server's own error.
            if (primary != null && primary.isReady()) {
                primary.write(packet, COM_STMT_SEND_LONG_DATA);
            } else {
                packet.release();
            }
            return;
        }
        if (en.longDataTarget == null) {
            en.longDataTarget = executionTarget(en, COM_STMT_EXECUTE);
        }
        Endpoint target = en.longDataTarget;
        if (target == null || !target.isReady() || !en.ids.containsKey(target)) {
            // The execution reports the lost connection.
            packet.release();
            return;
        }
        target.write(PreparedStatements.withStatementId(packet, en, target), COM_STMT_SEND_LONG_DATA);
    }

    /** Sends a read to {@code replica}, first making sure it has the session's own writes (causal reads). */
    private void readOn(ByteBuf packet, int cmd, Endpoint replica, PreparedStatements.Entry entry) {
        if (replica == null || replica == primary) {
            toOne(PreparedStatements.withStatementId(packet, entry, primary), cmd, primary, false);
            return;
        }
        waitingEntry = entry;
        if (causal.needsGtid() && primary != null && primary.isReady()) {
            waitingRead = packet;
            waitingCommand = cmd;
            waitingReplica = replica;
            fetchingGtid = true;
            internalTarget = primary;
            primary.write(causal.gtidQuery(ctx.alloc()), COM_QUERY);
            return;
        }
        if (causal.needsWait(replica)) {
            waitingRead = packet;
            waitingCommand = cmd;
            waitingReplica = replica;
            fetchingGtid = false;
            internalTarget = replica;
            replica.write(causal.waitQuery(ctx.alloc()), COM_QUERY);
            return;
        }
        toOne(packet, cmd, replica, cmd == COM_QUERY);
    }

    /** An internal causal-reads query finished; carry on with the read it was for. */
    private void internalDone(Reply reply) {
        Endpoint replica = waitingReplica;
        internalTarget = null;
        if (fetchingGtid) {
            fetchingGtid = false;
            causal.gtidFetched(ctx.clientCapabilities());
            if (!replica.isClosed() && causal.needsWait(replica)) {
                internalTarget = replica;
                replica.write(causal.waitQuery(ctx.alloc()), COM_QUERY);
                return;
            }
        } else {
            causal.release();
            if (reply.isError()) {
                // The replica did not catch up in time: the read goes to the primary instead.
                replica = primary;
            } else {
                causal.caughtUp(replica);
            }
        }
        ByteBuf read = waitingRead;
        waitingRead = null;
        waitingReplica = null;
        Endpoint target = replica != null && replica.isReady() ? replica : primary;
        // A prepared statement has another id on the primary.
        toOne(PreparedStatements.withStatementId(read, waitingEntry, target), waitingCommand, target, waitingCommand == COM_QUERY);
    }

    /** The replica for a read (opening replacements first when some are missing), or the primary, or null. */
    private Endpoint chooseReplica() {
        if (history.usable()) {
            replicaSet.topUp(ctx, primary, router.context.params().integer("max_slave_connections"), rules);
        }
        return replicaSet.choose(primary, rules);
    }

    private void toOne(ByteBuf packet, int cmd, Endpoint target, boolean retryable) {
        if (target == null && primary == null
                && "fail_on_write".equals(router.context.params().string("master_failure_mode"))) {
            packet.release();
            ctx.fail(1290, "HY000", "The primary of service '" + router.context.serviceName()
                    + "' is lost; the session ends at its first write (master_failure_mode=fail_on_write)");
            return;
        }
        if (target == null || !target.isReady()) {
            packet.release();
            ctx.clientError(1, 2003, "HY000", target == null
                    ? "No primary server is available for this statement"
                    : "The server chosen for this statement is not available");
            ctx.commandDone();
            return;
        }
        if (target == primary) {
            router.routeMaster.increment();
        } else {
            router.routeSlave.increment();
        }
        router.routedTo(target.server().name());
        replyOwner = target;
        pending.clear();
        pending.add(target);
        releaseRetryCopy();
        if (retryable) {
            retryCopy = packet.retainedDuplicate();
        }
        target.write(packet, cmd);
    }

    /** Session commands: every connection runs them; the client gets the primary's (or first) reply. */
    private void toAll(ByteBuf packet, int cmd, boolean hasReply) {
        router.routeAll.increment();
        if (cmd == COM_RESET_CONNECTION) {
            history.clear();
        } else {
            history.add(packet, cmd);
        }
        List<Endpoint> all = connected();
        if (all.isEmpty()) {
            packet.release();
            ctx.fail(2003, "HY000", "No server is connected");
            return;
        }
        replyOwner = all.get(0);
        pending.clear();
        releaseRetryCopy();
        for (Endpoint e : all) {
            if (hasReply) {
                pending.add(e);
            }
            e.write(packet.retainedDuplicate(), cmd);
        }
        packet.release();
    }

    /** COM_STMT_CLOSE to every connection, each with its own statement id; no reply. */
    private void toAllStatements(ByteBuf packet, int cmd, PreparedStatements.Entry en) {
        if (en != null) {
            for (Map.Entry<Endpoint, Long> id : en.ids.entrySet()) {
                if (id.getKey().isReady()) {
                    ByteBuf copy = packet.copy();
                    copy.setIntLE(copy.readerIndex() + 5, id.getValue().intValue());
                    id.getKey().write(copy, cmd);
                }
            }
        }
        packet.release();
    }

    private List<Endpoint> connected() {
        List<Endpoint> all = new ArrayList<>();
        if (primary != null && primary.isReady()) {
            all.add(primary);
        }
        for (Endpoint r : replicas) {
            if (r.isReady()) {
                all.add(r);
            }
        }
        return all;
    }

    @Override
    public void clientReply(Endpoint from, ByteBuf buf, Reply reply) {
        if (joining.contains(from)) {
            // A replacement connection replaying the session's history: its answers are not the client's.
            buf.release();
            if (reply != null && history.replied(from, reply, prepared)) {
                joining.remove(from);
                if (!from.isClosed()) {
                    replicas.add(from);
                }
            }
            return;
        }
        if (sql.isAsking(from)) {
            if (sql.collect(ctx.alloc(), buf, reply, ctx.clientCapabilities())) {
                if (loginOk != null) {
                    finishLoginIfDone();
                } else {
                    ctx.commandDone();
                }
            }
            return;
        }
        if (from == internalTarget) {
            causal.collect(ctx.alloc(), buf);
            if (reply != null) {
                internalDone(reply);
            }
            return;
        }
        if (from == replyOwner && pending.contains(from)) {
            ownerStarted = true;
            ctx.clientWrite(buf);
        } else {
            buf.release();
        }
        if (reply == null) {
            return;
        }
        // Only OK and EOF packets carry the server status; prepare responses and errors do not.
        if (from == primary && (reply.kind() == Reply.Kind.OK || reply.kind() == Reply.Kind.RESULT_SET)) {
            inTransaction = (reply.status() & IN_TRANS) != 0;
            autocommit = (reply.status() & AUTOCOMMIT) != 0;
        }
        if (!pending.remove(from)) {
            return;
        }
        replies.put(from, reply);
        if (pending.isEmpty()) {
            complete();
        }
    }

    private void complete() {
        Reply owner = replies.get(replyOwner);
        if (command == COM_STMT_PREPARE && owner != null && owner.kind() == Reply.Kind.PREPARE_OK) {
            Map<Endpoint, Long> ids = new HashMap<>();
            replies.forEach((e, r) -> {
                if (r.kind() == Reply.Kind.PREPARE_OK) {
                    ids.put(e, r.statementId());
                }
            });
            clientStatementId = owner.statementId();
            prepared.add(clientStatementId, ids, preparing, owner.parameterCount());
            history.prepared(clientStatementId);
        }
        if (owner != null && replies.size() > 1) {
            // A connection that disagrees with the one the client saw would diverge: drop it.
            for (Map.Entry<Endpoint, Reply> e : new ArrayList<>(replies.entrySet())) {
                if (e.getKey() != replyOwner && e.getValue().isError() != owner.isError()) {
                    dropReplica(e.getKey());
                }
            }
        }
        if (command == COM_QUERY && owner != null && !owner.isError()) {
            rules.afterStatement();
        }
        if (owner != null && !owner.isError()) {
            sql.state().afterStatement(statement, owner);
        }
        if (lastWasWrite && replyOwner == primary && owner != null && !owner.isError()) {
            causal.wrote();
        }
        releaseRetryCopy();
        replies.clear();
        if (sql.needsAsking() && primary != null && primary.isReady()) {
            // The client has its reply; the next command waits until the server has told the new sql_mode.
            sql.ask(primary, ctx.alloc());
            return;
        }
        ctx.commandDone();
    }

    @Override
    public void sessionReset() {
        history.clear();
        prepared.clear();
        rules.forgetTemporaryTables();
        sql.state().reset();
        inTransaction = false;
        autocommit = true;
        readOnlyTrxTarget = null;
    }

    private void dropReplica(Endpoint e) {
        if (e == primary) {
            return;
        }
        replicas.remove(e);
        prepared.forget(e);
        e.close();
    }

    private void releaseRetryCopy() {
        if (retryCopy != null) {
            retryCopy.release();
            retryCopy = null;
        }
    }

    @Override
    public void close() {
        releaseRetryCopy();
        if (sql != null) {
            sql.abandon();
        }
        history.clear();
        causal.release();
        if (waitingRead != null) {
            waitingRead.release();
            waitingRead = null;
        }
        if (loginOk != null) {
            loginOk.release();
            loginOk = null;
        }
    }
}
