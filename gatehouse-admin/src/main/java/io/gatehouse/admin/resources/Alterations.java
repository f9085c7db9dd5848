package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.runtime.RuntimeChanges;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code PATCH /servers/:name} and {@code PATCH /monitors/:name} with {@code data.attributes.parameters}: the new
 * values are applied at once and persisted; a refused change answers 400 with the message naming the parameter.
 * Runs on the admin thread.
 */
public final class Alterations {
    private final Runtime rt;
    private RuntimeChanges changes;

    public Alterations(Runtime rt) {
        this.rt = rt;
    }

    public void alter(String type, String name, JsonNode body) throws Exception {
        Map<String, String> params = parameters(body);
        try {
            switch (type) {
                case "servers" -> {
                    Servers.require(rt, name);
                    changes().alterServer(name, params);
                }
                case "monitors" -> {
                    Monitors.require(rt, name);
                    changes().alterMonitor(name, params);
                }
                default -> throw new ApiException(405, "PATCH of " + type + " is not supported");
            }
        } catch (ConfigException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private RuntimeChanges changes() throws ConfigException {
        if (changes == null) {
            changes = new RuntimeChanges(rt);
        }
        return changes;
    }

    /** The parameters of the request as configuration-file text; JSON null removes a value (back to its default). */
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
                StringBuilder sb = new StringBuilder();
                v.forEach(x -> sb.append(sb.length() == 0 ? "" : ",").append(x.asText()));
                text = sb.toString();
            } else {
                text = v.asText();
            }
            out.put(e.getKey(), text);
        });
        return out;
    }
}
