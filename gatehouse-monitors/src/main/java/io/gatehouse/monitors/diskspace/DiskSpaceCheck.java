package io.gatehouse.monitors.diskspace;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.QueryResult;
import io.gatehouse.protocol.client.ServerErrorException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common monitor parameters {@code disk_space_threshold} and {@code disk_space_check_interval} for one server:
 * at most once per interval, reads the server's disks from {@code information_schema.DISKS} (MariaDB's DISKS plugin;
 * the monitor user needs the FILE privilege) and says whether one of them is used beyond its limit ({@code path} as
 * the server mounts it, or {@code *} for any disk). A server without the plugin is reported once and not asked
 * again. Used on its monitor's thread only; no buffers.
 */
public final class DiskSpaceCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DiskSpaceCheck.class);
    private long lastCheckNanos;
    private boolean checked;
    private boolean exhausted;
    private boolean unavailable;

    /**
     * Parses {@code path:percent[,path:percent...]}; throws with the rule when it is not that (percent 0 to 100, a
     * path starting with {@code /} or {@code *}).
     */
    public static Map<String, Integer> parse(String text) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("path:percent pairs separated by commas, such as /data:80 or *:90");
            }
            String path = p.substring(0, colon).trim();
            int pct;
            try {
                pct = Integer.parseInt(p.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a percentage from 0 to 100 after the path, such as /data:80");
            }
            if (pct < 0 || pct > 100 || !(path.equals("*") || path.startsWith("/"))) {
                throw new IllegalArgumentException("path:percent with an absolute path or *, and 0 to 100 percent");
            }
            out.put(path, pct);
        }
        return out;
    }

    /**
     * True when a disk is used beyond its limit, as of the last check; checks now when {@code interval} has passed.
     * {@code thresholds} null or {@code interval} zero turns the check off (and the answer is false).
     */
    public boolean exhausted(BlockingClient c, String server, String thresholds, Duration interval) {
        if (thresholds == null || thresholds.isBlank() || interval.isZero() || unavailable) {
            exhausted = false;
            return false;
        }
        if (c == null) {
            return exhausted;                              // a server that is down keeps what was last seen
        }
        long now = System.nanoTime();
        if (checked && now - lastCheckNanos < interval.toNanos()) {
            return exhausted;
        }
        lastCheckNanos = now;
        checked = true;
        Map<String, Integer> limits = parse(thresholds);
        QueryResult disks;
        try {
            disks = c.query("SELECT Path, Total, Used FROM information_schema.DISKS");
        } catch (ServerErrorException e) {
            unavailable = true;
            LOG.warn("Disk space of {} cannot be checked ({}): install the DISKS plugin (INSTALL SONAME 'disks') and"
                    + " grant FILE to the monitor user; disk_space_threshold is not applied to it", server,
                    e.getMessage());
            return exhausted = false;
        } catch (java.io.IOException e) {
            return exhausted;                              // the connection broke: the next pass will tell
        }
        boolean over = false;
        for (List<String> row : disks.rows()) {
            String path = row.get(0);
            long total = Long.parseLong(row.get(1));
            long used = Long.parseLong(row.get(2));
            Integer limit = limits.containsKey(path) ? limits.get(path) : limits.get("*");
            if (limit != null && total > 0 && used * 100 > (long) limit * total) {
                if (!exhausted) {
                    LOG.warn("Disk {} of {} is {}% full, beyond its limit of {}%", path, server, used * 100 / total,
                            limit);
                }
                over = true;
            }
        }
        if (exhausted && !over) {
            LOG.info("Disks of {} are within their limits again", server);
        }
        exhausted = over;
        return over;
    }
}
