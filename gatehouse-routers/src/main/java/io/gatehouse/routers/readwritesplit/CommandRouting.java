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
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.sql.Classification;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Routes each client command of one readwritesplit session to its connection(s): writes, transactions and anything
 * unsure to the primary, autocommit reads to a replica (through {@link CausalWait} when reads are causal), session
 * commands to every connection, prepared-statement commands where their statement lives, routing hints and
 * {@code EXPLAIN ROUTE} included; counts what it routes. It owns what the session knows of the command being routed
 * (its statement, whether it writes, its hints); the session's other parts ({@link TargetChoice},
 * {@link CommandReplies}, {@link PreparedStatements}, {@link SessionHistory}, {@link TransactionState}) keep theirs.
 * Confined to the session's worker thread; owns each command packet it is given until it is written to a
 * connection or released.
 */
final class CommandRouting {
    /** The session's parts this routing reads and drives; made by {@link RwSplitSession} at start. */
    record Parts(ReadWriteSplit router, RoutingRules rules, RouterSessionContext ctx, Supplier<Endpoint> primaryNow,
                 ReplicaSet replicaSet, SessionSqlContext sql, PreparedStatements prepared, CommandReplies replies,
                 TransactionState trx, TargetChoice targets, CausalReads causal, CausalWait causalWait,
                 SessionHistory history, PrimaryRecovery recovery) {
    }

    private final ReadWriteSplit router;
    private final RoutingRules rules;
    private final RouterSessionContext ctx;
    private final Supplier<Endpoint> primaryNow;
    private final ReplicaSet replicaSet;
    private final List<Endpoint> replicas;
    private final SessionSqlContext sql;
    private final PreparedStatements prepared;
    private final CommandReplies replies;
    private final TransactionState trx;
    private final TargetChoice targets;
    private final CausalReads causal;
    private final CausalWait causalWait;
    private final SessionHistory history;
    private final PrimaryRecovery recovery;

    /** The statement in progress (COM_QUERY, or the prepared statement of an execute), for what it changes. */
    private Classification statement;
    /** The statement of the COM_STMT_PREPARE in progress. */
    private Classification preparing;
    /** True when the command in progress went to the primary and may write. */
    private boolean lastWasWrite;
    /** The routing hints of the command being routed; empty between commands. */
    private List<RouteHint> hints = List.of();
    /** The connection the last statement was routed to, and its server's count of routed statements. */
    private Endpoint countedTarget;
    private WorkerCounter.Local countedRoutes;
    /**
     * The running worker's counts of the service: only that thread may bump them. A session can move to another
     * worker between commands (thread rebalancing), so they are taken again when a command runs on another thread
     * than {@link #countingThread}; bumping the old worker's from here would race with its own sessions.
     */
    private WorkerCounter.Local queryCount;
    private WorkerCounter.Local masterCount;
    private WorkerCounter.Local slaveCount;
    /** The thread the counts above belong to. */
    private Thread countingThread;

    CommandRouting(Parts p) {
        this.router = p.router();
        this.rules = p.rules();
        this.ctx = p.ctx();
        this.primaryNow = p.primaryNow();
        this.replicaSet = p.replicaSet();
        this.replicas = replicaSet.ready;
        this.sql = p.sql();
        this.prepared = p.prepared();
        this.replies = p.replies();
        this.trx = p.trx();
        this.targets = p.targets();
        this.causal = p.causal();
        this.causalWait = p.causalWait();
        this.history = p.history();
        this.recovery = p.recovery();
        takeCounters();
    }

    /** Takes the calling worker's counts (at start, and after the session moved to another worker). */
    private void takeCounters() {
        countingThread = Thread.currentThread();
        queryCount = router.queries.local();
        masterCount = router.routeMaster.local();
        slaveCount = router.routeSlave.local();
        countedTarget = null;                               // its per-server count is the old worker's too
        countedRoutes = null;
    }

    private Endpoint primary() {
        return primaryNow.get();
    }

    /** The statement in progress (or the prepared statement executed), null for other commands. */
    Classification statement() {
        return statement;
    }

    /** The statement of the last COM_STMT_PREPARE routed. */
    Classification preparing() {
        return preparing;
    }

