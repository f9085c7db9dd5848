package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.server.ServerStatus;

/** Names a server state change with MaxScale's event names (master_down, slave_up, ...). Stateless. */
final class Events {
    private Events() {
    }

    static String name(int before, int after, boolean firstTick) {
        boolean wasUp = ServerStatus.has(before, ServerStatus.RUNNING);
        boolean isUp = ServerStatus.has(after, ServerStatus.RUNNING);
        boolean wasMaster = ServerStatus.has(before, ServerStatus.MASTER);
        boolean isMaster = ServerStatus.has(after, ServerStatus.MASTER);
        boolean wasSlave = ServerStatus.has(before, ServerStatus.SLAVE);
        boolean isSlave = ServerStatus.has(after, ServerStatus.SLAVE);
        if (wasUp && !isUp) {
            return wasMaster ? "master_down" : wasSlave ? "slave_down" : "server_down";
        }
        if ((!wasUp || firstTick) && isUp) {
            return isMaster ? "master_up" : isSlave ? "slave_up" : "server_up";
        }
        if (!wasMaster && isMaster) {
            return "new_master";
        }
        if (!wasSlave && isSlave) {
            return "new_slave";
        }
        if (wasMaster && !isMaster) {
            return "lost_master";
        }
        if (wasSlave && !isSlave) {
            return "lost_slave";
        }
        return ServerStatus.has(after, ServerStatus.AUTH_ERROR) ? "auth_error" : "server_changed";
    }
}
