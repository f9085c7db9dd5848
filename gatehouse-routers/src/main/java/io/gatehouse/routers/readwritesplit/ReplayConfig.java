package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.config.Params;

/**
 * The readwritesplit settings that decide how a session survives the loss or change of its primary, read once from
 * the service's parameters: {@code transaction_replay} implies {@code delayed_retry} and {@code master_reconnection},
 * as MaxScale documents. Immutable; no buffers.
 *
 * @param reconnect        open a connection to the new primary and carry on (master_reconnection)
 * @param delayedRetry     hold a statement that needs a primary while there is none (delayed_retry)
 * @param retryTimeoutMs   how long it may be held (delayed_retry_timeout)
 * @param replay           keep the open transaction and replay it on the new primary (transaction_replay)
 * @param maxSize          the largest transaction kept, in bytes of its statements
 * @param attempts         replays one transaction may take
 * @param replayTimeoutMs  how long replaying one transaction may take in all, 0 for no limit
 * @param retryOnDeadlock  a transaction the server rolled back on a deadlock is replayed instead of failing
 * @param retryOnMismatch  a replay whose results differ is tried again (up to {@code attempts})
 * @param safeCommit       an interrupted COMMIT whose outcome cannot be checked is not replayed
 * @param checksum         full, result_only or no_insert_id
 * @param markerTable      the table the outcome of an interrupted COMMIT is checked in, empty for none
 */
record ReplayConfig(boolean reconnect, boolean delayedRetry, long retryTimeoutMs, boolean replay, long maxSize,
                    long attempts, long replayTimeoutMs, boolean retryOnDeadlock, boolean retryOnMismatch,
                    boolean safeCommit, String checksum, String markerTable) {

    static ReplayConfig of(Params p) {
        boolean replay = p.bool("transaction_replay");
        return new ReplayConfig(replay || p.bool("master_reconnection"), replay || p.bool("delayed_retry"),
                p.duration("delayed_retry_timeout").toMillis(), replay, p.size("transaction_replay_max_size"),
                p.integer("transaction_replay_attempts"), p.duration("transaction_replay_timeout").toMillis(),
                p.bool("transaction_replay_retry_on_deadlock"), p.bool("transaction_replay_retry_on_mismatch"),
                p.bool("transaction_replay_safe_commit"), p.string("transaction_replay_checksum"),
                p.string("transaction_replay_marker_table"));
    }
}
