package io.gatehouse.core.session;

import io.gatehouse.core.session.backend.BackendKiller;
import io.gatehouse.core.session.backend.BackendPool;
import io.gatehouse.core.session.login.HostBlocker;
import io.gatehouse.core.stats.StatementStats;
import io.gatehouse.core.worker.Workers;
import io.netty.channel.WriteBufferWaterMark;

/**
 * What every session shares: the session registry, the worker transport, the helper that runs KILL on backends, the
 * per-worker pools of idle backend connections, the write-queue water marks, the blocker of hosts that fail
 * authentication too often, the statement-retaining policy ({@code retain_last_statements},
 * {@code dump_last_statements}), whether super-user logins are warned about ({@code log_warn_super_user}), the
 * targets filters may open branches to, and the statement statistics (null when {@code statement_statistics} is
 * off). The water marks and the statement policy change at runtime ({@link #waterMarks}, {@link #statements(
 * StatementHistory.Policy)}, called on the admin thread): workers read them through volatile fields, without a
 * lock, and a session takes them when it starts or its connections open. Holds no buffers.
 */
public final class ProxyContext {
    private final SessionRegistry registry;
    private final Workers workers;
    private final BackendKiller killer;
    private final BackendPool pool;
    private final HostBlocker blocker;
    private final boolean warnSuperUser;
    private final BranchTargets branchTargets;
    private final StatementStats statementStats;
    /** One immutable object, so that a reader never sees a high mark of one change with the low mark of another. */
    private volatile WriteBufferWaterMark waterMark;
    private volatile StatementHistory.Policy statements;

    public ProxyContext(SessionRegistry registry, Workers workers, BackendKiller killer, BackendPool pool,
                        int writeqHighWater, int writeqLowWater, HostBlocker blocker,
                        StatementHistory.Policy statements, boolean warnSuperUser,
                        BranchTargets branchTargets, StatementStats statementStats) {
        this.registry = registry;
        this.workers = workers;
        this.killer = killer;
        this.pool = pool;
        this.blocker = blocker;
        this.warnSuperUser = warnSuperUser;
        this.branchTargets = branchTargets;
        this.statementStats = statementStats;
        this.statements = statements;
        waterMarks(writeqHighWater, writeqLowWater);
    }

    /** New write-queue water marks ({@code low} is capped at {@code high}); connections opened from now on use them. */
    public void waterMarks(int high, int low) {
        this.waterMark = new WriteBufferWaterMark(Math.min(low, high), high);
    }

    /** The statement policy sessions started from now on use. */
    public void statements(StatementHistory.Policy policy) {
        this.statements = policy;
    }

    public SessionRegistry registry() {
        return registry;
    }

    public Workers workers() {
        return workers;
    }

    public BackendKiller killer() {
        return killer;
    }

    public BackendPool pool() {
        return pool;
    }

    /** {@code writeq_high_water} and {@code writeq_low_water} as Netty's channel option. */
    public WriteBufferWaterMark waterMark() {
        return waterMark;
    }

    public int writeqHighWater() {
        return waterMark.high();
    }

    public int writeqLowWater() {
        return waterMark.low();
    }

    public HostBlocker blocker() {
        return blocker;
    }

    public StatementHistory.Policy statements() {
        return statements;
    }

    public boolean warnSuperUser() {
        return warnSuperUser;
    }

    public BranchTargets branchTargets() {
        return branchTargets;
    }

    public StatementStats statementStats() {
        return statementStats;
    }
}
