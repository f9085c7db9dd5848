package io.gatehouse.routers.readwritesplit;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often the sessions of one readwritesplit service followed a new primary, replayed a transaction and settled
 * an interrupted COMMIT, for the router's diagnostics. Shared by the service's sessions, thread-safe; no buffers.
 */
final class ReplayCounters {
    final LongAdder reconnections = new LongAdder();
    final LongAdder replayedTransactions = new LongAdder();
    final LongAdder commitsFoundCommitted = new LongAdder();
    final LongAdder commitsFoundAbsent = new LongAdder();

    void into(Map<String, Object> d) {
        d.put("primary_reconnections", reconnections.sum());
        d.put("replayed_transactions", replayedTransactions.sum());
        d.put("interrupted_commits_found_committed", commitsFoundCommitted.sum());
        d.put("interrupted_commits_found_absent", commitsFoundAbsent.sum());
    }
}
