package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.gatehouse.api.server.ServerView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A session's replica connections: those ready for reads, those still joining (logging in or replaying the
 * session's history), and the choice of one for a read. Per session, on its worker thread; no buffers.
 */
final class ReplicaSet {
    /**
     * How often the targets are scanned for a replica the session lacks: far below the one attempt a second per
     * server, so a replacement is not noticeably later, and far above the rate of reads.
     */
    private static final long SCAN_INTERVAL_NANOS = 100_000_000L;
    /** Connections that serve reads. */
    final List<Endpoint> ready = new ArrayList<>();
    /** Replacement connections logging in or replaying the history; not used for reads yet. */
    final Set<Endpoint> joining = new LinkedHashSet<>();
    private final Map<String, Long> lastAttemptNanos = new HashMap<>();
    private int rotation;
    /** When {@link #topUp} last looked at the targets; it runs before every read, the scan need not. */
    private long lastScanNanos;
    private boolean scanned;

    /**
     * The replica for a read: running, still a replica, lag within limits, least loaded by
     * {@code slave_selection_criteria} (ties rotate so equal replicas share the reads); the primary instead when
     * {@code master_accept_reads} allows and it is less loaded. Null when no replica qualifies.
     */
    Endpoint choose(Endpoint primary, RoutingRules rules) {
        Endpoint best = null;
        long bestLoad = Long.MAX_VALUE;
        boolean bestPrimaryRank = false;
        int n = ready.size();
        rotation++;
        for (int k = 0; k < n; k++) {
            Endpoint e = ready.get(Math.floorMod(rotation + k, n));
            ServerView s = e.server();
            if (!e.isReady() || !rules.usableReplica(s)) {
                continue;
            }
            long load = rules.load(s);
            boolean primaryRank = s.primaryRank();
            // rank=primary replicas are used before rank=secondary ones, whatever their load.
            boolean better = best == null || primaryRank && !bestPrimaryRank
                    || primaryRank == bestPrimaryRank && load < bestLoad;
            if (better) {
                best = e;
                bestLoad = load;
                bestPrimaryRank = primaryRank;
            }
        }
        if (rules.masterAcceptReads() && primary != null && primary.isReady()
                && (best == null || rules.load(primary.server()) < bestLoad)) {
            return primary;
        }
        return best;
    }

    /**
     * Closes, through {@code drop}, the idle replica connections whose server is no longer a usable replica (lost
     * its Slave role, down, in maintenance or draining; a lagging one only gets no reads), except
     * {@code keep} (a read-only transaction's); {@link #topUp} then replaces them with replicas that qualify.
     */
    void prune(RoutingRules rules, Endpoint keep, java.util.function.Consumer<Endpoint> drop) {
        for (int i = ready.size() - 1; i >= 0; i--) {
            Endpoint e = ready.get(i);
            if (e != keep && !e.isBusy() && !rules.keepsReplica(e.server())) {
                drop.accept(e);
            }
        }
    }

    /**
     * Opens replacement connections to usable replicas the session has none to (one lost, or one that came back),
     * at most once a second per server, up to {@code max} replicas in all.
     */
    void topUp(RouterSessionContext ctx, Endpoint primary, long max, RoutingRules rules) {
        if (ready.size() + joining.size() >= max) {
            return;
        }
        long now = System.nanoTime();
        if (scanned && now - lastScanNanos < SCAN_INTERVAL_NANOS) {
            return;
        }
        scanned = true;
        lastScanNanos = now;
        for (ServerView s : ctx.targets()) {
            if (ready.size() + joining.size() >= max) {
                return;
            }
            if (!rules.usableReplica(s) || hasConnectionTo(s, primary)) {
                continue;
            }
            Long last = lastAttemptNanos.get(s.name());
            if (last != null && now - last < 1_000_000_000L) {
                continue;
            }
            lastAttemptNanos.put(s.name(), now);
            joining.add(ctx.connect(s));
        }
    }

    private boolean hasConnectionTo(ServerView s, Endpoint primary) {
        if (primary != null && primary.server().name().equals(s.name())) {
            return true;
        }
        for (Endpoint e : ready) {
            if (e.server().name().equals(s.name())) {
                return true;
            }
        }
        for (Endpoint e : joining) {
            if (e.server().name().equals(s.name())) {
                return true;
            }
        }
        return false;
    }
}
