package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_STMT_EXECUTE;
import static io.gatehouse.protocol.StatusFlags.IN_TRANS;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.protocol.OkPacket;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How one readwritesplit session follows its primary: a write never goes to a connection whose server the monitor
 * no longer shows as Master; the session then connects the new Master ({@code master_reconnection}), waits for one
 * while there is none ({@code delayed_retry}, bounded by {@code delayed_retry_timeout}), brings it to the session's
 * state (its command history), replays the open transaction and checks each result against what the client saw
 * ({@code transaction_replay}), settles an interrupted COMMIT with the {@link CommitMarker}, and then runs the
 * command that was held or interrupted. Per session, on its worker thread; owns the copy of the command in progress,
 * the held command, the {@link TransactionLog} and the candidate connection's reply bytes.
 */
final class PrimaryRecovery {
    /**
     * What the recovery needs of the session that owns it: its primary, setting it (null: none), closing a
     * connection and forgetting what the session kept about it, routing a command again without a role check, and
     * whether the session's temporary tables tie it to its primary ({@code strict_tmp_tables}).
     */
    record Session(Supplier<Endpoint> primaryNow, Consumer<Endpoint> setPrimary, Consumer<Endpoint> dropper,
                   Consumer<Command> rerouter, BooleanSupplier temporaryTables) {
        Endpoint primary() {
            return primaryNow.get();
        }

        void primary(Endpoint e) {
            setPrimary.accept(e);
        }

        void drop(Endpoint e) {
            dropper.accept(e);
        }

        void reroute(Command c) {
            rerouter.accept(c);
        }

        boolean boundToPrimary() {
            return temporaryTables.getAsBoolean();
        }
    }

