package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.json.ParamsJson;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.config.GatehouseConfig.ObjectConfig;
import io.gatehouse.core.runtime.RuntimeChanges;
import io.gatehouse.core.service.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code /filters} resource: each filter's module, parameters, source and the services whose chains use it.
 * Reads the current configuration (runtime changes included) on the admin thread.
 */
public final class Filters {
    private final AdminContext ctx;

    public Filters(AdminContext ctx) {
        this.ctx = ctx;
    }

    private List<ObjectConfig> configs() {
        try {
            return RuntimeChanges.of(ctx.runtime()).current().filters();
        } catch (io.gatehouse.core.config.ConfigException e) {
            return ctx.runtime().config().filters();
        }
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (ObjectConfig f : configs()) {
            if (ctx.runtime().filters().containsKey(f.name())) {
                all.add(resource(api, f));
            }
        }
        return api.collection(all, "filters");
    }

    public ObjectNode one(JsonApi api, String name) {
        ObjectConfig f = configs().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (f == null || !ctx.runtime().filters().containsKey(name)) {
            throw ApiException.notFound("filter '" + name + "'");
        }
        return api.document(resource(api, f), "filters/" + name);
    }

    private ObjectNode resource(JsonApi api, ObjectConfig f) {
        ObjectNode r = api.resource(f.name(), "filters", "filters/" + f.name());
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("module", f.module());
        List<ParamSpec> specs = new ArrayList<>(CoreParams.FILTER);
        FilterModule m = ctx.runtime().modules().find(ModuleKind.FILTER, f.module(), FilterModule.class);
        if (m != null) {
            specs.addAll(m.descriptor().parameters());
        }
        a.set("parameters", ParamsJson.render(f.params(), specs, Set.of("type")));
        io.gatehouse.api.filter.Filter live = ctx.runtime().filters().get(f.name());
        a.set("filter_diagnostics", Json.MAPPER.valueToTree(live == null ? java.util.Map.of() : live.diagnostics()));
        a.set("source", Sources.of(ctx.runtime(), f.name()));
        List<String> users = new ArrayList<>();
        for (Service s : ctx.runtime().services().values()) {
            if (ConfigLoader.filterNames(s.params()).contains(f.name())) {
                users.add(s.name());
            }
        }
        r.putObject("relationships").set("services",
                api.relationship("filters/" + f.name(), "services", users));
        return r;
    }
}
