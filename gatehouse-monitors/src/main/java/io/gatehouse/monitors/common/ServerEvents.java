package io.gatehouse.monitors.common;

import io.gatehouse.api.server.ServerStatus;
import java.util.Set;

/**
 * Names a server's status change with MaxScale's event names (master_down, slave_up, synced_up, lost_donor, ...)
 * and says which names a server's {@code last_event} records. Stateless; called on a monitor's thread.
 */
public final class ServerEvents {
    /** The names MaxScale shows as a server's last_event; Gatehouse's own extra names are for scripts only. */
    private static final Set<String> RECORDED = Set.of("master_down", "master_up", "slave_down", "slave_up",
            "server_down", "server_up", "synced_down", "synced_up", "donor_down", "donor_up", "lost_master",
            "lost_slave", "lost_synced", "lost_donor", "new_master", "new_slave", "new_synced", "new_donor");

    private ServerEvents() {
    }

    /**
     * The event of a change from {@code before} to {@code after} (monitor bits); on the first pass a running server
     * gets its up event, so scripts learn the roles found at start.
     */
    public static String name(int before, int after, boolean firstTick) {
        boolean wasUp = ServerStatus.has(before, ServerStatus.RUNNING);
        boolean isUp = ServerStatus.has(after, ServerStatus.RUNNING);
        if (wasUp && !isUp) {
            return role(before, "down", "server_down");
        }
        if ((!wasUp || firstTick) && isUp) {
            return role(after, "up", "server_up");
        }
        for (int bit : new int[] {ServerStatus.MASTER, ServerStatus.SLAVE, ServerStatus.SYNCED, ServerStatus.DONOR}) {
            if (!ServerStatus.has(before, bit) && ServerStatus.has(after, bit)) {
                return "new_" + word(bit);
            }
        }
        for (int bit : new int[] {ServerStatus.MASTER, ServerStatus.SLAVE, ServerStatus.SYNCED, ServerStatus.DONOR}) {
            if (ServerStatus.has(before, bit) && !ServerStatus.has(after, bit)) {
                return "lost_" + word(bit);
            }
        }
        return ServerStatus.has(after, ServerStatus.AUTH_ERROR) ? "auth_error" : "server_changed";
    }

    /** Whether {@code event} is one a server's last_event shows (MaxScale's names), not a script-only one. */
    public static boolean recorded(String event) {
        return RECORDED.contains(event);
    }

    private static String role(int status, String suffix, String none) {
        for (int bit : new int[] {ServerStatus.MASTER, ServerStatus.SLAVE, ServerStatus.SYNCED, ServerStatus.DONOR}) {
            if (ServerStatus.has(status, bit)) {
                return word(bit) + "_" + suffix;
            }
        }
        return none;
    }

    private static String word(int bit) {
        return switch (bit) {
            case ServerStatus.MASTER -> "master";
            case ServerStatus.SLAVE -> "slave";
            case ServerStatus.SYNCED -> "synced";
            default -> "donor";
        };
    }
}
