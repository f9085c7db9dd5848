package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.protocol.client.BlockingClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code reset-replication} command: for a cluster whose data is known to be in sync while its GTIDs are not,
 * it deletes the binlogs and GTID positions of every running server and rebuilds replication from scratch around
 * one primary, through operation connections it opens and closes. Runs only on the monitor's thread, between
 * passes; no buffers.
 *
 * <p>The steps are those MaxScale documents: on every server replication is removed (STOP SLAVE, RESET SLAVE ALL),
 * read_only set and events disabled, then RESET MASTER and {@code gtid_slave_pos} set to
 * sequence 0 of the new primary's domain and server id; the new primary is made
 * writable with the events the old primary ran; the others replicate from it with MASTER_USE_GTID=slave_pos.
 * read_only goes on everywhere before anything is deleted, so that no ordinary client writes in between.
 */
final class ResetReplication {
    private static final Logger LOG = LoggerFactory.getLogger(ResetReplication.class);

    private ResetReplication() {
    }

    /**
     * Resets replication around {@code neu}; {@code oldPrimary} (may be null) gives the events to enable on it.
     * Servers that are down or in maintenance are left alone and named in the returned problems, with any replica
     * that could not be pointed at {@code neu}.
     */
    static List<String> run(List<ServerProbe> probes, ServerProbe neu, ServerProbe oldPrimary, ClusterSettings s)
            throws ClusterOperations.Refused {
        if (neu == null) {
            throw new ClusterOperations.Refused("reset-replication refused: there is no primary; name the server to"
                    + " promote");
        }
        if (!neu.reachable || ServerStatus.has(neu.server.status(), ServerStatus.MAINTENANCE)) {
            throw new ClusterOperations.Refused("reset-replication refused: " + neu.server.name()
                    + (neu.reachable ? " is in maintenance" : " is down"));
        }
        List<String> problems = new ArrayList<>();
        List<ServerProbe> targets = new ArrayList<>();
        for (ServerProbe p : probes) {
            if (p.reachable && !ServerStatus.has(p.server.status(), ServerStatus.MAINTENANCE)) {
                targets.add(p);
            } else {
                problems.add(p.server.name() + " was left alone (" + (p.reachable ? "in maintenance" : "down") + ")");
            }
        }
        List<ScheduledEvent> events = oldPrimary == null ? List.of() : oldPrimary.enabledEvents;
        LOG.warn("Reset-replication: deleting the binlogs and GTIDs of {} and making {} the primary",
                targets.stream().map(p -> p.server.name()).toList(), neu.server.name());
        Map<ServerProbe, BlockingClient> conns = new LinkedHashMap<>();
        try {
            for (ServerProbe p : targets) {
                conns.put(p, p.admin(s.user(), s.password(), s.connectTimeout(), s.switchoverTimeout()));
            }
            for (ServerProbe p : targets) {
                ServerActions.run(conns.get(p), p.server.name(), "SET GLOBAL read_only = ON");
            }
            // Every server starts again at sequence 0 of the new primary's domain (MaxScale sets the sequence of
            // gtid_slave_pos to zero), so gtid_current_pos agrees everywhere before the first new transaction.
            List<String> ids = conns.get(neu).query("SELECT @@gtid_domain_id, @@server_id").rows().get(0);
            String zero = ids.get(0) + "-" + ids.get(1) + "-0";
            for (ServerProbe p : targets) {
                BlockingClient c = conns.get(p);
                String name = p.server.name();
                ServerActions.removeReplication(c, p);
                ServerActions.disableEvents(c, p, s);
                ServerActions.run(c, name, "RESET MASTER");
                ServerActions.run(c, name, "SET GLOBAL gtid_slave_pos = '" + zero + "'");
            }
            BlockingClient pc = conns.get(neu);
            ServerActions.run(pc, neu.server.name(), "SET GLOBAL read_only = OFF");
            ServerActions.enableEvents(pc, neu, events, s);
        } catch (ServerActions.StepFailed e) {
            closeAll(conns);
            throw new IllegalStateException("reset-replication failed, the cluster may be left read-only: "
                    + e.getMessage(), e);
        } catch (Exception e) {
            closeAll(conns);
            throw new IllegalStateException("reset-replication failed, the cluster may be left read-only: " + e, e);
        }
        try {
            for (ServerProbe p : targets) {
                if (p == neu) {
                    continue;
                }
                try {
                    ServerActions.redirect(conns.get(p), p, "", neu, "slave_pos", s);
                } catch (ServerActions.StepFailed e) {
                    problems.add(e.getMessage());
                }
            }
        } finally {
            closeAll(conns);
        }
        LOG.warn("Reset-replication done: {} is the primary{}", neu.server.name(),
                problems.isEmpty() ? "" : "; problems: " + problems);
        return problems;
    }

    private static void closeAll(Map<ServerProbe, BlockingClient> conns) {
        for (BlockingClient c : conns.values()) {
            c.close();
        }
        conns.clear();
    }
}
