package io.gatehouse.core.session;

import io.gatehouse.core.session.backend.BackendKiller;
import io.gatehouse.core.session.backend.BackendPool;
import io.gatehouse.core.session.login.HostBlocker;
import io.gatehouse.core.stats.StatementStats;
import io.gatehouse.core.worker.Workers;

/**
 * What every session shares: the session registry, the worker transport, the helper that runs KILL on backends, the
 * per-worker pools of idle backend connections, the write-queue water marks, the blocker of hosts that fail
 * authentication too often, the statement-retaining policy ({@code retain_last_statements},
 * {@code dump_last_statements}), whether super-user logins are warned about ({@code log_warn_super_user}), the
 * targets filters may open branches to, and the statement statistics (null when {@code statement_statistics} is
 * off). Immutable references to thread-safe objects.
 */
public record ProxyContext(SessionRegistry registry, Workers workers, BackendKiller killer, BackendPool pool,
                           int writeqHighWater, int writeqLowWater, HostBlocker blocker,
                           StatementHistory.Policy statements, boolean warnSuperUser,
                           BranchTargets branchTargets, StatementStats statementStats) {
}
