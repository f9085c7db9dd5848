package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.QueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees a replica's replication SQL thread stuck in a semi-synchronous ACK wait before a cluster operation stops or
 * waits for it, and gives the operator's setting back afterwards. Runs on the monitor's thread, through the operation
 * connection the caller opened; no buffers.
 *
 * <p>Why: a server with {@code rpl_semi_sync_master_enabled=ON} (the usual set-up when any server may be promoted)
 * makes every commit that goes to its binlog wait for a replica's ACK, replicated commits of its own SQL thread
 * included. A replica that was a primary before (a switchover demoted it) keeps the semi-sync master switched on
 * with no replica of its own ({@code rpl_semi_sync_master_wait_no_slave=ON} by default), so its SQL thread waits the
 * whole {@code rpl_semi_sync_master_timeout} for an ACK that cannot come. Meanwhile STOP SLAVE on it, or waiting for
 * it to apply its relay log, waits as long: that was the 5 to 9 s of a SIGKILL failover with semi-sync on every
 * server. Turning the setting off wakes the waiting commit at once (the server switches semi-sync off); the caller
 * turns it on again once the server replicates from, or is, the new primary.
 */
final class SemiSyncRelease {
    private static final Logger LOG = LoggerFactory.getLogger(SemiSyncRelease.class);

    private SemiSyncRelease() {
    }

    /**
     * Turns the semi-sync master off on {@code replica} when it is enabled, switched on and has no semi-sync replica
     * connected (only then can a commit wait for an ACK nobody sends); true when it did, and the caller must
     * {@link #restore} it. Turning it on again arms the server's semi-sync state anew, so the replica's next
     * replicated commit may wait once more (its replication lags, client writes do not); the next operation frees it.
     */
    static boolean release(BlockingClient c, ServerProbe replica) {
        String name = replica.server.name();
        try {
            QueryResult enabled = c.query("SHOW GLOBAL VARIABLES LIKE 'rpl_semi_sync_master_enabled'");
            if (enabled.rowCount() == 0 || !"ON".equalsIgnoreCase(enabled.rows().get(0).get(1))) {
                return false;
            }
            // Status OFF (a wait already timed out): nothing waits, and toggling would switch it on again.
            QueryResult status = c.query("SHOW GLOBAL STATUS WHERE Variable_name IN"
                    + " ('Rpl_semi_sync_master_status', 'Rpl_semi_sync_master_clients')");
            for (java.util.List<String> row : status.rows()) {
                boolean waitsForNothing = row.get(0).equalsIgnoreCase("Rpl_semi_sync_master_status")
                        ? "ON".equalsIgnoreCase(row.get(1)) : "0".equals(row.get(1));
                if (!waitsForNothing) {
                    return false;
                }
            }
            c.execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
            LOG.info("{}: semi-sync master switched off for the operation (no semi-sync replica could acknowledge"
                    + " its replicated commits)", name);
            return true;
        } catch (Exception e) {
            LOG.warn("{}: could not check or switch off rpl_semi_sync_master_enabled; a replicated commit waiting for"
                    + " a semi-sync ACK may slow the operation down: {}", name, e.toString());
            return false;
        }
    }

    /** Gives back {@code rpl_semi_sync_master_enabled=ON} on a server {@link #release} switched off. */
    static void restore(BlockingClient c, ServerProbe p) {
        try {
            c.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
        } catch (Exception e) {
            LOG.error("{}: could not set rpl_semi_sync_master_enabled back to ON after the operation: {}",
                    p.server.name(), e.toString());
        }
    }
}
