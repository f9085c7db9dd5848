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
 * {@code POST /servers|services|listeners|monitors|filters} (create from a JSON:API resource document, as MaxScale
 * takes it: {@code data.id}, {@code data.attributes.parameters}, the router or module in {@code data.attributes},
 * links in {@code data.relationships}) and {@code DELETE} of the same (refused with 400 while in use unless
 * {@code force=yes}). Runs on the admin thread; the change itself is made by {@link RuntimeChanges}.
 */
public final class Creations {
    private final Runtime rt;

    public Creations(Runtime rt) {
        this.rt = rt;
    }

    /** The configuration-file type word of a collection name, or null when it is not one of the five. */
    public static String typeOf(String collection) {
        return switch (collection) {
            case "servers" -> "server";
            case "services" -> "service";
            case "listeners" -> "listener";
            case "monitors" -> "monitor";
            case "filters" -> "filter";
            default -> null;
        };
    }

    /** Creates the object described by {@code body} in {@code collection}; {@code service} is set for listeners. */
    public void create(String collection, String service, JsonNode body) throws Exception {
        String type = typeOf(collection);
        JsonNode data = body == null ? null : body.get("data");
        if (type == null || data == null || !data.isObject()) {
            throw ApiException.badRequest("data: missing (expected: a resource object with id and attributes)");
        }
        String name = data.path("id").asText("");
        if (name.isEmpty()) {
            throw ApiException.badRequest("data.id: missing (expected: the name of the new " + type + ")");
        }
        String declared = data.path("type").asText(collection);
        if (!declared.equals(collection)) {
            throw ApiException.badRequest("data.type: '" + declared + "' (expected: " + collection + ")");
        }
        JsonNode attrs = data.path("attributes");
        Map<String, String> params = attrs.has("parameters") ? Alterations.parameters(body) : new LinkedHashMap<>();
        for (String reserved : List.of("type", "servers", "filters", "targets")) {
            if (params.containsKey(reserved) && !(type.equals("service") && reserved.equals("targets"))
                    && !(type.equals("monitor") && reserved.equals("servers"))) {
                throw ApiException.badRequest(reserved + ": given as a parameter (expected: a relationship in data.relationships)");
            }
        }
        JsonNode rels = data.path("relationships");
        Map<String, String> links = new LinkedHashMap<>();
        switch (type) {
            case "service" -> {
                String router = attrs.path("router").asText(params.remove("router"));
                if (router == null || router.isEmpty()) {
                    throw ApiException.badRequest("router: missing (expected: data.attributes.router, a router module)");
                }
                links.put("router", router);
                putList(links, "servers", ids(rels, "servers"), ",");
                putList(links, "targets", ids(rels, "services"), ",");
                putList(links, "filters", ids(rels, "filters"), "|");
                List<String> clusters = ids(rels, "monitors");
                if (!clusters.isEmpty()) {
                    links.put("cluster", clusters.get(0));
                }
            }
            case "monitor", "filter" -> {
                String module = attrs.path("module").asText(params.remove("module"));
                if (module == null || module.isEmpty()) {
                    throw ApiException.badRequest("module: missing (expected: data.attributes.module, a " + type + " module)");
                }
                links.put("module", module);
                if (type.equals("monitor")) {
                    putList(links, "servers", ids(rels, "servers"), ",");
                }
            }
            case "listener" -> {
                List<String> svc = ids(rels, "services");
                String target = service != null ? service : !svc.isEmpty() ? svc.get(0) : params.remove("service");
                if (target == null) {
                    throw ApiException.badRequest("service: missing (expected: data.relationships.services naming one service)");
                }
                Services.require(rt, target);
                links.put("service", target);
                params.putIfAbsent("protocol", "MariaDBProtocol");
            }
            default -> {
            }
        }
        links.putAll(params);
        // Checked before anything is created, so that a bad link does not leave a half-made server behind.
        if (type.equals("server")) {
            ids(rels, "services").forEach(sv -> Services.require(rt, sv));
            ids(rels, "monitors").forEach(m -> Monitors.require(rt, m));
        }
        try {
            RuntimeChanges changes = RuntimeChanges.of(rt);
            changes.create(type, name, links);
            if (type.equals("server")) {
                // A new server is linked by changing the services and monitors that are to use it.
                for (String s : ids(rels, "services")) {
                    changes.relate(s, "servers", with(Services.require(rt, s).targets().stream()
                            .map(x -> x.name()).toList(), name));
                }
                for (String m : ids(rels, "monitors")) {
                    changes.relate(m, "servers", with(rt.monitorServers(m), name));
                }
            }
        } catch (ConfigException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** Destroys {@code name}; {@code force} takes it out of the objects using it first. */
    public void destroy(String collection, String name, boolean force) throws Exception {
        String type = typeOf(collection);
        RuntimeChanges changes = RuntimeChanges.of(rt);
        if (type == null || !type.equals(changes.typeOf(name))) {
            throw ApiException.notFound((type == null ? collection : type) + " '" + name + "'");
        }
        try {
            changes.destroy(type, name, force);
        } catch (ConfigException e) {
            // MaxScale answers 400 Bad Request when an object cannot be destroyed.
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** The ids in {@code data.relationships.<type>.data}. */
    static List<String> ids(JsonNode rels, String type) {
        List<String> out = new ArrayList<>();
        JsonNode list = rels.path(type).path("data");
        if (list.isArray()) {
            list.forEach(ref -> out.add(ref.path("id").asText()));
        } else if (list.isObject()) {
            out.add(list.path("id").asText());
        }
        return out;
    }

    private static void putList(Map<String, String> m, String key, List<String> ids, String sep) {
        if (!ids.isEmpty()) {
            m.put(key, String.join(sep, ids));
        }
    }

    private static List<String> with(List<String> list, String extra) {
        List<String> out = new ArrayList<>(list);
        if (!out.contains(extra)) {
            out.add(extra);
        }
        return out;
    }
}
