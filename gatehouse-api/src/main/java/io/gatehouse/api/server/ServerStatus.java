package io.gatehouse.api.server;

import java.util.ArrayList;
import java.util.List;

/**
 * The status bits of a backend server, as MaxScale names them. Monitors own RUNNING, MASTER, SLAVE, SYNCED, DONOR
 * and AUTH_ERROR; an operator owns MAINTENANCE and DRAINING. A server without RUNNING is shown as Down. Constants only.
 */
public final class ServerStatus {
    public static final int RUNNING = 1;
    public static final int MASTER = 1 << 1;
    public static final int SLAVE = 1 << 2;
    public static final int SYNCED = 1 << 3;
    public static final int MAINTENANCE = 1 << 4;
    public static final int DRAINING = 1 << 5;
    public static final int AUTH_ERROR = 1 << 6;
    /** A Galera node that is a state-transfer donor or desynced ({@code wsrep_local_state} 2). */
    public static final int DONOR = 1 << 7;
    /** A disk of the server is fuller than its {@code disk_space_threshold} allows. Since API 2.4. */
    public static final int DISK_SPACE_EXHAUSTED = 1 << 8;
    /** Bits a monitor may set; the others belong to the operator. */
    public static final int MONITOR_BITS = RUNNING | MASTER | SLAVE | SYNCED | DONOR | AUTH_ERROR
            | DISK_SPACE_EXHAUSTED;
    /** Bits an operator may set. */
    public static final int ADMIN_BITS = MAINTENANCE | DRAINING;

    private ServerStatus() {
    }

    public static boolean has(int status, int bit) {
        return (status & bit) == bit;
    }

    /** True when new sessions may use the server: running, not in maintenance, not draining. */
    public static boolean acceptsNewSessions(int status) {
        return has(status, RUNNING) && (status & (MAINTENANCE | DRAINING)) == 0;
    }

    /** The status as MaxScale prints it, for example {@code Master, Running} or {@code Down}. */
    public static String describe(int status) {
        List<String> words = new ArrayList<>(4);
        if (has(status, MAINTENANCE)) {
            words.add("Maintenance");
        }
        if (has(status, DRAINING)) {
            words.add("Draining");
        }
        if (has(status, MASTER)) {
            words.add("Master");
        }
        if (has(status, SLAVE)) {
            words.add("Slave");
        }
        if (has(status, SYNCED)) {
            words.add("Synced");
        }
        if (has(status, DONOR)) {
            words.add("Donor");
        }
        words.add(has(status, RUNNING) ? "Running" : "Down");
        if (has(status, AUTH_ERROR)) {
            words.add("Auth Error");
        }
        if (has(status, DISK_SPACE_EXHAUSTED)) {
            words.add("Disk Space Exhausted");
        }
        return String.join(", ", words);
    }
}
