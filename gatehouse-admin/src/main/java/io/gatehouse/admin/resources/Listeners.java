package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.json.ParamsJson;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.listener.Listener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code /listeners} resource: each listener's parameters (the port actually bound when it asked for 0), state
 * and its relationship to its service. Runs on the admin thread.
 */
public final class Listeners {
    private final AdminContext ctx;

    public Listeners(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (Listener l : ctx.runtime().listeners().values()) {
            all.add(resource(api, l));
        }
        return api.collection(all, "listeners");
    }

    public ObjectNode one(JsonApi api, String name) {
        Listener l = ctx.runtime().listeners().get(name);
        if (l == null) {
            throw ApiException.notFound("listener '" + name + "'");
        }
        return api.document(resource(api, l), "listeners/" + name);
    }

    /** {@code GET /services/:service/listeners}: the listeners of one service (MaxScale keeps this older path). */
    public ObjectNode ofService(JsonApi api, String service) {
        List<ObjectNode> all = new ArrayList<>();
        for (Listener l : ctx.runtime().listeners().values()) {
            if (l.service().name().equals(service)) {
                all.add(resource(api, l));
            }
        }
        return api.collection(all, "services/" + service + "/listeners");
    }

    /** {@code GET /services/:service/listeners/:name}: one listener, only through the service it serves. */
    public ObjectNode oneOfService(JsonApi api, String service, String name) {
        Listener l = ctx.runtime().listeners().get(name);
        if (l == null || !l.service().name().equals(service)) {
            throw ApiException.notFound("listener '" + name + "' of service '" + service + "'");
        }
        return api.document(resource(api, l), "services/" + service + "/listeners/" + name);
    }

    ObjectNode resource(JsonApi api, Listener l) {
        ObjectNode r = api.resource(l.name(), "listeners", "listeners/" + l.name());
        ObjectNode a = (ObjectNode) r.get("attributes");
        List<io.gatehouse.api.config.ParamSpec> specs = new java.util.ArrayList<>(CoreParams.LISTENER);
        specs.addAll(l.protocolParameters());
        ObjectNode p = ParamsJson.render(l.params(), specs, Set.of());
        if (l.isRunning() && l.boundPort() > 0) {
            p.put("port", l.boundPort());
        }
        a.set("parameters", p);
        a.put("state", l.isRunning() ? "Running" : "Stopped");
        a.set("source", Sources.of(ctx.runtime(), l.name()));
        ObjectNode stats = a.putObject("statistics");
        stats.put("accepted", l.accepted());
        r.putObject("relationships").set("services",
                api.relationship("listeners/" + l.name(), "services", List.of(l.service().name())));
        return r;
    }
}
