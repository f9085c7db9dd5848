package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cli.AdminClient;
import io.gatehouse.cli.output.JsonText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How the objects of one instance differ from those of another ({@code cluster diff} and {@code cluster sync}): per
 * collection, the objects only the target has, those only the host has, and for objects both have the parameters
 * and relationships whose values differ. Masked passwords ({@code *****}) cannot be compared or copied and are
 * left out. A value computed on the command's thread from two sets of GET documents.
 */
final class ClusterDiff {
    /** In the order objects can be created: what an object refers to comes before it. */
    static final List<String> COLLECTIONS = List.of("servers", "monitors", "filters", "services", "listeners");
    /** The relationships an object's PATCH may carry, per collection. */
    private static final Map<String, List<String>> RELATIONS = Map.of(
            "servers", List.of(), "monitors", List.of("servers"), "filters", List.of(),
            "services", List.of("servers", "services", "filters", "monitors"), "listeners", List.of("services"));
    private static final String MASKED = "*****";

    /** collection to object id to its resource, on the target. */
    final Map<String, Map<String, JsonNode>> target;
    final Map<String, Map<String, JsonNode>> host;

    private ClusterDiff(Map<String, Map<String, JsonNode>> target, Map<String, Map<String, JsonNode>> host) {
        this.target = target;
        this.host = host;
    }

    static ClusterDiff between(AdminClient target, AdminClient host) {
        return new ClusterDiff(objects(target), objects(host));
    }

    private static Map<String, Map<String, JsonNode>> objects(AdminClient c) {
        Map<String, Map<String, JsonNode>> all = new LinkedHashMap<>();
        for (String col : COLLECTIONS) {
            Map<String, JsonNode> m = new LinkedHashMap<>();
            for (JsonNode r : c.get(col).path("data")) {
                m.put(r.path("id").asText(), r);
            }
            all.put(col, m);
        }
        return all;
    }

    /** Object ids the target has and the host lacks. */
    TreeSet<String> added(String collection) {
        TreeSet<String> ids = new TreeSet<>(target.get(collection).keySet());
        ids.removeAll(host.get(collection).keySet());
        return ids;
    }

    /** Object ids the host has and the target lacks. */
    TreeSet<String> removed(String collection) {
        TreeSet<String> ids = new TreeSet<>(host.get(collection).keySet());
        ids.removeAll(target.get(collection).keySet());
        return ids;
    }

    /** The target's values of the parameters that differ on an object both have; masked passwords left out. */
    ObjectNode changedParameters(String collection, String id) {
        JsonNode want = target.get(collection).get(id).path("attributes").path("parameters");
        JsonNode have = host.get(collection).get(id).path("attributes").path("parameters");
        ObjectNode out = JsonText.MAPPER.createObjectNode();
        for (var e : want.properties()) {
            JsonNode mine = have.get(e.getKey());
            if (MASKED.equals(e.getValue().asText()) || (mine != null && MASKED.equals(mine.asText()))) {
                continue;
            }
            if (!Objects.equals(e.getValue(), mine)) {
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The relationships (as the target has them) that differ on an object both have. */
    ObjectNode changedRelationships(String collection, String id) {
        ObjectNode out = JsonText.MAPPER.createObjectNode();
        for (String rel : RELATIONS.get(collection)) {
            List<String> want = Rows.idList(target.get(collection).get(id), rel);
            List<String> have = Rows.idList(host.get(collection).get(id), rel);
            if (!want.equals(have)) {
                ArrayNode data = out.putObject(rel).putArray("data");
                for (String w : want) {
                    data.addObject().put("id", w).put("type", rel);
                }
            }
        }
        return out;
    }

    /** The report {@code cluster diff} prints: added, removed and changed objects per collection. */
    ObjectNode report() {
        ObjectNode r = JsonText.MAPPER.createObjectNode();
        ObjectNode added = r.putObject("added");
        ObjectNode removed = r.putObject("removed");
        ObjectNode changed = r.putObject("changed");
        for (String col : COLLECTIONS) {
            if (!added(col).isEmpty()) {
                added.set(col, JsonText.MAPPER.valueToTree(added(col)));
            }
            if (!removed(col).isEmpty()) {
                removed.set(col, JsonText.MAPPER.valueToTree(removed(col)));
            }
            ObjectNode perCol = JsonText.MAPPER.createObjectNode();
            for (String id : new TreeSet<>(target.get(col).keySet())) {
                if (!host.get(col).containsKey(id)) {
                    continue;
                }
                ObjectNode params = changedParameters(col, id);
                ObjectNode rels = changedRelationships(col, id);
                if (!params.isEmpty() || !rels.isEmpty()) {
                    ObjectNode o = perCol.putObject(id);
                    if (!params.isEmpty()) {
                        o.set("parameters", params);
                    }
                    if (!rels.isEmpty()) {
                        o.set("relationships", rels);
                    }
                }
            }
            if (!perCol.isEmpty()) {
                changed.set(col, perCol);
            }
        }
        return r;
    }
}
