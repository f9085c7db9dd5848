package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.ServerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mariadbmon's {@code switchover_on_low_disk_space}: a reachable primary whose disk is beyond its
 * {@code disk_space_threshold} hands its role to the replica {@link ClusterOperations#chooseCandidate} picks, when
 * that one has disk space left; the old primary then replicates like any replica (and
 * {@code maintenance_on_low_disk_space} puts it into maintenance at the next pass). A refusal is logged once until it
 * changes. Runs on the monitor's thread, like every cluster operation.
 */
final class LowDiskSwitchover {
    private static final Logger LOG = LoggerFactory.getLogger(LowDiskSwitchover.class);

    private final String monitor;
    private final ClusterOperations ops;
    private String lastRefusal = "";

    LowDiskSwitchover(String monitor, ClusterOperations ops) {
        this.monitor = monitor;
        this.ops = ops;
    }

    /** {@code switchover_on_low_disk_space}. */
    static boolean enabled(Params p) {
        return p.has("switchover_on_low_disk_space") && p.bool("switchover_on_low_disk_space");
    }

    /** The new primary when a switchover was done, else null. */
    ServerProbe act(ServerProbe primary, ClusterSettings s) throws InterruptedException {
        if (primary == null || !primary.reachable || !primary.diskExhausted
                || ServerStatus.has(primary.server.status(), ServerStatus.MAINTENANCE)) {
            lastRefusal = "";
            return null;
        }
        ServerProbe candidate = ops.chooseCandidate(primary, s);
        String why = candidate == null ? "no replica of " + primary.server.name() + " may be promoted"
                : candidate.diskExhausted ? "the best replica, " + candidate.server.name() + ", is low on disk space too"
                : null;
        if (why == null) {
            try {
                LOG.warn("Monitor {}: primary {} is low on disk space; switching over to {}"
                        + " (switchover_on_low_disk_space)", monitor, primary.server.name(), candidate.server.name());
                ServerProbe neu = ops.switchover(candidate.server.name(), null, primary, false, s);
                lastRefusal = "";
                return neu;
            } catch (ClusterOperations.Refused | IllegalStateException e) {
                why = e.getMessage();
            }
        }
        if (!why.equals(lastRefusal)) {
            LOG.error("Monitor {}: primary {} is low on disk space but was not switched over: {}", monitor,
                    primary.server.name(), why);
        }
        lastRefusal = why;
        return null;
    }
}
