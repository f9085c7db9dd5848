package io.gatehouse.filters.optimistictrx;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one optimistictrx filter did, summed over the sessions of every worker (adders, so any thread may count and
 * the admin thread may read); for {@code GET /v1/filters/NAME}. Holds no buffers.
 */
final class TrxCounters {
    /** Transactions started as read-only in the client's place. */
    final LongAdder optimistic = new LongAdder();
    /** Of those, the ones that wrote: rolled back and replayed. */
    final LongAdder replayed = new LongAdder();
    /** Replays whose results differed from what the client had: the session was closed. */
    final LongAdder mismatches = new LongAdder();

    Map<String, Object> toMap() {
        return Map.of("optimistic_transactions", optimistic.sum(), "replayed_transactions", replayed.sum(),
                "checksum_mismatches", mismatches.sum());
    }
}
