package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.config.Params;
import java.util.List;
import java.util.Set;

/**
 * mariadbmon's {@code master_conditions} and {@code slave_conditions}: what the primary candidate and each replica
 * must show, beyond the replication topology, before they are labelled Master and Slave. Read from the monitor's
 * parameters at each pass (both may change at runtime). Used only on the monitor's thread; no buffers.
 *
 * <p>{@code disk_space_ok} holds while no disk of the server is beyond its {@code disk_space_threshold}; without
 * disk-space checks it always holds, as in MaxScale.
 */
final class RoleConditions {
    /**
     * The lock the primary monitor of cooperating monitors holds on the server it chose as primary (MaxScale's
     * name, as for the server lock).
     */
    static final String MASTER_LOCK = "maxscale_mariadbmonitor_master";

    private final Set<String> master;
    private final Set<String> slave;

    RoleConditions(Params p) {
        this.master = p.has("master_conditions") ? p.mask("master_conditions") : Set.of();
        this.slave = p.has("slave_conditions") ? p.mask("slave_conditions") : Set.of();
    }

    /**
     * True when {@code candidate} may be Master. {@code secondary} is true for a monitor that cooperates with others
     * and does not hold the lock majority: it then follows the primary monitor's choice when asked to.
     */
    boolean masterOk(ServerProbe candidate, List<ServerProbe> all, boolean secondary) {
        if (master.contains("disk_space_ok") && candidate.diskExhausted) {
            return false;
        }
        if (secondary && master.contains("primary_monitor_master") && !candidate.masterLockedByOther()) {
            return false;
        }
        boolean connecting = master.contains("connecting_slave");
        boolean connected = master.contains("connected_slave");
        boolean running = master.contains("running_slave");
        if (!connecting && !connected && !running) {
            return true;
        }
        // One replica must meet every replica condition at once; a replica that is down counts with what the
        // last pass that reached it saw, except for running_slave.
        for (ServerProbe q : all) {
            if (q == candidate || running && !q.reachable) {
                continue;
            }
            for (ServerProbe.SlaveConnection c : q.slaves) {
                if (Topology.sourceOf(c, all) != candidate || !c.sqlRunning()) {
                    continue;
                }
                if (connected ? c.ioRunning() : c.ioRunning() || c.ioConnecting()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * True when {@code replica}, which replicates from the primary or a relay of it, may be Slave.
     * {@code primaryIsMaster} says whether the primary passed {@link #masterOk}.
     */
    boolean slaveOk(ServerProbe replica, ServerProbe primary, boolean primaryIsMaster, List<ServerProbe> all,
                    boolean secondary) {
        if (slave.isEmpty()) {
            return true;
        }
        if (slave.contains("running_master") && (primary == null || !primary.reachable)) {
            return false;
        }
        if (slave.contains("writable_master") && !primaryIsMaster) {
            return false;
        }
        if (secondary && slave.contains("primary_monitor_master")
                && (primary == null || !primary.masterLockedByOther())) {
            return false;
        }
        return !slave.contains("linked_master") || linked(replica, primary, all);
    }

    /** True when the primary candidate that failed master_conditions may still serve reads as a Slave. */
    boolean failedPrimaryMayRead(ServerProbe primary, boolean secondary) {
        // It is not labelled Master, so a condition on a writable master cannot hold; one on the master running or
        // linked is about itself and holds.
        return !slave.contains("writable_master")
                && !(secondary && slave.contains("primary_monitor_master") && !primary.masterLockedByOther());
    }

    /** Every link from {@code replica} up to the running primary has both replication threads running. */
    private static boolean linked(ServerProbe replica, ServerProbe primary, List<ServerProbe> all) {
        if (primary == null || !primary.reachable) {
            return false;
        }
        ServerProbe at = replica;
        for (int depth = 0; depth <= all.size(); depth++) {
            ServerProbe next = null;
            for (ServerProbe.SlaveConnection c : at.slaves) {
                ServerProbe src = Topology.sourceOf(c, all);
                if (src != null && src != at && c.ioRunning() && c.sqlRunning() && src.reachable) {
                    next = src;
                    break;
                }
            }
            if (next == null) {
                return false;
            }
            if (next == primary) {
                return true;
            }
            at = next;
        }
        return false;
    }
}
