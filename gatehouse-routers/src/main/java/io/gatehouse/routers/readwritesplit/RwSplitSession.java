package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_INIT_DB;
import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_STMT_PREPARE;
import static io.gatehouse.protocol.Commands.COM_STMT_EXECUTE;
import static io.gatehouse.protocol.Commands.COM_STMT_CLOSE;
import static io.gatehouse.protocol.Commands.COM_STMT_SEND_LONG_DATA;
import static io.gatehouse.protocol.Commands.COM_STMT_RESET;
import static io.gatehouse.protocol.Commands.COM_SET_OPTION;
import static io.gatehouse.protocol.Commands.COM_STMT_FETCH;
import static io.gatehouse.protocol.Commands.COM_RESET_CONNECTION;
import static io.gatehouse.protocol.Commands.COM_STMT_BULK_EXECUTE;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.sql.Classification;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One client session of readwritesplit: connects the primary and the replicas, routes each command by what it does
 * (writes, transactions and anything unsure to the primary; autocommit reads to a replica; session commands to
 * every connection, answering with the primary's reply), maps prepared-statement ids per connection, and forwards
 * only the chosen connection's reply bytes. The parts that own their state: {@link SessionLogin} (connections
 * opening, the client's OK), {@link TransactionState}, {@link TargetChoice} (which replica reads),
 * {@link CausalWait} (a read held for causal reads), {@link CommandReplies} (who owes the reply to the command in
 * progress), {@link PreparedStatements}, {@link SessionHistory} and {@link SessionSqlContext}; this class routes
 * each command through them. Confined to the session's worker thread; owns each command packet it is given until
 * written, and each reply chunk until forwarded or released.
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
    private final SessionLogin login = new SessionLogin();
    private final PreparedStatements prepared = new PreparedStatements();
    /** The command in progress: who owes a reply, whose reply the client gets. */
    private final CommandReplies replies = new CommandReplies();
    private Classification preparing;
    private long clientStatementId;
    private final TransactionState trx = new TransactionState();
    private final TargetChoice targets;
    private final CausalReads causal;
    private final CausalWait causalWait;
    private final SessionHistory history;
    /** Replacement replica connections, logging in or replaying the history; not used for reads yet. */
    private final Set<Endpoint> joining = replicaSet.joining;
    private boolean lastWasWrite;
    private final IdlePrimaryProbe idlePrimary = new IdlePrimaryProbe();
    /** Follows the primary: role checks, reconnection, delayed retry, transaction replay. */
    private final PrimaryRecovery recovery;

    RwSplitSession(ReadWriteSplit router) {
        this.router = router;
        this.rules = new RoutingRules(router.context.params(), text -> sql.state().classify(text));
        this.history = new SessionHistory(router.context.params().integer("max_sescmd_history"),
                router.context.params().bool("prune_sescmd_history"),
                router.context.params().bool("disable_sescmd_history"));
        this.causal = new CausalReads(router.causalMode, router.serviceGtid,
                router.context.params().duration("causal_reads_timeout").toSeconds());
        this.causalWait = new CausalWait(causal, () -> primary, replicas, this::toOne);
        this.targets = new TargetChoice(router, rules, replicaSet, history, trx, () -> primary, this::dropReplica);
        this.recovery = new PrimaryRecovery(ReplayConfig.of(router.context.params()), router.replay, history,
                prepared, trx,
                new PrimaryRecovery.Session(() -> primary, e -> primary = e, this::dropConnection, this::routeQuery,
                        () -> rules.temporaryTablesBindToPrimary()));
    }

    /** Closes {@code e} (a primary that lost its role or its connection) and forgets what was kept about it. */
    private void dropConnection(Endpoint e) {
        prepared.forget(e);
        causal.forget(e);
        history.forget(e);
        e.close();
    }

    @Override
    public void start(RouterSessionContext context) {
        this.ctx = context;
        this.queryCount = router.queries.local();
        this.masterCount = router.routeMaster.local();
        this.slaveCount = router.routeSlave.local();
        this.sql = new SessionSqlContext(context.sqlState());
        causalWait.start(context);
        recovery.start(context);
        targets.start(context);
        primary = login.open(context, router.context.params(), router.context.serviceName(), replicas);
    }

    @Override
    public void endpointReady(Endpoint e, ByteBuf ok) {
        if (idlePrimary.isProbe(e)) {
            idlePrimary.probeReady(ctx, ok);
            return;
        }
        if (recovery.owns(e)) {
            recovery.ready(e, ok);
            return;
        }
        if (joining.contains(e)) {
            ok.release();
            if (!history.startReplay(e)) {
                joining.remove(e);
                replicas.add(e);
            }
            return;
        }
        if (login.ready(e, ok, primary)) {
            sql.ask(e, ctx.alloc());
        }
        finishLoginIfDone();
    }

    private void finishLoginIfDone() {
        login.finishIfDone(ctx, sql.asking());
    }

    @Override
    public void endpointFailed(Endpoint e, int code, String sqlState, String message) {
        if (idlePrimary.isProbe(e)) {
            idlePrimary.probeFailed();
            return;
        }
        if (recovery.owns(e)) {
            recovery.failed(e);
            return;
        }
        if (sql.isAsking(e)) {
            sql.abandon();
            if (login.holdsOk()) {
                ctx.fail(code, sqlState, message);
                return;
            }
            ctx.commandDone();
        }
        boolean wasConnecting = login.failed(e);
        prepared.forget(e);
        causal.forget(e);
        history.forget(e);
        if (joining.remove(e)) {
            return;
        }
        if (causalWait.isInternalTarget(e) && e != primary) {
            // The replica a read waited for is gone: read on the primary.
            replicas.remove(e);
            causalWait.readOnPrimaryInstead();
            return;
        }
        if (e == primary) {
            boolean inFlight = replies.lost(e) || causalWait.isInternalTarget(e);
            if (recovery.primaryLost(e, inFlight, replies.started())) {
                return;                                      // it goes on on a new primary
            }
            primary = null;
            if (inFlight || wasConnecting || trx.inTransaction()
                    || "fail_instantly".equals(router.context.params().string("master_failure_mode"))) {
                ctx.fail(code, sqlState, message);
                return;
            }
            if (rules.temporaryTablesBindToPrimary()) {
                ctx.fail(code, sqlState, message + " (the session's temporary tables were on it; strict_tmp_tables)");
                return;
            }
            // fail_on_write / error_on_write: reads go on on the replicas; a write decides. Unless the server is up
            // and ended this idle session (wait_timeout, KILL): then the session ends, as directly.
            idlePrimary.primaryClosedIdle(ctx, e.server());
            return;
        }
        replicas.remove(e);
        if (wasConnecting) {
            if (login.nothingConnecting() && !login.holdsOk() && primary == null && replicas.isEmpty()) {
                ctx.fail(code, sqlState, message);
            } else {
                finishLoginIfDone();
            }
            return;
        }
        if (e == trx.readOnlyTarget()) {
            ctx.fail(code, sqlState, "Lost the replica of a read-only transaction: " + message);
            return;
        }
        if (replies.lost(e)) {
            if (e == replies.owner()) {
                ByteBuf again = rules.retryFailedReads() && primary != null ? replies.retryOn(primary) : null;
                if (again != null) {
                    // Nothing reached the client yet: the read runs again on the primary.
                    primary.write(again, replies.command);
                    return;
                }
                ctx.fail(2013, "HY000", "Lost connection to backend server '" + e.server().name() + "' during query");
                return;
            }
            if (replies.allArrived()) {
                complete();
            }
        }
    }

    private List<RouteHint> hints = List.of();
    /** The connection the last statement was routed to, and its server's count of routed statements. */
    private Endpoint countedTarget;
    private WorkerCounter.Local countedRoutes;
    /** This worker's counts of the service (taken at start, on the worker: only it bumps them). */
    private WorkerCounter.Local queryCount;
    private WorkerCounter.Local masterCount;
    private WorkerCounter.Local slaveCount;

    @Override
    public void routeQuery(Command in) {
        if (recovery.intercept(in)) {
            return;                                          // held until a primary is back
        }
        hints = in.hints();
        for (int i = 0, n = hints.size(); i < n; i++) {      // indexed: no iterator per statement
            RouteHint h = hints.get(i);
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
        queryCount.increment();
        idlePrimary.command();
        replies.begin(cmd);
        statement = null;
        lastWasWrite = false;
        switch (cmd) {
            case COM_QUERY -> {
                String explained = ExplainRoute.statementOf(packet);
                if (explained != null) {
                    packet.release();
                    explain(explained);
                } else {
                    routeText(packet, in.classification());
                }
            }
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
                PreparedStatements.closeEverywhere(packet, cmd, prepared.get(id));
                prepared.remove(id);
                history.closed(id);
            }
            case COM_STMT_SEND_LONG_DATA -> prepared.sendLongData(packet, primary, targets);
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
        if (ctx.tracing()) {
            ExplainRoute.Facts f = facts(c);
            ctx.traceDecision(ExplainRoute.rule(f), ExplainRoute.weighed(f));
        }
        RoutingRules.Target t = rules.decide(c, trx.open(), trx.inTransaction(), trx.readOnlyTarget() != null);
        boolean free = trx.free();
        Endpoint hint = t == RoutingRules.Target.ALL || hints.isEmpty() ? null
                : HintRouting.target(hints, c, free, primary, replicas, targets.lastRead, targets::replica);
        if (hint != null) {
            lastWasWrite = hint == primary && !c.isReadOnlySafe();
            if (hint == primary) {
                toOne(packet, COM_QUERY, primary, false);
            } else {
                targets.lastRead = hint;
                causalWait.readOn(packet, COM_QUERY, hint, null);
            }
            return;
        }
        switch (t) {
            case ALL -> toAll(packet, COM_QUERY, true);
            case REPLICA -> {
                Endpoint r = targets.replica();
                targets.lastRead = r != null ? r : primary;
                causalWait.readOn(packet, COM_QUERY, r, null);
            }
            case READ_ONLY_TRX_START -> {
                Endpoint r = targets.replica();
                router.roTransactions.increment();
                if (r != null && r != primary && causal.mode() != CausalMode.NONE) {
                    causalWait.readOnlyTransactionOn(packet, r, trx::readOnlyTarget);
                    return;
                }
                trx.readOnlyTarget(r);
                toOne(packet, COM_QUERY, r != null ? r : primary, false);
            }
            case READ_ONLY_TRX -> toOne(packet, COM_QUERY, trx.readOnlyTarget(), false);
            case READ_ONLY_TRX_END -> {
                Endpoint target = trx.readOnlyTarget();
                trx.readOnlyTarget(null);
                toOne(packet, COM_QUERY, target, false);
            }
            case LAST_READ -> toOne(packet, COM_QUERY, targets.lastReadOrPrimary(), false);
            default -> {
                if (c.is(io.gatehouse.sql.QueryType.BEGIN_TRX)) {
                    router.rwTransactions.increment();
                }
                lastWasWrite = !c.isReadOnlySafe();
                toOne(packet, COM_QUERY, primary, false);
            }
        }
    }

    /** EXPLAIN ROUTE: where {@code text} would go and why, answered here; nothing runs and nothing changes. */
    private void explain(String text) {
        List<List<String>> rows = ExplainRoute.rows(facts(sql.state().classify(text)));
        ctx.clientWrite(ExplainRoute.resultSet(ctx.alloc(), ctx.clientCapabilities(), rows, trx.status()));
        ctx.commandDone();
    }

    /** What decides the route of {@code c} now, for EXPLAIN ROUTE and the session trace; changes nothing. */
    private ExplainRoute.Facts facts(Classification c) {
        RoutingRules.Decision d = rules.explain(c, trx.open(), trx.inTransaction(), trx.readOnlyTarget() != null);
        Endpoint hint = d.target() == RoutingRules.Target.ALL || hints.isEmpty() ? null
                : HintRouting.target(hints, c, trx.free(), primary, replicas, targets.lastRead,
                        () -> replicaSet.choose(primary, rules));
        Endpoint read = null;
        if (hint == null && (d.target() == RoutingRules.Target.REPLICA
                || d.target() == RoutingRules.Target.READ_ONLY_TRX_START)) {
            read = replicaSet.choose(primary, rules);
        }
        List<Endpoint> chosen = new ArrayList<>();
        Endpoint one = hint != null ? hint : switch (d.target()) {
            case ALL -> null;
            case REPLICA, READ_ONLY_TRX_START -> read != null ? read : primary;
            case READ_ONLY_TRX, READ_ONLY_TRX_END -> trx.readOnlyTarget();
            case LAST_READ -> targets.lastReadOrPrimary();
            default -> primary;
        };
        if (hint == null && d.target() == RoutingRules.Target.ALL) {
            chosen.addAll(connected());
        } else if (one != null) {
            chosen.add(one);
        }
        String transaction = trx.readOnlyTarget() != null ? "read-only, on " + trx.readOnlyTarget().server().name()
                : trx.inTransaction() ? "read-write" : trx.open() ? "autocommit off" : "none";
        return new ExplainRoute.Facts(c, transaction, hints, d, hint, chosen, ctx.targets(), primary, replicas,
                joining, rules);
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
            target = targets.execution(en, cmd);
        }
        if (en != null) {
            en.lastExecuted = target;
        }
        if (cmd == COM_STMT_EXECUTE) {
            packet = PreparedStatements.withTypes(packet, en, target, ctx.alloc());
        }
        if (target != primary && target != trx.readOnlyTarget()) {
            causalWait.readOn(PreparedStatements.withStatementId(packet, en, target), cmd, target, en);
            return;
        }
        lastWasWrite = target == primary && (en == null || !en.classification.isReadOnlySafe());
        toOne(PreparedStatements.withStatementId(packet, en, target), cmd, target, false);
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
            masterCount.increment();
        } else {
            slaveCount.increment();
        }
        if (target != countedTarget) {                      // the same connection again: no lookup by name
            countedTarget = target;
            countedRoutes = router.routedCounter(target.server().name());
        }
        countedRoutes.increment();
        replies.toOne(target, packet, retryable);
        if (target == primary && recovery.beforePrimaryWrite(target, packet, cmd)) {
            return;                                          // a COMMIT waits for its marker
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
        replies.toAll(all, hasReply);
        for (Endpoint e : all) {
            e.write(packet.retainedDuplicate(), cmd);
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
        if (from == primary) {
            idlePrimary.primaryReplied();
        }
        if (recovery.owns(from)) {
            recovery.reply(from, buf, reply);
            return;
        }
        if (recovery.markerReply(from, buf, reply)) {
            return;
        }
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
                if (login.holdsOk()) {
                    finishLoginIfDone();
                } else {
                    ctx.commandDone();
                }
            }
            return;
        }
        if (causalWait.isInternalTarget(from)) {
            causalWait.collect(buf, reply);
            return;
        }
        if (from == primary && reply != null && reply.isError() && from == replies.owner() && !replies.started()
                && recovery.interceptError(from, reply)) {
            buf.release();                                   // refused by a demoted primary: runs on the new one
            return;
        }
        if (replies.forwards(from)) {
            if (from == primary) {
                recovery.primaryBytes(buf);
            }
            if (reply != null && from == primary && lastWasWrite && !reply.isError()
                    && (reply.status() & io.gatehouse.protocol.StatusFlags.IN_TRANS) == 0
                    && causalWait.fetchAfterWrite(buf, () -> writeDone(from, reply))) {
                return; // causal_reads=global: the client hears of the write once the service knows its GTID
            }
            ctx.clientWrite(buf);
        } else {
            buf.release();
        }
        if (reply == null) {
            return;
        }
        if (from == primary) {
            trx.primaryReplied(reply);
            if (from == replies.owner()) {
                recovery.primaryCompleted(reply);
            }
        }
        if (replies.arrived(from, reply)) {
            complete();
        }
    }

    /** The write's GTID is known to the service: the client gets the held end of its reply. */
    private void writeDone(Endpoint from, Reply reply) {
        ctx.clientWrite(causalWait.takeHeldReply());
        trx.primaryReplied(reply);
        if (from == replies.owner()) {
            recovery.primaryCompleted(reply);
        }
        if (replies.arrived(from, reply)) {
            complete();
        }
    }

    private void complete() {
        Endpoint replyOwner = replies.owner();
        Reply owner = replies.replies().get(replyOwner);
        if (replies.command == COM_STMT_PREPARE && owner != null && owner.kind() == Reply.Kind.PREPARE_OK) {
            Map<Endpoint, Long> ids = new HashMap<>();
            replies.replies().forEach((e, r) -> {
                if (r.kind() == Reply.Kind.PREPARE_OK) {
                    ids.put(e, r.statementId());
                }
            });
            clientStatementId = owner.statementId();
            prepared.add(clientStatementId, ids, preparing, owner.parameterCount());
            history.prepared(clientStatementId);
        }
        if (owner != null && replies.replies().size() > 1) {
            // A connection that disagrees with the one the client saw would diverge: drop it.
            for (Map.Entry<Endpoint, Reply> e : new ArrayList<>(replies.replies().entrySet())) {
                if (e.getKey() != replyOwner && e.getValue().isError() != owner.isError()) {
                    dropReplica(e.getKey());
                }
            }
        }
        if (replies.command == COM_QUERY && owner != null && !owner.isError()) {
            rules.afterStatement();
        }
        if (owner != null && !owner.isError()) {
            sql.state().afterStatement(statement, owner);
        }
        if (lastWasWrite && replyOwner == primary && owner != null && !owner.isError()) {
            causal.wrote();
        }
        replies.finish();
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
        trx.reset();
    }

    private void dropReplica(Endpoint e) {
        if (e == primary) {
            return;
        }
        replicas.remove(e);
        prepared.forget(e);
        e.close();
    }

    @Override
    public void close() {
        idlePrimary.close();
        recovery.close();
        replies.releaseRetryCopy();
        if (sql != null) {
            sql.abandon();
        }
        history.clear();
        causalWait.close();
        login.close();
    }
}
