package io.gatehouse.monitors.common;

import static io.gatehouse.api.server.ServerStatus.AUTH_ERROR;
import static io.gatehouse.api.server.ServerStatus.DONOR;
import static io.gatehouse.api.server.ServerStatus.MASTER;
import static io.gatehouse.api.server.ServerStatus.RUNNING;
import static io.gatehouse.api.server.ServerStatus.SLAVE;
import static io.gatehouse.api.server.ServerStatus.SYNCED;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The event names of status changes, the ones MaxScale 24.02 documents and shows as last_event. JUnit thread. */
class ServerEventsTest {

    @Test
    void upAndDownAreNamedAfterTheRole() {
        assertThat(ServerEvents.name(RUNNING | MASTER, 0, false)).isEqualTo("master_down");
        assertThat(ServerEvents.name(RUNNING | SLAVE, 0, false)).isEqualTo("slave_down");
        assertThat(ServerEvents.name(RUNNING | SLAVE | SYNCED, 0, false)).isEqualTo("slave_down");
        assertThat(ServerEvents.name(RUNNING | SYNCED, 0, false)).isEqualTo("synced_down");
        assertThat(ServerEvents.name(RUNNING | DONOR, 0, false)).isEqualTo("server_down");
        assertThat(ServerEvents.name(RUNNING, 0, false)).isEqualTo("server_down");
        assertThat(ServerEvents.name(0, RUNNING | SLAVE, false)).isEqualTo("slave_up");
        assertThat(ServerEvents.name(0, RUNNING | SYNCED, false)).isEqualTo("synced_up");
        assertThat(ServerEvents.name(0, RUNNING | MASTER | SYNCED, true)).isEqualTo("master_up");
        assertThat(ServerEvents.name(0, RUNNING | AUTH_ERROR, false)).isEqualTo("server_up");
    }

    @Test
    void roleChangesOfARunningServerAreNewOrLost() {
        assertThat(ServerEvents.name(RUNNING, RUNNING | MASTER, false)).isEqualTo("new_master");
        assertThat(ServerEvents.name(RUNNING | SLAVE, RUNNING | MASTER, false)).isEqualTo("new_master");
        assertThat(ServerEvents.name(RUNNING | MASTER, RUNNING | SLAVE, false)).isEqualTo("new_slave");
        assertThat(ServerEvents.name(RUNNING | MASTER, RUNNING, false)).isEqualTo("lost_master");
        assertThat(ServerEvents.name(RUNNING | SLAVE, RUNNING, false)).isEqualTo("lost_slave");
        assertThat(ServerEvents.name(RUNNING | SLAVE | SYNCED, RUNNING | DONOR, false)).isEqualTo("lost_slave");
        assertThat(ServerEvents.name(RUNNING | DONOR, RUNNING | SLAVE | SYNCED, false)).isEqualTo("new_slave");
        assertThat(ServerEvents.name(RUNNING, RUNNING | SYNCED, false)).isEqualTo("new_synced");
        assertThat(ServerEvents.name(RUNNING | SYNCED, RUNNING, false)).isEqualTo("lost_synced");
    }

    @Test
    void changesWithoutARoleChangeAreForScriptsOnly() {
        String auth = ServerEvents.name(RUNNING, RUNNING | AUTH_ERROR, false);
        assertThat(auth).isEqualTo("auth_error");
        assertThat(ServerEvents.recorded(auth)).isFalse();
        String donor = ServerEvents.name(RUNNING | SLAVE | SYNCED, RUNNING | SLAVE | SYNCED | DONOR, false);
        assertThat(donor).isEqualTo("server_changed");
        assertThat(ServerEvents.recorded(donor)).isFalse();
        assertThat(ServerEvents.name(0, 0, true)).as("down at the first pass: no event to show")
                .matches(e -> !ServerEvents.recorded(e));
        assertThat(ServerEvents.recorded("slave_down")).isTrue();
        assertThat(ServerEvents.recorded("new_synced")).isTrue();
    }
}
