package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.runtime.RuntimeChanges;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PATCH} of servers, monitors, services, listeners and filters ({@code data.attributes.parameters} and
 * {@code data.relationships}) and of relationships ({@code /:type/:name/relationships/:kind}): the new
 * values are applied at once and persisted; a refused change answers 400 with the message naming the parameter.
 * Runs on the admin thread.
 */
public final class Alterations {
    private final Runtime rt;

    public Alterations(Runtime rt) {
        this.rt = rt;
    }

    public void alter(String type, String name, JsonNode body) throws Exception {
        requireObject(type, name);
        JsonNode rels = body == null ? null : body.path("data").path("relationships");
        boolean hasParams = body != null && body.path("data").path("attributes").has("parameters");
        if (!hasParams && (rels == null || !rels.isObject() || rels.isEmpty())) {
            throw ApiException.badRequest("data.attributes.parameters: missing (expected: an object of parameters)");
        }
        try {
            RuntimeChanges changes = RuntimeChanges.of(rt);
            if (hasParams) {
                Map<String, String> params = parameters(body);
                switch (type) {
                    case "servers" -> changes.alterServer(name, params);
                    case "monitors" -> changes.alterMonitor(name, params);
                    case "services" -> changes.alterService(name, params);
                    case "listeners" -> changes.alterListener(name, params);
                    case "filters" -> changes.alterFilter(name, params);
                    default -> throw new ApiException(405, "PATCH of " + type + " is not supported");
                }
            }
            if (rels != null && rels.isObject()) {
                // maxctrl's link/unlink PATCH the whole relationships object of the GET, read-only kinds (a
                // service's listeners, a monitor's services) and empty ones included: a kind left as it is changes
                // nothing, as in MaxScale. Judged on the object as it was, before any of them is applied.
                Map<String, JsonNode> changed = new LinkedHashMap<>();
                for (var e : rels.properties()) {
                    if (!unchanged(type, name, e.getKey(), e.getValue())) {
                        changed.put(e.getKey(), e.getValue());
                    }
                }
                if (type.equals("services") && changed.containsKey("servers") && !ids(changed.get("servers")).isEmpty()
                        && !ids(rels.path("monitors")).isEmpty()) {
                    throw ApiException.badRequest("service '" + name + "' uses the cluster of monitor '"
                            + ids(rels.path("monitors")).get(0) + "': it cannot also have servers linked to it");
                }
                for (var e : changed.entrySet()) {
                    relate(changes, type, name, e.getKey(), e.getValue());
                }
            }
        } catch (ConfigException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * {@code PATCH /:type/:name/relationships/:relation} with {@code {"data": [{"id", "type"}...]}}: the object's
     * links of that kind become exactly those listed.
     */
    public void relationship(String type, String name, String relation, JsonNode body) throws Exception {
        requireObject(type, name);
        if (body == null || !body.has("data")) {
            throw ApiException.badRequest("data: missing (expected: a list of resource identifiers, or null)");
        }
        try {
            relate(RuntimeChanges.of(rt), type, name, relation, body);
        } catch (ConfigException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** Whether {@code rel} lists the same objects the resource's relationship of that kind has now. */
    private boolean unchanged(String type, String name, String relation, JsonNode rel) {
        List<String> ids = ids(rel);
        List<String> now = current(type, name, relation);
        if (now == null) {
            return false;
        }
        // A service's filters are a chain, so their order counts; the other kinds are sets.
        return relation.equals("filters") ? ids.equals(now)
                : ids.size() == now.size() && new java.util.HashSet<>(ids).equals(new java.util.HashSet<>(now));
    }

    /** The names an object's relationship of {@code relation} has now, as its GET shows them; null if unknown. */
    private List<String> current(String type, String name, String relation) {
        switch (type) {
            case "services" -> {
                String cluster = rt.serviceCluster(name);
                return switch (relation) {
                    case "listeners" -> rt.listenersOf(name).stream().map(io.gatehouse.core.listener.Listener::name)
                            .toList();
                    case "filters" -> io.gatehouse.core.config.ConfigLoader.filterNames(rt.services().get(name).params());
                    case "monitors" -> cluster == null ? List.of() : List.of(cluster);
                    case "servers" -> cluster != null ? List.of()
                            : rt.services().get(name).targets().stream().map(io.gatehouse.core.server.Server::name)
                                    .toList();
                    case "services" -> List.of();
                    default -> null;
                };
            }
            case "monitors" -> {
                return switch (relation) {
                    case "servers" -> rt.monitorServers(name);
                    case "services" -> rt.services().keySet().stream().filter(s -> name.equals(rt.serviceCluster(s)))
                            .toList();
                    case "monitors", "filters" -> List.of();
                    default -> null;
                };
            }
            case "servers" -> {
                return switch (relation) {
                    case "services" -> rt.services().values().stream()
                            .filter(v -> v.targets().stream().anyMatch(t -> t.name().equals(name)))
                            .map(io.gatehouse.core.service.Service::name).toList();
                    case "monitors" -> rt.monitors().keySet().stream()
                            .filter(m -> rt.monitorServers(m).contains(name)).toList();
                    case "servers", "filters" -> List.of();
                    default -> null;
                };
            }
            default -> {
                return null;
            }
        }
    }

    private static List<String> ids(JsonNode rel) {
        List<String> ids = new ArrayList<>();
        JsonNode data = rel.path("data");
        if (data.isArray()) {
            data.forEach(ref -> ids.add(ref.path("id").asText()));
        } else if (data.isObject()) {
            ids.add(data.path("id").asText());
        }
        return ids;
    }

    private void relate(RuntimeChanges changes, String type, String name, String relation, JsonNode rel) throws Exception {
        List<String> ids = ids(rel);
        if (type.equals("servers") && (relation.equals("services") || relation.equals("monitors"))) {
            relateServer(changes, name, relation, ids);
            return;
        }
        boolean supported = (type.equals("services") && (relation.equals("servers") || relation.equals("filters")))
                || (type.equals("monitors") && relation.equals("servers"));
        if (!supported) {
            throw new ApiException(403, "relationship '" + relation + "' of " + type + " cannot be changed here");
        }
        for (String id : ids) {
            boolean exists = relation.equals("servers") ? rt.servers().containsKey(id) : rt.filters().containsKey(id);
            if (!exists) {
                throw ApiException.badRequest("data: '" + id + "' (expected: the name of an existing "
                        + relation.substring(0, relation.length() - 1) + ")");
            }
        }
        changes.relate(name, relation, ids);
    }

    /**
     * A server's {@code services} or {@code monitors} relationship: every service (or monitor) listed gets the server,
     * every other one that had it loses it. Services that take their servers from a cluster are left alone.
     */
    private void relateServer(RuntimeChanges changes, String server, String relation, List<String> ids) throws Exception {
        boolean services = relation.equals("services");
        for (String id : ids) {
            if (services) {
                Services.require(rt, id);
            } else {
                Monitors.require(rt, id);
            }
        }
        List<String> owners = new ArrayList<>(services ? rt.services().keySet() : rt.monitors().keySet());
        for (String owner : owners) {
            if (services && rt.serviceCluster(owner) != null && !ids.contains(owner)) {
                continue;
            }
            List<String> current = services
                    ? rt.services().get(owner).targets().stream().map(io.gatehouse.core.server.Server::name).toList()
                    : rt.monitorServers(owner);
            boolean want = ids.contains(owner);
            if (want == current.contains(server)) {
                continue;
            }
            List<String> next = new ArrayList<>(current);
            if (want) {
                next.add(server);
            } else {
                next.remove(server);
            }
            changes.relate(owner, "servers", next);
        }
    }

    private void requireObject(String type, String name) {
        switch (type) {
            case "servers" -> Servers.require(rt, name);
            case "monitors" -> Monitors.require(rt, name);
            case "services" -> Services.require(rt, name);
            case "listeners" -> {
                if (!rt.listeners().containsKey(name)) {
                    throw ApiException.notFound("listener '" + name + "'");
                }
            }
            case "filters" -> {
                if (!rt.filters().containsKey(name)) {
                    throw ApiException.notFound("filter '" + name + "'");
                }
            }
            default -> throw new ApiException(405, "PATCH of " + type + " is not supported");
        }
    }

    /**
     * The parameters of the request as configuration-file text; JSON null removes a value (back to its default). A
     * list is joined with commas, except a service's {@code filters}, whose names a configuration file separates
     * with {@code |}.
     */
    static Map<String, String> parameters(JsonNode body) {
        JsonNode p = body == null ? null : body.path("data").path("attributes").path("parameters");
        if (p == null || !p.isObject()) {
            throw ApiException.badRequest("data.attributes.parameters: missing (expected: an object of parameters)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.properties().forEach(e -> {
            JsonNode v = e.getValue();
            String text;
            if (v.isNull()) {
                text = null;
            } else if (v.isArray()) {
                String sep = e.getKey().equals("filters") ? "|" : ",";
                StringBuilder sb = new StringBuilder();
                v.forEach(x -> sb.append(sb.length() == 0 ? "" : sep).append(x.asText()));
                text = sb.toString();
            } else {
                text = v.asText();
            }
            out.put(e.getKey(), text);
        });
        return out;
    }
}
