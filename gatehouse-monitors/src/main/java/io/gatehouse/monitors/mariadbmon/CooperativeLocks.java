package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.monitor.MonitorContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mariadbmon's {@code cooperative_monitoring_locks}: whether this monitor is the primary one of the monitors (of
 * Gatehouse or MaxScale instances) watching one cluster, by the server locks it holds, and the
 * {@code release-locks} command. Runs on the monitor's thread, through the probes' connections; {@link #primary()}
 * is read by the admin thread. No buffers.
 */
final class CooperativeLocks {
    private static final Logger LOG = LoggerFactory.getLogger(CooperativeLocks.class);
    /**
     * The lock the monitors of one cluster compete for; MaxScale's name, so Gatehouse and MaxScale instances can
     * cooperate on one cluster.
     */
    private static final String LOCK = "maxscale_mariadbmonitor";
    /** How long release-locks keeps this monitor from taking the locks again (MaxScale's minute). */
    private static final long HOLD_OFF_NANOS = Duration.ofMinutes(1).toNanos();

    private final MonitorContext context;
    private volatile boolean primary = true;
    /** System.nanoTime() until which release-locks keeps the locks free, or 0. */
    private long holdOffUntil;

    CooperativeLocks(MonitorContext context) {
        this.context = context;
    }

    private String mode() {
        String mode = context.params().string("cooperative_monitoring_locks");
        return mode == null || mode.equals("none") ? null : mode;
    }

    /** True while this monitor holds the majority, or locks are not in use (as of the last pass); any thread. */
    boolean primary() {
        return primary;
    }

    /** True for a cooperating monitor that does not hold the lock majority (as of the last pass). */
    boolean secondary() {
        return mode() != null && !primary;
    }

    /**
     * Settles the majority for this pass: only the monitor holding the lock on a majority of the servers (all of
     * them, or the running ones) changes the cluster. One that holds some locks but no majority gives them back now
     * and then, so that a split between monitors cannot last. {@code chosen} is the primary server it sees.
     */
    boolean majority(List<ServerProbe> probes, ServerProbe chosen) {
        String mode = mode();
        if (mode == null) {
            primary = true;
            return true;
        }
        if (holdOffUntil != 0 && System.nanoTime() - holdOffUntil < 0) {
            primary = false;
            return false;
        }
        holdOffUntil = 0;
        int held = 0;
        int running = 0;
        for (ServerProbe p : probes) {
            if (p.reachable) {
                running++;
                p.lock(LOCK);
                if (p.holdsLock) {
                    held++;
                }
            }
        }
        int base = mode.equals("majority_of_all") ? probes.size() : running;
        boolean majority = held * 2 > base;
        if (!majority && held > 0 && ThreadLocalRandom.current().nextBoolean()) {
            for (ServerProbe p : probes) {
                p.unlock(LOCK);
            }
        }
        if (majority != primary) {
            LOG.info("Monitor {}: {} the cooperative-monitoring lock majority ({} of {})", context.name(),
                    majority ? "holds" : "does not hold", held, base);
        }
        primary = majority;
        for (ServerProbe p : probes) {
            p.markChosenPrimary(majority && p == chosen);
        }
        return majority;
    }

    /**
     * release-locks: gives back every cooperative-monitoring lock this monitor holds and takes none for a minute, so
     * that another monitor can become the primary one. Refused when locks are not in use or none was held.
     */
    String release(List<ServerProbe> probes) {
        if (mode() == null) {
            throw new IllegalStateException("release-locks: cooperative_monitoring_locks is none, so this monitor"
                    + " uses no locks");
        }
        int released = 0;
        for (ServerProbe p : probes) {
            released += (p.unlock(LOCK) ? 1 : 0) + (p.releaseMasterLock() ? 1 : 0);
        }
        primary = false;
        holdOffUntil = System.nanoTime() + HOLD_OFF_NANOS;
        if (released == 0) {
            throw new IllegalStateException("release-locks: this monitor held no locks; it will not take any for"
                    + " 1 minute");
        }
        LOG.warn("Monitor {}: released {} lock(s); it will not take any for 1 minute", context.name(), released);
        return "released " + released + " lock(s); none will be taken for 1 minute";
    }
}
