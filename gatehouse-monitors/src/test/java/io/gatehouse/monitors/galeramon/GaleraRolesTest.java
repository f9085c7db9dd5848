package io.gatehouse.monitors.galeramon;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The role rules of galeramon over observed wsrep states: which nodes are Synced, Donor, Master and Slave. */
class GaleraRolesTest {
    private static final String UUID = "c0ffee00-0000-0000-0000-000000000001";
    private static final GaleraRoles.Settings DEFAULTS = new GaleraRoles.Settings(false, false, false, false, false);

    private static GaleraRoles.Observation node(String name, int state, int index, int priority) {
        return new GaleraRoles.Observation(name, true, false, true, state, index, UUID, true, true, false, false,
                false, priority, 3);
    }

    private static String describe(Map<String, Integer> status, String name) {
        return ServerStatus.describe(status.get(name));
    }

    @Test
    void lowestLocalIndexIsTheMasterAndTheOthersSlaves() {
        Map<String, Integer> st = GaleraRoles.assign(List.of(node("a", 4, 2, 0), node("b", 4, 0, 0),
                node("c", 4, 1, 0)), DEFAULTS, null);
        assertThat(describe(st, "b")).isEqualTo("Master, Synced, Running");
        assertThat(describe(st, "a")).isEqualTo("Slave, Synced, Running");
        assertThat(describe(st, "c")).isEqualTo("Slave, Synced, Running");
    }

    @Test
    void aDonorIsUnusableUnlessAvailableWhenDonor() {
        List<GaleraRoles.Observation> nodes = List.of(node("a", 2, 0, 0), node("b", 4, 1, 0), node("c", 4, 2, 0));
        Map<String, Integer> st = GaleraRoles.assign(nodes, DEFAULTS, null);
        assertThat(describe(st, "a")).isEqualTo("Donor, Running");
        assertThat(describe(st, "b")).isEqualTo("Master, Synced, Running");

        GaleraRoles.Settings whenDonor = new GaleraRoles.Settings(false, true, false, false, false);
        st = GaleraRoles.assign(nodes, whenDonor, null);
        assertThat(describe(st, "a")).isEqualTo("Master, Synced, Donor, Running");

        // A donor that refuses queries stays out, whatever available_when_donor says.
        GaleraRoles.Observation refusing = new GaleraRoles.Observation("a", true, false, true, 2, 0, UUID, true, true,
                false, false, true, 0, 3);
        st = GaleraRoles.assign(List.of(refusing, nodes.get(1), nodes.get(2)), whenDonor, null);
        assertThat(describe(st, "a")).isEqualTo("Donor, Running");
    }

    @Test
    void desyncedNonPrimaryAndForeignClusterNodesAreOnlyRunning() {
        GaleraRoles.Observation desynced = new GaleraRoles.Observation("a", true, false, true, 4, 0, UUID, true, true,
                true, false, false, 0, 3);
        GaleraRoles.Observation nonPrimary = new GaleraRoles.Observation("b", true, false, true, 4, 1, UUID, false,
                true, false, false, false, 0, 1);
        GaleraRoles.Observation foreign = new GaleraRoles.Observation("c", true, false, true, 4, 0, "other", true,
                true, false, false, false, 0, 1);
        Map<String, Integer> st = GaleraRoles.assign(List.of(desynced, nonPrimary, foreign, node("d", 4, 2, 0),
                node("e", 4, 1, 0), GaleraRoles.Observation.down("f", false, 0)), DEFAULTS, null);
        assertThat(describe(st, "a")).isEqualTo("Running");
        assertThat(describe(st, "b")).isEqualTo("Running");
        assertThat(describe(st, "c")).isEqualTo("Running");
        assertThat(describe(st, "e")).isEqualTo("Master, Synced, Running");
        assertThat(describe(st, "f")).isEqualTo("Down");
    }

    @Test
    void optionsShapeTheMasterChoice() {
        List<GaleraRoles.Observation> nodes = List.of(node("a", 4, 0, 0), node("b", 4, 1, 2), node("c", 4, 2, 1));
        assertThat(describe(GaleraRoles.assign(nodes, new GaleraRoles.Settings(false, false, false, true, false),
                null), "c")).startsWith("Master");
        assertThat(describe(GaleraRoles.assign(nodes, new GaleraRoles.Settings(true, false, false, false, false),
                "b"), "b")).startsWith("Master");
        assertThat(GaleraRoles.assign(nodes, new GaleraRoles.Settings(false, false, true, false, false), null))
                .allSatisfy((n, bits) -> assertThat(ServerStatus.describe(bits)).isEqualTo("Synced, Running"));
        // root_node_as_master: without the index-0 node there is no Master at all.
        Map<String, Integer> st = GaleraRoles.assign(List.of(node("b", 4, 1, 0), node("c", 4, 2, 0)),
                new GaleraRoles.Settings(false, false, false, false, true), null);
        assertThat(st.values()).noneMatch(bits -> ServerStatus.has(bits, ServerStatus.MASTER));
    }

    @Test
    void donorListPutsTheMasterLast() {
        List<GaleraRoles.Observation> nodes = List.of(node("a", 4, 0, 0), node("b", 4, 1, 0), node("c", 4, 2, 0));
        Map<String, Integer> st = GaleraRoles.assign(nodes, DEFAULTS, null);
        assertThat(GaleraRoles.donorOrder(nodes, st, DEFAULTS, Map.of("a", "na", "b", "nb", "c", "nc")))
                .containsExactly("nc", "nb", "na");
    }
}
