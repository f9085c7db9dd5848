package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_STMT_PREPARE;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.router.RouterSessionContext;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One client session of readwritesplit: connects the primary and the replicas, hands each command to
 * {@link CommandRouting} (which decides where it goes), forwards only the chosen connection's reply bytes, and when
 * a command's replies are complete applies what they change (prepared-statement ids per connection, the session's
 * SQL state, causal-read positions, replicas that disagreed). It also reacts to connections that open, fail or are
 * replaced. The parts that own their state: {@link SessionLogin} (connections opening, the client's OK),
 * {@link TransactionState}, {@link TargetChoice} (which replica reads), {@link CausalWait} (a read held for causal
 * reads), {@link CommandReplies} (who owes the reply to the command in progress), {@link CommandRouting} (the
 * command being routed), {@link PreparedStatements}, {@link SessionHistory}, {@link SessionSqlContext} and
 * {@link PrimaryRecovery}; this class connects them. Confined to the session's worker thread; owns each reply chunk
 * until forwarded or released, and each command packet until it hands it to {@link CommandRouting}.
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
    private final SessionLogin login = new SessionLogin();
    private final PreparedStatements prepared = new PreparedStatements();
    /** The command in progress: who owes a reply, whose reply the client gets. */
    private final CommandReplies replies = new CommandReplies();
    private long clientStatementId;
    private final TransactionState trx = new TransactionState();
    private final TargetChoice targets;
    private final CausalReads causal;
    private final CausalWait causalWait;
    private final SessionHistory history;
    /** Replacement replica connections, logging in or replaying the history; not used for reads yet. */
    private final Set<Endpoint> joining = replicaSet.joining;
    private final IdlePrimaryProbe idlePrimary = new IdlePrimaryProbe();
    /** Follows the primary: role checks, reconnection, delayed retry, transaction replay. */
    private final PrimaryRecovery recovery;
    /** Routes each command (made at start, when the session's context and SQL state exist). */
    private CommandRouting routing;
    /**
     * After a restart: the replaced session's connections (until start) and then those this one took over, which
     * carry the client's state on their servers; a connection opened anew gets the session's history first. Else
     * null.
     */
    private Set<Endpoint> carried;

    RwSplitSession(ReadWriteSplit router) {
        this.router = router;
        this.rules = new RoutingRules(router.context.params(), text -> sql.state().classify(text));
        this.history = new SessionHistory(router.context.params().integer("max_sescmd_history"),
                router.context.params().bool("prune_sescmd_history"),
                router.context.params().bool("disable_sescmd_history"));
        this.causal = new CausalReads(router.causalMode, router.serviceGtid,
                router.context.params().duration("causal_reads_timeout").toSeconds());
        // The routing is made at start; the wait sends through it only once commands arrive.
        this.causalWait = new CausalWait(causal, () -> primary, replicas,
                (packet, cmd, target, retryable) -> routing.toOne(packet, cmd, target, retryable));
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

    /**
     * A restart: what only the router knows of the client's state moves here from {@code previous} (which is closed
     * next, its connections left alone): the prepared statements under the client's ids, the session command history,
     * the temporary tables and the other routing bindings, autocommit, the causal-read position.
     */
    @Override
    public void takeOver(RouterSession previous) {
        if (!(previous instanceof RwSplitSession p)) {
            return;
        }
        prepared.takeOver(p.prepared);
        history.takeOver(p.history);
        rules.takeOver(p.rules);
        trx.takeOver(p.trx);
        causal.takeOver(p.causal);
        carried = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (p.primary != null) {
            carried.add(p.primary);
        }
        carried.addAll(p.replicas);
    }

    @Override
    public void start(RouterSessionContext context) {
        this.ctx = context;
        this.sql = new SessionSqlContext(context.sqlState());
        this.routing = new CommandRouting(new CommandRouting.Parts(router, rules, context, () -> primary, replicaSet,
                sql, prepared, replies, trx, targets, causal, causalWait, history, recovery));
        causalWait.start(context);
        recovery.start(context);
        targets.start(context);
        primary = login.open(context, router.context.params(), router.context.serviceName(), replicas);
        if (carried != null) {
            keepCarried();
        }
    }

    /**
     * After a restart's connections were opened: those taken over from the replaced session (the same endpoints) stay
     * {@link #carried}; what was kept about the replaced session's others, which its pipeline closes, is forgotten.
     */
    private void keepCarried() {
        Set<Endpoint> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (primary != null && carried.contains(primary)) {
            taken.add(primary);
        }
        for (Endpoint e : replicas) {
            if (carried.contains(e)) {
                taken.add(e);
            }
        }
        for (Endpoint e : carried) {
            if (!taken.contains(e)) {
                prepared.forget(e);
                causal.forget(e);
            }
        }
        carried = taken;
    }

    /** True when {@code e}, a replica, was opened anew for a restarted session: it lacks the client's state. */
    private boolean newSinceRestart(Endpoint e) {
        return carried != null && e != primary && !carried.contains(e);
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
        } else if (newSinceRestart(e) && replicas.remove(e)) {
            // A replica the replaced session had no connection to: it serves reads once it has replayed the
            // client's session commands (USE, SET, prepares), or not at all when the history cannot bring it there.
            if (!history.usable()) {
                prepared.forget(e);
                e.close();
            } else if (history.startReplay(e)) {
                joining.add(e);
            } else {
                replicas.add(e);
            }
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


    @Override
    public void routeQuery(Command in) {
        if (recovery.intercept(in)) {
            return;                                          // held until a primary is back
        }
        idlePrimary.command();
        routing.routeQuery(in);
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
            if (reply != null && from == primary && routing.lastWasWrite() && !reply.isError()
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
            prepared.add(clientStatementId, ids, routing.preparing(), owner.parameterCount());
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
            sql.state().afterStatement(routing.statement(), owner);
        }
        if (routing.lastWasWrite() && replyOwner == primary && owner != null && !owner.isError()) {
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