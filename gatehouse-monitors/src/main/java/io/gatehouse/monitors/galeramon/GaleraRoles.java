package io.gatehouse.monitors.galeramon;

import io.gatehouse.api.server.ServerStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Works out each Galera node's status bits from what one monitoring pass observed: which nodes are usable members of
 * the cluster (Synced), which one is the Master and which are Slaves, and which nodes prefer which state-transfer
 * donors. Pure functions over immutable values, callable on any thread; no buffers.
 */
final class GaleraRoles {
    /** wsrep_local_state of a node that is in sync with the cluster. */
    static final int SYNCED = 4;
    /** wsrep_local_state of a donor or a desynced node (Donor/Desynced). */
    static final int DONOR = 2;

    private GaleraRoles() {
    }

    /**
     * What one pass read from one node.
     *
     * @param localState     {@code wsrep_local_state} (4 Synced, 2 Donor/Desynced), -1 when unknown
     * @param localIndex     {@code wsrep_local_index}, the node's position in the cluster membership
     * @param clusterUuid    {@code wsrep_cluster_state_uuid}: nodes of one cluster share it
     * @param primary        {@code wsrep_cluster_status} is Primary (the node is in the quorum component)
     * @param rejectAll      {@code wsrep_reject_queries} is ALL or ALL_KILL
     * @param donorRejects   {@code wsrep_sst_donor_rejects_queries}: a donor refuses queries
     * @param priority       the server's {@code priority} parameter
     */
    record Observation(String name, boolean reachable, boolean authError, boolean wsrepOn, int localState,
                       int localIndex, String clusterUuid, boolean primary, boolean ready, boolean desync,
                       boolean rejectAll, boolean donorRejects, long priority, int clusterSize) {
        static Observation down(String name, boolean authError, long priority) {
            return new Observation(name, false, authError, false, -1, -1, "", false, false, false, false, false,
                    priority, 0);
        }
    }

    /** The monitor parameters that shape the roles. */
    record Settings(boolean disableMasterFailback, boolean availableWhenDonor, boolean disableMasterRoleSetting,
                    boolean usePriority, boolean rootNodeAsMaster) {
    }

    /**
     * True when the node can serve clients as a member of the cluster: wsrep ready, in the Primary component, not
     * desynced on purpose nor refusing queries, and Synced (or a donor, with {@code available_when_donor}, unless
     * donors refuse queries).
     */
    static boolean usable(Observation o, Settings s) {
        if (!o.reachable() || !o.wsrepOn() || !o.ready() || !o.primary() || o.desync() || o.rejectAll()) {
            return false;
        }
        return o.localState() == SYNCED || (o.localState() == DONOR && s.availableWhenDonor() && !o.donorRejects());
    }

    /**
     * The status bits of each node (by name, in the order given). {@code previousMaster} is the node that had the
     * Master role after the last pass (null if none), which {@code disable_master_failback} keeps when it can.
     */
    static Map<String, Integer> assign(List<Observation> nodes, Settings s, String previousMaster) {
        String cluster = majorityCluster(nodes, s);
        List<Observation> members = new ArrayList<>();
        for (Observation o : nodes) {
            if (usable(o, s) && o.clusterUuid().equals(cluster)) {
                members.add(o);
            }
        }
        Observation master = s.disableMasterRoleSetting() ? null : chooseMaster(members, s, previousMaster, nodes);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Observation o : nodes) {
            int bits = 0;
            if (o.reachable()) {
                bits |= ServerStatus.RUNNING;
                if (o.wsrepOn() && o.localState() == DONOR) {
                    bits |= ServerStatus.DONOR;
                }
                if (members.contains(o)) {
                    bits |= ServerStatus.SYNCED;
                    if (master != null) {
                        bits |= o == master ? ServerStatus.MASTER : ServerStatus.SLAVE;
                    }
                }
            } else if (o.authError()) {
                bits = ServerStatus.RUNNING | ServerStatus.AUTH_ERROR;
            }
            out.put(o.name(), bits);
        }
        return out;
    }

    /**
     * The cluster the monitor follows: the state UUID shared by most usable nodes (ties go to the cluster of the
     * node listed first), so that a node that formed a cluster of its own is not taken for a member.
     */
    static String majorityCluster(List<Observation> nodes, Settings s) {
        Map<String, Integer> votes = new HashMap<>();
        String best = null;
        for (Observation o : nodes) {
            if (usable(o, s) && !o.clusterUuid().isEmpty()) {
                int v = votes.merge(o.clusterUuid(), 1, Integer::sum);
                if (best == null || v > votes.get(best)) {
                    best = o.clusterUuid();
                }
            }
        }
        return best == null ? "" : best;
    }

    private static Observation chooseMaster(List<Observation> members, Settings s, String previousMaster,
                                            List<Observation> all) {
        List<Observation> candidates = new ArrayList<>();
        for (Observation o : members) {
            if (!s.rootNodeAsMaster() || o.localIndex() == 0) {
                candidates.add(o);
            }
        }
        if (s.disableMasterFailback() && previousMaster != null) {
            for (Observation o : candidates) {
                if (o.name().equals(previousMaster)) {
                    return o;
                }
            }
        }
        // With use_priority, non-positive priorities never get the role; when no server of the monitor has a
        // positive priority the choice falls back to wsrep_local_index, as if use_priority were off.
        boolean byPriority = s.usePriority() && all.stream().anyMatch(o -> o.priority() > 0);
        Comparator<Observation> order = Comparator.comparingInt(Observation::localIndex);
        if (byPriority) {
            candidates.removeIf(o -> o.priority() <= 0);
            order = Comparator.comparingLong(Observation::priority).thenComparing(order);
        }
        return candidates.stream().min(order).orElse(null);
    }

    /**
     * The preferred donors for {@code set_donor_nodes}, best first: the Slaves, least likely future Masters first
     * (highest wsrep_local_index, or with {@code use_priority} non-positive then highest priorities), the Master last.
     * Names are the nodes' {@code wsrep_node_name}s, given by {@code nodeNames}.
     */
    static List<String> donorOrder(List<Observation> nodes, Map<String, Integer> status, Settings s,
                                   Map<String, String> nodeNames) {
        boolean byPriority = s.usePriority() && nodes.stream().anyMatch(o -> o.priority() > 0);
        Comparator<Observation> likelyMaster = byPriority
                ? Comparator.comparingLong((Observation o) -> o.priority() <= 0 ? Long.MAX_VALUE : o.priority())
                : Comparator.comparingInt(Observation::localIndex);
        List<Observation> slaves = new ArrayList<>();
        Observation master = null;
        for (Observation o : nodes) {
            int st = status.getOrDefault(o.name(), 0);
            if (ServerStatus.has(st, ServerStatus.MASTER)) {
                master = o;
            } else if (ServerStatus.has(st, ServerStatus.SYNCED)) {
                slaves.add(o);
            }
        }
        slaves.sort(likelyMaster.reversed());
        List<String> out = new ArrayList<>();
        for (Observation o : slaves) {
            addName(out, nodeNames.get(o.name()));
        }
        if (master != null) {
            addName(out, nodeNames.get(master.name()));
        }
        return out;
    }

    private static void addName(List<String> out, String name) {
        if (name != null && !name.isEmpty()) {
            out.add(name);
        }
    }
}
