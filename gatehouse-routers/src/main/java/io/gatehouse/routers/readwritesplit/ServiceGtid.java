package io.gatehouse.routers.readwritesplit;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The latest GTID position written through one readwritesplit service, which {@code causal_reads=global} and
 * {@code fast_global} reads must see: advanced by every session after each write (on any worker thread, lock free)
 * and cleared by the {@code reset-gtid} module command. Positions only move forward, per replication domain, so a
 * cluster whose GTIDs went back (replication reset) needs that command. Thread-safe; holds no buffers.
 */
final class ServiceGtid {
    private final AtomicReference<GtidPosition> latest = new AtomicReference<>(GtidPosition.EMPTY);

    GtidPosition get() {
        return latest.get();
    }

    void advance(GtidPosition p) {
        if (!p.isEmpty()) {
            latest.accumulateAndGet(p, GtidPosition::merge);
        }
    }

    void reset() {
        latest.set(GtidPosition.EMPTY);
    }
}
