package io.gatehouse.monitors.mariadbmon;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code replication_heartbeat} (a Gatehouse extension, off by default): replication lag in milliseconds. Each
 * monitoring pass the monitor writes its clock (epoch milliseconds) into a row of its own on the primary and reads
 * the row back on every replica. A replica holding the latest value written is not behind; one holding an older
 * value lacks at least the next beat, so it is behind by the time since that beat was written. Only the monitor's
 * own clock is used, so clock differences between the servers do not matter; the resolution is the monitoring
 * interval. Runs on the monitor's thread only; holds no buffers.
 */
final class Heartbeat {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    static final String TABLE = "gatehouse_schema.replication_heartbeat";
    /** Beats remembered: an hour at a 100 ms interval; older ones only matter for a replica further behind. */
    private static final int KEPT = 36_000;

    private final String monitor;
    /** The values written, oldest first. */
    private final ArrayDeque<Long> written = new ArrayDeque<>();
    private final Map<ServerProbe, Long> lagMillis = new HashMap<>();
    private boolean tableReady;
    private String lastFailure = "";

    Heartbeat(String monitor) {
        this.monitor = monitor;
    }

    /**
     * One pass: measures every reachable replica against the beats written so far, then writes the next beat on
     * {@code primary} (null: nothing is written and nothing measured).
     */
    void beat(ServerProbe primary, Iterable<ServerProbe> probes) {
        lagMillis.clear();
        if (primary == null || !primary.reachable) {
            return;
        }
        long now = System.currentTimeMillis();
        if (tableReady && !written.isEmpty()) {
            for (ServerProbe p : probes) {
                if (p == primary || !p.reachable) {
                    continue;
                }
                try {
                    String v = p.queryValue("SELECT ts FROM " + TABLE + " WHERE monitor = " + quoted(monitor));
                    lagMillis.put(p, v == null ? now - written.peekFirst() : lag(Long.parseLong(v), now));
                } catch (Exception e) {
                    failed(p, e);
                }
            }
        }
        try {
            if (!tableReady) {
                primary.execute("CREATE DATABASE IF NOT EXISTS gatehouse_schema");
                primary.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                        + " (monitor VARCHAR(255) PRIMARY KEY, ts BIGINT NOT NULL)");
                tableReady = true;
            }
            long ts = Math.max(System.currentTimeMillis(), written.isEmpty() ? 0 : written.peekLast() + 1);
            primary.execute("REPLACE INTO " + TABLE + " VALUES (" + quoted(monitor) + ", " + ts + ")");
            written.addLast(ts);
            if (written.size() > KEPT) {
                written.removeFirst();
            }
            lastFailure = "";
        } catch (Exception e) {
            failed(primary, e);
        }
    }

    /** The lag measured for {@code p} in this pass, or -1 when none was. */
    long lagMillis(ServerProbe p) {
        return lagMillis.getOrDefault(p, -1L);
    }

    /** How far behind a replica that holds beat {@code seen} is at {@code now}. */
    private long lag(long seen, long now) {
        if (seen >= written.peekLast()) {
            return 0;
        }
        Iterator<Long> it = written.iterator();
        long missed = written.peekFirst();
        while (it.hasNext()) {
            long w = it.next();
            if (w > seen) {
                missed = w;
                break;
            }
        }
        return Math.max(0, now - missed);
    }

    private void failed(ServerProbe p, Exception e) {
        String why = p.server.name() + ": " + e.getMessage();
        if (!why.equals(lastFailure)) {
            // Logged once per distinct failure: a missing grant would otherwise fill the log every pass.
            LOG.warn("Monitor {}: replication heartbeat on {} (the monitor user needs CREATE, SELECT, INSERT and"
                    + " DELETE on gatehouse_schema)", monitor, why);
            lastFailure = why;
        }
    }

    private static String quoted(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
