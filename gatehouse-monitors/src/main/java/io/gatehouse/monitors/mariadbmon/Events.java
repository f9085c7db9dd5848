package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.monitors.common.ServerEvents;

/** Names a server state change with MaxScale's event names (master_down, slave_up, ...). Stateless. */
final class Events {
    private Events() {
    }

    static String name(int before, int after, boolean firstTick) {
        return ServerEvents.name(before, after, firstTick);
    }
}
