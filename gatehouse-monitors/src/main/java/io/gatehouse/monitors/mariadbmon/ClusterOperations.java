package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.protocol.client.BlockingClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failover, switchover and rejoin over the monitor's probes: each first checks everything it can without touching
 * the cluster and refuses with the reason ({@link Refused}), then runs its steps through operation connections.
 * Runs only on the monitor's thread, between passes; no buffers.
 */
final class ClusterOperations {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterOperations.class);

    /** The cluster does not allow the operation now; nothing was changed. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final List<ServerProbe> probes;

    ClusterOperations(List<ServerProbe> probes) {
        this.probes = probes;
    }

    ServerProbe find(String name) {
        for (ServerProbe p : probes) {
            if (p.server.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a server of this monitor");
    }

    /** The replication connection of {@code replica} whose source is {@code source}, or null. */
    ServerProbe.SlaveConnection connectionTo(ServerProbe replica, ServerProbe source) {
        for (ServerProbe.SlaveConnection c : replica.slaves) {
            if (Topology.sourceOf(c, probes) == source) {
                return c;
            }
        }
        return null;
    }

    /** Running servers with a replication connection to {@code source}, whatever its thread states. */
    List<ServerProbe> replicasOf(ServerProbe source) {
        List<ServerProbe> out = new ArrayList<>();
        for (ServerProbe p : probes) {
            if (p != source && p.reachable && connectionTo(p, source) != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** What {@code replica} received from {@code source}: its GTID IO position, else its current position. */
    Gtid received(ServerProbe replica, ServerProbe source) {
        ServerProbe.SlaveConnection c = connectionTo(replica, source);
        Gtid io = c == null ? Gtid.EMPTY : Gtid.parse(c.gtidIoPos());
        return io.isEmpty() ? Gtid.parse(replica.gtidCurrentPos) : io;
    }

    /**
     * The replica to promote: the one that received most from {@code source}, then the one that applied most, then
     * one that writes replicated events to its binlog, then by the servers' {@code priority} (see
     * {@link #priorityOrder}), then the first in configuration order. Servers in servers_no_promotion or in
     * maintenance are never chosen. Null when none qualifies.
     */
    ServerProbe chooseCandidate(ServerProbe source, ClusterSettings s) {
        ServerProbe best = null;
        for (ServerProbe p : replicasOf(source)) {
            if (s.serversNoPromotion().contains(p.server.name())
                    || ServerStatus.has(p.server.status(), ServerStatus.MAINTENANCE)) {
                continue;
            }
            if (best == null || better(p, best, source)) {
                best = p;
            }
        }
        return best;
    }

    private boolean better(ServerProbe a, ServerProbe b, ServerProbe source) {
        int c = Long.compare(received(a, source).total(), received(b, source).total());
        if (c == 0) {
            c = Long.compare(Gtid.parse(a.gtidCurrentPos).total(), Gtid.parse(b.gtidCurrentPos).total());
        }
        if (c == 0) {
            c = Boolean.compare(a.logSlaveUpdates, b.logSlaveUpdates);
        }
        if (c == 0) {
            c = -priorityOrder(a.server.priority(), b.server.priority());
        }
        return c > 0;
    }

    /**
     * Orders server priorities as MaxScale's galeramon does when it picks a primary, for replicas that are otherwise
     * equally good candidates (never ahead of a replica that has more transactions): a positive priority comes
     * before zero and negative ones, a lower positive value first; among the rest a higher value first. Negative
     * when {@code a} is preferred.
     */
    static int priorityOrder(long a, long b) {
        boolean pa = a > 0;
        boolean pb = b > 0;
        if (pa != pb) {
            return pa ? -1 : 1;
        }
        return pa ? Long.compare(a, b) : Long.compare(b, a);
    }

    /**
     * Why failing over from {@code old} is not possible now, or null when it is. {@code automatic} adds the check of
     * automatic failover, verify_master_failure; {@code safe} (auto_failover=safe, the failover-safe command) the
     * check that the candidate received every GTID the monitor last saw in the old primary's binlog.
     */
    String failoverRefusal(ServerProbe old, boolean automatic, boolean safe, ClusterSettings s) {
        if (old == null) {
            return "no primary has been seen, so there is nothing to fail over from";
        }
        if (old.reachable) {
            return "the primary " + old.server.name() + " is running";
        }
        List<ServerProbe> replicas = replicasOf(old);
        if (replicas.isEmpty()) {
            return "no running server replicates from " + old.server.name();
        }
        if (automatic && s.verifyMasterFailure()) {
            for (ServerProbe r : replicas) {
                ServerProbe.SlaveConnection c = connectionTo(r, old);
                if (r.hearsSource(c, s.masterFailureTimeout())) {
                    return "replica " + r.server.name() + " still hears from " + old.server.name()
                            + " (verify_master_failure)";
                }
            }
        }
        ServerProbe candidate = chooseCandidate(old, s);
        if (candidate == null) {
            return "no replica of " + old.server.name() + " may be promoted (all are in servers_no_promotion or"
                    + " in maintenance)";
        }
        if (safe) {
            Gtid lastSeen = Gtid.parse(old.gtidBinlogPos);
            Gtid.Triple missing = received(candidate, old).firstMissing(lastSeen);
            if (missing != null) {
                return (automatic ? "auto_failover=safe: " : "failover-safe: ") + old.server.name() + " had written GTID " + missing
                        + " but the most advanced replica " + candidate.server.name() + " received only "
                        + received(candidate, old) + "; promoting it would lose transactions";
            }
        }
        return null;
    }

    /** Promotes the best replica of the failed {@code old} primary and points the other replicas at it. */
    ServerProbe failover(ServerProbe old, boolean automatic, boolean safe, ClusterSettings s)
            throws Refused, InterruptedException {
        String why = failoverRefusal(old, automatic, safe, s);
        if (why != null) {
            throw new Refused("failover refused: " + why);
        }
        return promoteReplacement(old, s);
    }

    /**
     * Fails over from a primary that runs but cannot write (it failed mariadbmon's write test with
     * write_test_fail_action=failover and is in maintenance now): the checks that the primary is down and that no
     * replica hears it any more do not apply; a replica must still be there to promote.
     */
    ServerProbe failoverFromUnwritable(ServerProbe old, ClusterSettings s) throws Refused, InterruptedException {
        if (replicasOf(old).isEmpty() || chooseCandidate(old, s) == null) {
            throw new Refused("failover refused: no replica of " + old.server.name() + " may be promoted");
        }
        return promoteReplacement(old, s);
    }

    /** Promotes the best replica of {@code old} and points the other replicas at it. */
    private ServerProbe promoteReplacement(ServerProbe old, ClusterSettings s) throws InterruptedException {
        ServerProbe candidate = chooseCandidate(old, s);
        Gtid relay = received(candidate, old);
        long deadline = System.nanoTime() + s.failoverTimeout().toNanos();
        LOG.warn("Failover from {}: promoting {} (received {})", old.server.name(), candidate.server.name(), relay);
        try (BlockingClient c = candidate.admin(s.user(), s.password(), s.connectTimeout(), s.failoverTimeout())) {
            boolean released = SemiSyncRelease.release(c, candidate);
            try {
                ServerActions.awaitPosition(c, candidate, relay, deadline, "applying its relay log");
                ServerActions.promote(c, candidate, old.enabledEvents, s);
            } finally {
                if (released) {
                    SemiSyncRelease.restore(c, candidate);
                }
            }
        } catch (ServerActions.StepFailed e) {
            throw new IllegalStateException("failover to " + candidate.server.name() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("failover: cannot reach " + candidate.server.name() + ": " + e, e);
        }
        List<String> problems = redirectReplicas(old, candidate, s, null);
        LOG.warn("Failover done: {} is the primary{}", candidate.server.name(),
                problems.isEmpty() ? "" : "; not redirected: " + problems);
        return candidate;
    }

    /**
     * Moves the primary role from {@code oldName} (default: the current primary) to {@code newName} (default: the
     * best replica) without losing a committed transaction: the old primary stops taking writes first, the new one
     * catches up to its final position, then is promoted, and everyone including the old primary follows it.
     * {@code force} carries on past a failed demotion or catch-up (the old primary may be down).
     */
    ServerProbe switchover(String newName, String oldName, ServerProbe currentPrimary, boolean force,
                           ClusterSettings s) throws Refused, InterruptedException {
        ServerProbe old = oldName == null ? currentPrimary : find(oldName);
        if (old == null) {
            throw new Refused("switchover refused: there is no primary");
        }
        if (old != currentPrimary) {
            throw new Refused("switchover refused: " + old.server.name() + " is not the primary"
                    + (currentPrimary == null ? "" : " (" + currentPrimary.server.name() + " is)"));
        }
        if (!old.reachable && !force) {
            throw new Refused("switchover refused: the primary " + old.server.name() + " is down; use failover");
        }
        ServerProbe neu = newName == null ? chooseCandidate(old, s) : find(newName);
        if (neu == null) {
            throw new Refused("switchover refused: no replica of " + old.server.name() + " may be promoted");
        }
        if (neu == old || !neu.reachable || connectionTo(neu, old) == null) {
            throw new Refused("switchover refused: " + neu.server.name() + " is not a running replica of "
                    + old.server.name());
        }
        long deadline = System.nanoTime() + s.switchoverTimeout().toNanos();
        LOG.warn("Switchover: {} -> {}", old.server.name(), neu.server.name());
        BlockingClient oldConn = null;
        boolean demoted = false;
        try (BlockingClient newConn = neu.admin(s.user(), s.password(), s.connectTimeout(), s.switchoverTimeout())) {
            Gtid target = null;
            try {
                oldConn = old.admin(s.user(), s.password(), s.connectTimeout(), s.switchoverTimeout());
                Set<Long> keep = new HashSet<>(Set.of(old.connectionId()));
                demoted = true;
                target = ServerActions.demote(oldConn, old, keep, s, deadline);
            } catch (ServerActions.StepFailed e) {
                if (!force) {
                    throw e;
                }
                LOG.warn("Switchover (forced): demotion of {} failed, carrying on: {}", old.server.name(), e.getMessage());
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (!force) {
                    throw new ServerActions.StepFailed("cannot reach " + old.server.name() + ": " + e);
                }
                LOG.warn("Switchover (forced): {} unreachable, carrying on: {}", old.server.name(), e.toString());
            }
            if (target != null) {
                try {
                    ServerActions.awaitPosition(newConn, neu, target, deadline, "catching up with " + old.server.name());
                } catch (ServerActions.StepFailed e) {
                    if (!force) {
                        throw e;
                    }
                    LOG.warn("Switchover (forced): {}", e.getMessage());
                }
            }
            ServerActions.promote(newConn, neu, old.enabledEvents, s);
        } catch (ServerActions.StepFailed e) {
            if (demoted && oldConn != null) {
                ServerActions.undoDemotion(oldConn, old, s);
            }
            closeQuietly(oldConn);
            throw new IllegalStateException("switchover to " + neu.server.name() + " failed, " + old.server.name()
                    + " stays the primary: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeQuietly(oldConn);
            throw e;
        } catch (Exception e) {
            if (demoted && oldConn != null) {
                ServerActions.undoDemotion(oldConn, old, s);
            }
            closeQuietly(oldConn);
            throw new IllegalStateException("switchover: cannot reach " + neu.server.name() + ": " + e, e);
        }
        List<String> problems = redirectReplicas(old, neu, s, null);
        if (oldConn != null) {
            try {
                ServerActions.removeReplication(oldConn, old);
                ServerActions.redirect(oldConn, old, "", neu, "current_pos", s);
            } catch (ServerActions.StepFailed e) {
                problems.add(e.getMessage());
            } finally {
                closeQuietly(oldConn);
            }
        }
        LOG.warn("Switchover done: {} is the primary{}", neu.server.name(),
                problems.isEmpty() ? "" : "; problems: " + problems);
        return neu;
    }

    /**
     * Points every running replica of {@code old} (except {@code skip}) at {@code neu}, each freed from a semi-sync
     * ACK wait first ({@link SemiSyncRelease}) so that its STOP SLAVE does not wait for it; returns what failed.
     */
    private List<String> redirectReplicas(ServerProbe old, ServerProbe neu, ClusterSettings s, ServerProbe skip) {
        List<String> problems = new ArrayList<>();
        for (ServerProbe r : replicasOf(old)) {
            if (r == neu || r == skip) {
                continue;
            }
            ServerProbe.SlaveConnection conn = connectionTo(r, old);
            try (BlockingClient c = r.admin(s.user(), s.password(), s.connectTimeout(), s.failoverTimeout())) {
                boolean released = SemiSyncRelease.release(c, r);
                try {
                    ServerActions.redirect(c, r, conn.name(), neu, "slave_pos", s);
                } finally {
                    if (released) {
                        SemiSyncRelease.restore(c, r);
                    }
                }
            } catch (ServerActions.StepFailed e) {
                problems.add(e.getMessage());
            } catch (Exception e) {
                problems.add(r.server.name() + ": " + e);
            }
        }
        if (!problems.isEmpty()) {
            LOG.error("Could not redirect some replicas to {}: {}", neu.server.name(), problems);
        }
        return problems;
    }

    /** Why {@code p} cannot be made a replica of {@code primary}, or null when it can. */
    String rejoinRefusal(ServerProbe p, ServerProbe primary) {
        if (primary == null || !primary.reachable) {
            return "there is no running primary";
        }
        if (p == primary) {
            return p.server.name() + " is the primary";
        }
        if (!p.reachable) {
            return p.server.name() + " is down";
        }
        String divergence = Gtid.parse(p.gtidCurrentPos).divergenceFrom(Gtid.parse(primary.gtidBinlogState));
        return divergence == null ? null : "its GTID history has diverged from " + primary.server.name() + ": "
                + divergence;
    }

    /**
     * Makes {@code p} a replica of {@code primary}: a standalone server is set read_only first; a connection to the
     * wrong source is replaced (all connections, with enforce_simple_topology).
     */
    void rejoin(ServerProbe p, ServerProbe primary, ClusterSettings s) throws Refused {
        String why = rejoinRefusal(p, primary);
        if (why != null) {
            throw new Refused("rejoin of " + p.server.name() + " refused: " + why);
        }
        try (BlockingClient c = p.admin(s.user(), s.password(), s.connectTimeout(), s.failoverTimeout())) {
            String conn = "";
            if (p.slaves.isEmpty()) {
                ServerActions.run(c, p.server.name(), "SET GLOBAL read_only = ON");
                if (s.handleEvents()) {
                    for (ScheduledEvent ev : p.enabledEvents) {
                        ServerActions.run(c, p.server.name(), "ALTER EVENT " + ev.sql() + " DISABLE ON SLAVE");
                    }
                }
            } else if (s.enforceSimpleTopology()) {
                ServerActions.removeReplication(c, p);
            } else {
                for (ServerProbe.SlaveConnection sc : p.slaves) {
                    if (Topology.sourceOf(sc, probes) != primary) {
                        conn = sc.name();
                        break;
                    }
                }
            }
            ServerActions.redirect(c, p, conn, primary, "current_pos", s);
        } catch (ServerActions.StepFailed e) {
            throw new IllegalStateException("rejoin of " + p.server.name() + " failed: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("rejoin of " + p.server.name() + " failed: " + e, e);
        }
        LOG.warn("Rejoin: {} now replicates from {}", p.server.name(), primary.server.name());
    }

    private static void closeQuietly(BlockingClient c) {
        if (c != null) {
            c.close();
        }
    }
}
