package io.gatehouse.monitors.mariadbmon;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Works out who replicates from whom among the monitored servers and which one is the primary, from one pass of
 * probes. Pure computation on the monitor's thread; no buffers.
 *
 * <p>The primary is chosen as MaxScale documents it: a reachable server that does not itself replicate from another
 * monitored server, with the most replicas below it, preferring a writable one; the current primary stays while it
 * is still a valid choice (sticky), so a briefly slower replica never takes its place.
 */
final class Topology {
    private Topology() {
    }

    /** The probe of the server that {@code c} replicates from, or null when it is not a monitored server. */
    static ServerProbe sourceOf(ServerProbe.SlaveConnection c, List<ServerProbe> all) {
        for (ServerProbe p : all) {
            if (p.server.port() == c.masterPort() && (sameHost(p.server.address(), c.masterHost())
                    || sameHost(p.server.privateAddress(), c.masterHost()))) {
                return p;
            }
        }
        if (c.masterServerId() > 0) {
            for (ServerProbe p : all) {
                if (p.serverId == c.masterServerId()) {
                    return p;
                }
            }
        }
        return null;
    }

    static ServerProbe choosePrimary(List<ServerProbe> all, ServerProbe current) {
        if (current != null && isCandidate(current, all)) {
            return current;
        }
        ServerProbe best = null;
        int bestReplicas = -1;
        for (ServerProbe p : all) {
            if (!isCandidate(p, all)) {
                continue;
            }
            int n = replicaCount(p, all, new HashSet<>());
            boolean better = best == null || n > bestReplicas || (n == bestReplicas && best.readOnly && !p.readOnly);
            if (better) {
                best = p;
                bestReplicas = n;
            }
        }
        return best;
    }

    /** A running server with no replication connection to another monitored server. */
    private static boolean isCandidate(ServerProbe p, List<ServerProbe> all) {
        if (!p.reachable) {
            return false;
        }
        for (ServerProbe.SlaveConnection c : p.slaves) {
            ServerProbe src = sourceOf(c, all);
            if (src != null && src != p) {
                return false;
            }
        }
        return true;
    }

    /** Replicas below {@code p}, recursively (relay replicas count). */
    static int replicaCount(ServerProbe p, List<ServerProbe> all, Set<ServerProbe> seen) {
        if (!seen.add(p)) {
            return 0;
        }
        int n = 0;
        for (ServerProbe q : directReplicas(p, all)) {
            if (!seen.contains(q)) {
                n += 1 + replicaCount(q, all, seen);
            }
        }
        return n;
    }

    static List<ServerProbe> directReplicas(ServerProbe p, List<ServerProbe> all) {
        List<ServerProbe> out = new ArrayList<>();
        for (ServerProbe q : all) {
            if (q == p || !q.reachable) {
                continue;
            }
            for (ServerProbe.SlaveConnection c : q.slaves) {
                if (sourceOf(c, all) == p && c.sqlRunning() && (c.ioRunning() || c.ioConnecting())) {
                    out.add(q);
                    break;
                }
            }
        }
        return out;
    }

    /** Compares host names as addresses, so 127.0.0.1 matches localhost. */
    static boolean sameHost(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        try {
            InetAddress x = InetAddress.getByName(a);
            InetAddress y = InetAddress.getByName(b);
            return x.equals(y) || (x.isLoopbackAddress() && y.isLoopbackAddress());
        } catch (Exception e) {
            return false;
        }
    }
}