    /** True when the command in progress went to the primary and may write. */
    boolean lastWasWrite() {
        return lastWasWrite;
    }

    /** Routes {@code in} (owned from here on) with the routing hints its filters attached. */
    void routeQuery(Command in) {
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
        if (Thread.currentThread() != countingThread) {
            takeCounters();
        }
        queryCount.increment();
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
                Endpoint target = en != null && en.lastExecuted != null ? en.lastExecuted : primary();
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
            case COM_STMT_SEND_LONG_DATA -> prepared.sendLongData(packet, primary(), targets);
            case COM_INIT_DB, COM_SET_OPTION -> toAll(packet, cmd, true);
            case COM_RESET_CONNECTION -> {
                prepared.clear();
                rules.forgetTemporaryTables();
                sql.state().reset();
                toAll(packet, cmd, true);
            }
            default -> toOne(packet, cmd, primary(), false);
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
                : HintRouting.target(hints, c, free, primary(), replicas, targets.lastRead, targets::replica);
        if (hint != null) {
            lastWasWrite = hint == primary() && !c.isReadOnlySafe();
            if (hint == primary()) {
                toOne(packet, COM_QUERY, primary(), false);
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
                targets.lastRead = r != null ? r : primary();
                causalWait.readOn(packet, COM_QUERY, r, null);
            }
            case READ_ONLY_TRX_START -> {
                Endpoint r = targets.replica();
                router.roTransactions.increment();
                if (r != null && r != primary() && causal.mode() != CausalMode.NONE) {
                    causalWait.readOnlyTransactionOn(packet, r, trx::readOnlyTarget);
                    return;
                }
                trx.readOnlyTarget(r);
                toOne(packet, COM_QUERY, r != null ? r : primary(), false);
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
                toOne(packet, COM_QUERY, primary(), false);
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
                : HintRouting.target(hints, c, trx.free(), primary(), replicas, targets.lastRead,
                        () -> replicaSet.choose(primary(), rules));
        Endpoint read = null;
        if (hint == null && (d.target() == RoutingRules.Target.REPLICA
                || d.target() == RoutingRules.Target.READ_ONLY_TRX_START)) {
            read = replicaSet.choose(primary(), rules);
        }
        List<Endpoint> chosen = new ArrayList<>();
        Endpoint one = hint != null ? hint : switch (d.target()) {
            case ALL -> null;
            case REPLICA, READ_ONLY_TRX_START -> read != null ? read : primary();
            case READ_ONLY_TRX, READ_ONLY_TRX_END -> trx.readOnlyTarget();
            case LAST_READ -> targets.lastReadOrPrimary();
            default -> primary();
        };
        if (hint == null && d.target() == RoutingRules.Target.ALL) {
            chosen.addAll(connected());
        } else if (one != null) {
            chosen.add(one);
        }
        String transaction = trx.readOnlyTarget() != null ? "read-only, on " + trx.readOnlyTarget().server().name()
                : trx.inTransaction() ? "read-write" : trx.open() ? "autocommit off" : "none";
        return new ExplainRoute.Facts(c, transaction, hints, d, hint, chosen, ctx.targets(), primary(), replicas,
                replicaSet.joining, rules);
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
        if (target != primary() && target != trx.readOnlyTarget()) {
            causalWait.readOn(PreparedStatements.withStatementId(packet, en, target), cmd, target, en);
            return;
        }
        lastWasWrite = target == primary() && (en == null || !en.classification.isReadOnlySafe());
        toOne(PreparedStatements.withStatementId(packet, en, target), cmd, target, false);
    }

    /** Sends {@code packet} (owned) to {@code target} alone, whose reply the client gets. */
    void toOne(ByteBuf packet, int cmd, Endpoint target, boolean retryable) {
        if (target == null && primary() == null
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
        if (target == primary()) {
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
        if (target == primary() && recovery.beforePrimaryWrite(target, packet, cmd)) {
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
        if (primary() != null && primary().isReady()) {
            all.add(primary());
        }
        for (Endpoint r : replicas) {
            if (r.isReady()) {
                all.add(r);
            }
        }
        return all;
    }
}
