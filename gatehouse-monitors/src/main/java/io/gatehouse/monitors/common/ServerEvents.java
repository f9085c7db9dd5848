package io.gatehouse.monitors.common;

import io.gatehouse.api.server.ServerStatus;
import java.util.Set;

/**
 * Names a server's status change with MaxScale's event names (master_down, slave_up, synced_up, lost_slave, ...)
 * and says which names a server's {@code last_event} records. Stateless; called on a monitor's thread.
 */
public final class ServerEvents {
    /** The names MaxScale shows as a server's last_event; Gatehouse's own extra names are for scripts only. */
    private static final Set<String> RECORDED = Set.of("master_down", "master_up", "slave_down", "slave_up",
            "server_down", "server_up", "synced_down", "synced_up", "lost_master", "lost_slave", "lost_synced",
            "new_master", "new_slave", "new_synced");

    /** The bits that give a server a kind, the ones its events are named after. */
    private static final int TYPE = ServerStatus.MASTER | ServerStatus.SLAVE | ServerStatus.SYNCED;

    private ServerEvents() {
    }

    /**
     * The event of a change from {@code before} to {@code after} (monitor bits); on the first pass a running server
     * gets its up event, so scripts learn the roles found at start. A running server whose Master/Slave/Synced bits
     * change gets new_ROLE when it gained a role it did not have (or had none of them), else lost_ROLE for the role it
     * had, as MaxScale names them (Slave, Synced to Donor is lost_slave). Donor states have no events of their own.
     */
    public static String name(int before, int after, boolean firstTick) {
        boolean wasUp = ServerStatus.has(before, ServerStatus.RUNNING);
        boolean isUp = ServerStatus.has(after, ServerStatus.RUNNING);
        if (wasUp && !isUp) {
            return role(before, "", "_down", "server_down");
        }
        if ((!wasUp || firstTick) && isUp) {
            return role(after, "", "_up", "server_up");
        }
        if ((before & TYPE) != (after & TYPE)) {
            int wasRole = before & (ServerStatus.MASTER | ServerStatus.SLAVE);
            int isRole = after & (ServerStatus.MASTER | ServerStatus.SLAVE);
            boolean lost = (wasRole == 0 || isRole == 0 || wasRole == isRole) && (before & TYPE) != 0;
            String event = lost ? role(before, "lost_", "", null) : role(after, "new_", "", null);
            if (event != null) {
                return event;
            }
        }
        return ServerStatus.has(after, ServerStatus.AUTH_ERROR) ? "auth_error" : "server_changed";
    }

    /** Whether {@code event} is one a server's last_event shows (MaxScale's names), not a script-only one. */
    public static boolean recorded(String event) {
        return RECORDED.contains(event);
    }

    /** The event for the first of Master, Slave, Synced in {@code status}, or {@code none}. */
    private static String role(int status, String prefix, String suffix, String none) {
        String word = ServerStatus.has(status, ServerStatus.MASTER) ? "master"
                : ServerStatus.has(status, ServerStatus.SLAVE) ? "slave"
                : ServerStatus.has(status, ServerStatus.SYNCED) ? "synced" : null;
        return word == null ? none : prefix + word + suffix;
    }
}
