package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.config.Params;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ServerErrorException;
import java.time.Duration;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mariadbmon's write test of the primary ({@code write_test_interval}, {@code write_test_table},
 * {@code write_test_fail_action}), as MaxScale 24.02 has it: a primary whose {@code gtid_binlog_pos} has not moved
 * for the interval may be up but unable to write (a full disk, a lock held by a stuck client), which the usual
 * probe does not see. The monitor then inserts one row into the table, creating the table when it is missing or
 * has other columns, and the primary fails the test when that insert fails or has not finished within
 * {@code backend_read_timeout}. A failure is logged; with {@code write_test_fail_action=failover} the monitor also
 * fails over from it. Monitor thread only; no buffers.
 */
final class WriteTest {
    private static final Logger LOG = LoggerFactory.getLogger(WriteTest.class);
    /** {@code db.table}, each part a plain or backquoted identifier: the value goes into SQL as it is. */
    private static final Pattern TABLE = Pattern.compile("(`[^`]+`|[A-Za-z0-9_$]+)\\.(`[^`]+`|[A-Za-z0-9_$]+)");
    private static final int NO_SUCH_TABLE = 1146;
    private static final int BAD_FIELD = 1054;
    /** Rows kept in the table: the test adds one per interval of silence, forever. */
    private static final int KEEP_ROWS = 100;

    private final String monitor;
    private ServerProbe watched;
    private String lastPosition;
    private long quietSince;
    /** Read by the admin thread (the monitor's diagnostics). */
    private volatile long performed;
    private volatile long failures;

    WriteTest(String monitor) {
        this.monitor = monitor;
    }

    /** The checks done on a configuration: the table must name a database and a table. */
    static String invalidTable(String table) {
        return table == null || TABLE.matcher(table).matches() ? null
                : "write_test_table: '" + table + "' is not database.table";
    }

    /** Write tests done and failed, for the monitor's diagnostics. */
    long performed() {
        return performed;
    }

    long failures() {
        return failures;
    }

    /**
     * Tests {@code primary} when its binary log has been still for {@code write_test_interval}. True when it failed
     * the test and {@code write_test_fail_action=failover} asks the monitor to fail over from it.
     */
    boolean failsOver(ServerProbe primary, Params p, ClusterSettings s) {
        Duration interval = p.duration("write_test_interval");
        long now = System.nanoTime();
        if (interval.isZero() || primary == null || !primary.reachable
                || io.gatehouse.api.server.ServerStatus.has(primary.server.status(),
                        io.gatehouse.api.server.ServerStatus.MAINTENANCE)) {
            watched = null;
            return false;
        }
        if (primary != watched || !primary.gtidBinlogPos.equals(lastPosition)) {
            watched = primary;
            lastPosition = primary.gtidBinlogPos;
            quietSince = now;
            return false;
        }
        if (now - quietSince < interval.toNanos()) {
            return false;
        }
        quietSince = now;                                  // the next test comes after another quiet interval
        performed = performed + 1;
        String failure = insertRow(primary, p.string("write_test_table"), s, p.duration("backend_read_timeout"));
        if (failure == null) {
            return false;
        }
        failures = failures + 1;
        boolean failover = "failover".equals(p.string("write_test_fail_action"));
        LOG.error("Monitor {}: the primary {} failed the write test: {}{}", monitor, primary.server.name(), failure,
                failover ? "; failing over (write_test_fail_action=failover)" : "");
        return failover;
    }

    private static String insertRow(ServerProbe primary, String table, ClusterSettings s, Duration readTimeout) {
        try (BlockingClient c = primary.admin(s.user(), s.password(), s.connectTimeout(), readTimeout)) {
            try {
                insert(c, table);
            } catch (ServerErrorException e) {
                if (e.code() != NO_SUCH_TABLE && e.code() != BAD_FIELD) {
                    throw e;
                }
                c.query("CREATE OR REPLACE TABLE " + table + " (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,"
                        + " `date` TIMESTAMP DEFAULT CURRENT_TIMESTAMP, `gtid` TEXT NULL)");
                insert(c, table);
            }
            return null;
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static void insert(BlockingClient c, String table) throws Exception {
        c.query("INSERT INTO " + table + " (gtid) VALUES (@@gtid_binlog_pos)");
        // Written so that nothing goes below zero: the ids are unsigned.
        c.query("DELETE FROM " + table + " WHERE id + " + KEEP_ROWS + " <= LAST_INSERT_ID()");
    }
}