    private enum Phase { IDLE, WAITING, CONNECTING, HISTORY, CHECKING, REPLAYING }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PrimaryRecovery.class);
    private static final long POLL_MS = 200;
    private static final int READ_ONLY = 1290;
    private static final int DEADLOCK = 1213;

    private final ReplayConfig cfg;
    private final ReplayCounters counters;
    private final SessionHistory history;
    private final PreparedStatements prepared;
    private final TransactionState trx;
    private final Session session;
    private final TransactionLog log;
    private final CommitMarker marker;
    private RouterSessionContext ctx;

    /** A copy of the command in progress (client statement ids), its byte and what it does. */
    private ByteBuf current;
    private int currentCommand;
    private Classification currentClass;
    /** The command to run once a primary is back, owned here meanwhile. */
    private Command held;
    private boolean heldWasSent;
    private boolean commitInterrupted;
    private boolean bypass;
    private Phase phase = Phase.IDLE;
    private Endpoint candidate;
    private ServerView avoid;
    private long waitingSince;
    private int generation;
    private int replayed;
    private int attempts;
    private long trxRecoverySince;

    PrimaryRecovery(ReplayConfig cfg, ReplayCounters counters, SessionHistory history, PreparedStatements prepared, TransactionState trx,
                    Session session) {
        this.cfg = cfg;
        this.counters = counters;
        this.history = history;
        this.prepared = prepared;
        this.trx = trx;
        this.session = session;
        this.log = new TransactionLog(cfg.maxSize(), cfg.checksum());
        this.marker = new CommitMarker(cfg.replay() ? cfg.markerTable() : "");
    }

    void start(RouterSessionContext context) {
        this.ctx = context;
    }

    static boolean isMaster(ServerView s) {
        int st = s.status();
        return ServerStatus.has(st, ServerStatus.MASTER | ServerStatus.RUNNING)
                && (st & ServerStatus.MAINTENANCE) == 0;
    }

    // The command path.

    /**
     * A client command arrives. Returns true when the recovery took it (owned here): its primary lost its role or
     * is gone and it needs one. Otherwise keeps a copy of it for a later replay and lets the session route it.
     */
    boolean intercept(Command in) {
        boolean rerouted = bypass;
        bypass = false;
        marker.newCommand();
        if (!rerouted && phase == Phase.IDLE && needsCheck(in)) {
            Endpoint p = session.primary();
            boolean stale = p != null && (p.isClosed() || !isMaster(p.server()));
            if (stale) {
                session.drop(p);
                session.primary(null);
            }
            if (cfg.reconnect() && (stale || p == null)) {
                if (trx.open() && !(cfg.replay() && log.replayable())) {
                    in.packet().release();
                    ctx.fail(2013, "HY000", "Lost connection to the primary in the middle of a transaction that"
                            + " cannot be replayed" + (cfg.replay() ? " (larger than transaction_replay_max_size)"
                            : " (transaction_replay is off)"));
                    return true;
                }
                begin(in, false, false, stale ? p.server() : null);
                return true;
            }
        }
        keep(in);
        return false;
    }

    private boolean needsCheck(Command in) {
        Classification c = in.carriesSql() ? in.classification() : null;
        return !(in.command() == COM_QUERY && trx.free() && c != null && c.isReadOnlySafe());
    }

    /**
     * What {@code in} does: its SQL's classification, or for an execution that of its prepared statement, since
     * clients such as sysbench run BEGIN and COMMIT as prepared statements too; null when unknown.
     */
    private Classification classificationOf(Command in) {
        if (in.carriesSql()) {
            return in.classification();
        }
        if (in.command() == COM_STMT_EXECUTE) {
            PreparedStatements.Entry en = prepared.get(PreparedStatements.statementId(in.packet()));
            return en == null ? null : en.classification;
        }
        return null;
    }

    private void keep(Command in) {
        releaseCurrent();
        log.replyStarts();
        if (cfg.delayedRetry() || cfg.replay()) {
            current = in.packet().copy();
            currentCommand = in.command();
            currentClass = classificationOf(in);
        }
    }

    /**
     * The command in progress goes to the primary now ({@code packet} owned here): a COMMIT of a transaction that
     * wrote gets its marker first. Returns true when the packet was taken.
     */
    boolean beforePrimaryWrite(Endpoint primary, ByteBuf packet, int cmd) {
        if (!isCommit()) {
            return false;
        }
        if (marker.enabled() && log.wrote() && log.replayable()) {
            marker.markThenCommit(primary, packet, cmd, ctx.alloc());
            return true;
        }
        marker.sentUnmarked();
        return false;
    }

    /** Primary bytes the client gets: part of the checksum of the transaction's statement. */
    void primaryBytes(ByteBuf buf) {
        if (cfg.replay()) {
            log.replyBytes(buf);
        }
    }

    /** Swallows the commit marker's reply; true when {@code buf} (owned) was it. */
    boolean markerReply(Endpoint from, ByteBuf buf, Reply reply) {
        return from == session.primary() && marker.swallow(from, buf, reply, ctx);
    }

    /**
     * The primary answered the command in progress with an error, nothing of it forwarded yet: a read-only
     * refusal (the primary was demoted before the monitor said so) or a deadlock that rolled a replayable
     * transaction back is taken over: true, and the caller releases the error's bytes.
     */
    boolean interceptError(Endpoint p, Reply r) {
        if (current == null || !cfg.reconnect() || phase != Phase.IDLE) {
            return false;
        }
        boolean readOnly = r.errorCode() == READ_ONLY && cfg.delayedRetry();
        boolean deadlock = r.errorCode() == DEADLOCK && cfg.retryOnDeadlock() && cfg.replay() && trx.open()
                && log.replayable();
        if (!readOnly && !deadlock) {
            return false;
        }
        if (readOnly && trx.open() && !(cfg.replay() && log.replayable())) {
            return false;
        }
        session.drop(p);
        session.primary(null);
        begin(takeCurrent(), true, false, readOnly ? p.server() : null);
        return true;
    }

    /** The primary completed the command in progress: the transaction's log follows it. */
    void primaryCompleted(Reply r) {
        if (!cfg.replay()) {
            return;
        }
        if (trx.open()) {
            if (current != null) {
                boolean writes = currentClass == null || !currentClass.isReadOnlySafe();
                log.add(current, currentCommand, log.replyDone(r), writes);
            }
        } else {
            endTransaction();
        }
    }

    /**
     * The primary's connection failed. Returns true when the recovery takes over: a transaction (or the statement
     * in progress) can go on on a new primary. {@code inFlight}: it owed a reply; {@code started}: some of it
     * reached the client already.
     */
    boolean primaryLost(Endpoint e, boolean inFlight, boolean started) {
        if (!cfg.reconnect() || phase != Phase.IDLE || session.boundToPrimary()) {
            return false;
        }
        boolean canReplay = cfg.replay() && log.replayable();
        marker.lost();
        if (!inFlight) {
            if (trx.open() && canReplay) {
                session.drop(e);
                session.primary(null);
                return true;
            }
            return false;
        }
        if (started || current == null) {
            return false;
        }
        boolean safeAgain = currentClass != null && (currentClass.isReadOnlySafe()
                || currentClass.is(QueryType.BEGIN_TRX));
        if (trx.open() ? !canReplay : !safeAgain) {
            return false;
        }
        boolean commit = trx.open() && isCommit() && marker.commitSent();
        session.drop(e);
        session.primary(null);
        begin(takeCurrent(), true, commit, null);
        return true;
    }

    private boolean isCommit() {
        return (currentCommand == COM_QUERY || currentCommand == COM_STMT_EXECUTE) && currentClass != null
                && currentClass.is(QueryType.COMMIT);
    }

    private Command takeCurrent() {
        Command c = new Command(current, ctx.sqlState());
        current = null;
        return c;
    }

    // The recovery itself.

    private void begin(Command cmd, boolean wasSent, boolean commit, ServerView avoidServer) {
        if (session.boundToPrimary()) {
            // Its temporary tables existed only on the old primary: a silent move would lose them (MaxScale closes
            // such a session too).
            cmd.packet().release();
            ctx.fail(2013, "HY000", "Lost connection to the primary: the session's temporary tables were on it and"
                    + " cannot follow it to a new primary (strict_tmp_tables)");
            return;
        }
        held = cmd;
        heldWasSent = wasSent;
        commitInterrupted = commit;
        avoid = avoidServer;
        waitingSince = System.nanoTime();
        if (trx.open()) {
            if (attempts++ == 0) {
                trxRecoverySince = waitingSince;
            }
            // As in MaxScale 24.02, a transaction_replay_timeout alone bounds the replay; the count only without one.
            if (cfg.replayTimeoutMs() == 0 && attempts > cfg.attempts()) {
                failSession("the transaction was replayed " + cfg.attempts()
                        + " times already (transaction_replay_attempts)");
                return;
            }
        }
        tryConnect();
    }

    private void tryConnect() {
        phase = Phase.WAITING;
        long now = System.nanoTime();
        long waitedMs = (now - waitingSince) / 1_000_000;
        boolean replayTimedOut = trx.open() && cfg.replayTimeoutMs() > 0
                && (now - trxRecoverySince) / 1_000_000 > cfg.replayTimeoutMs();
        if (replayTimedOut) {
            failSession("the transaction could not be replayed within transaction_replay_timeout ("
                    + cfg.replayTimeoutMs() + " ms)");
            return;
        }
        if (waitedMs >= cfg.retryTimeoutMs()) {
            giveUp();
            return;
        }
        ServerView m = null;
        for (ServerView s : ctx.targets()) {
            if (s != avoid && isMaster(s) && ServerStatus.acceptsNewSessions(s.status())) {
                m = s;
                break;
            }
        }
        if (m != null) {
            counters.reconnections.increment();
            phase = Phase.CONNECTING;
            candidate = ctx.connect(m);
            return;
        }
        if (!cfg.delayedRetry()) {
            giveUp();
            return;
        }
        int gen = ++generation;
        ctx.schedule(() -> {
            if (gen == generation && phase == Phase.WAITING) {
                tryConnect();
            }
        }, POLL_MS);
    }

    private void giveUp() {
        phase = Phase.IDLE;
        Command c = held;
        held = null;
        if (!heldWasSent && !trx.open()) {
            // Held before it ran: it meets what a session without a primary meets (master_failure_mode).
            bypass = true;
            session.reroute(c);
            return;
        }
        c.packet().release();
        failSession("no primary became available within "
                + (cfg.delayedRetry() ? "delayed_retry_timeout" : "the session (delayed_retry is off)"));
    }

    private void failSession(String why) {
        phase = Phase.IDLE;
        if (held != null) {
            held.packet().release();
            held = null;
        }
        closeCandidate();
        ctx.fail(2013, "HY000", "Lost connection to the primary: " + why);
    }

    /** True for the connection the recovery opened. */
    boolean owns(Endpoint e) {
        return e != null && e == candidate;
    }

    void ready(Endpoint e, ByteBuf ok) {
        ok.release();
        phase = Phase.HISTORY;
        if (!history.startReplay(e)) {
            afterHistory();
        }
    }

    void failed(Endpoint e) {
        history.forget(e);
        prepared.forget(e);
        candidate = null;
        if (!cfg.delayedRetry()) {
            giveUp();
            return;
        }
        // Lost while connecting, settling or replaying: start over on whatever is the primary then.
        tryConnectLater();
    }

    private void tryConnectLater() {
        phase = Phase.WAITING;
        int gen = ++generation;
        ctx.schedule(() -> {
            if (gen == generation && phase == Phase.WAITING) {
                tryConnect();
            }
        }, POLL_MS);
    }

    /** Bytes from the candidate (owned here). */
    void reply(Endpoint e, ByteBuf buf, Reply r) {
        switch (phase) {
            case HISTORY -> {
                buf.release();
                if (r != null && history.replied(e, r, prepared)) {
                    if (e.isClosed()) {
                        failSession("the new primary refused the session's state (" + r.errorMessage() + ")");
                    } else {
                        afterHistory();
                    }
                }
            }
            case CHECKING -> {
                buf.release();
                if (r != null) {
                    settled(r);
                }
            }
            case REPLAYING -> {
                log.replyBytes(buf);
                buf.release();
                if (r != null) {
                    replayReply(r);
                }
            }
            default -> buf.release();
        }
    }

    private void afterHistory() {
        if (commitInterrupted && log.wrote()) {
            if (marker.checkable()) {
                phase = Phase.CHECKING;
                candidate.write(marker.checkQuery(ctx.alloc()), COM_QUERY);
                return;
            }
            if (cfg.safeCommit()) {
                failSession("a COMMIT was interrupted and its outcome cannot be checked (set"
                        + " transaction_replay_marker_table; transaction_replay_safe_commit forbids replaying it)");
                return;
            }
        }
        startReplay();
    }

    private void settled(Reply r) {
        if (r.isError()) {
            if (cfg.safeCommit()) {
                failSession("the outcome of an interrupted COMMIT could not be checked: " + r.errorMessage());
                return;
            }
            startReplay();
            return;
        }
        if (r.rows() == 0) {
            counters.commitsFoundAbsent.increment();
            startReplay();                                   // it did not commit: run it again
            return;
        }
        // It committed: the client gets the OK it missed, and the transaction is over.
        counters.commitsFoundCommitted.increment();
        Endpoint p = candidate;
        candidate = null;
        phase = Phase.IDLE;
        session.primary(p);
        held.packet().release();
        held = null;
        int status = trx.status() & ~IN_TRANS;
        trx.primaryReplied(new Reply(COM_QUERY, Reply.Kind.OK, 0, 0, 0, 0, 0, status, 0, "", "", null, 0, 0));
        endTransaction();
        ctx.clientWrite(OkPacket.write(ctx.alloc(), 1, 0, 0, status, 0, ""));
        ctx.commandDone();
    }

    private void startReplay() {
        replayed = 0;
        if (log.entries().isEmpty()) {
            finish();
            return;
        }
        phase = Phase.REPLAYING;
        counters.replayedTransactions.increment();
        sendReplayed();
    }

    private void sendReplayed() {
        TransactionLog.Entry en = log.entries().get(replayed);
        ByteBuf packet = en.packet().copy();
        if (en.command() == COM_STMT_EXECUTE) {
            PreparedStatements.Entry ps = prepared.get(PreparedStatements.statementId(packet));
            packet = PreparedStatements.withStatementId(
                    PreparedStatements.withTypes(packet, ps, candidate, ctx.alloc()), ps, candidate);
        }
        log.replyStarts();
        candidate.write(packet, en.command());
    }

    private void replayReply(Reply r) {
        long sum = log.replyDone(r);
        if (sum != log.entries().get(replayed).checksum()) {
            Endpoint c = candidate;
            LOG.warn("Replay of statement {} of {} (command {}, {} bytes) on {} gave {} ({} rows, error {}) where the"
                    + " client saw a different result", replayed + 1, log.entries().size(),
                    log.entries().get(replayed).command(), log.entries().get(replayed).packet().readableBytes(),
                    c.server().name(), r.kind(), r.rows(), r.errorCode());
            closeCandidate();
            if (cfg.retryOnMismatch() && (cfg.replayTimeoutMs() > 0 || attempts < cfg.attempts())) {
                attempts++;
                waitingSince = System.nanoTime();
                // The rows most likely differed because another transaction was changing them: give it a moment,
                // longer at each attempt, before starting over.
                phase = Phase.WAITING;
                int gen = ++generation;
                ctx.schedule(() -> {
                    if (gen == generation && phase == Phase.WAITING) {
                        tryConnect();
                    }
                }, Math.min(POLL_MS, 10L * attempts));
                return;
            }
            failSession("the replayed transaction gave a different result on " + c.server().name()
                    + " than the client saw (transaction_replay_checksum=" + cfg.checksum() + ")");
            return;
        }
        trx.primaryReplied(r);
        if (++replayed < log.entries().size()) {
            sendReplayed();
            return;
        }
        finish();
    }

    private void finish() {
        Endpoint p = candidate;
        candidate = null;
        phase = Phase.IDLE;
        session.primary(p);
        Command c = held;
        held = null;
        bypass = true;
        session.reroute(c);
    }

    private void endTransaction() {
        log.clear();
        attempts = 0;
    }

    private void closeCandidate() {
        if (candidate != null) {
            history.forget(candidate);
            prepared.forget(candidate);
            candidate.close();
            candidate = null;
        }
    }

    private void releaseCurrent() {
        if (current != null) {
            current.release();
            current = null;
        }
    }

    void close() {
        generation++;
        phase = Phase.IDLE;
        releaseCurrent();
        if (held != null) {
            held.packet().release();
            held = null;
        }
        closeCandidate();
        marker.close();
        log.clear();
    }
}
