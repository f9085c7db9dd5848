package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.json.ParamsJson;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorModule;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code /monitors} resource: each monitor's module, state, parameters and diagnostics, its relationships to
 * servers and to the services that use it as their cluster; also {@code start}/{@code stop}. Runs on the admin
 * thread; monitor diagnostics are snapshots the monitor thread publishes.
 */
public final class Monitors {
    private final AdminContext ctx;

    public Monitors(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (String name : ctx.runtime().monitors().keySet()) {
            all.add(resource(api, name));
        }
        return api.collection(all, "monitors");
    }

    public ObjectNode one(JsonApi api, String name) {
        require(ctx.runtime(), name);
        return api.document(resource(api, name), "monitors/" + name);
    }

    public static Monitor require(Runtime rt, String name) {
        Monitor m = rt.monitors().get(name);
        if (m == null) {
            throw ApiException.notFound("monitor '" + name + "'");
        }
        return m;
    }

    /** The parameter specifications of a monitor using {@code module}. */
    public static List<ParamSpec> specs(Runtime rt, String module) {
        List<ParamSpec> all = new ArrayList<>(CoreParams.MONITOR);
        MonitorModule m = rt.modules().find(ModuleKind.MONITOR, module, MonitorModule.class);
        if (m != null) {
            all.addAll(m.descriptor().parameters());
        }
        return all;
    }

    ObjectNode resource(JsonApi api, String name) {
        Runtime rt = ctx.runtime();
        Monitor m = rt.monitors().get(name);
        String module = rt.monitorModule(name);
        ObjectNode r = api.resource(name, "monitors", "monitors/" + name);
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("module", module);
        a.put("state", m.isRunning() ? "Running" : "Stopped");
        Map<String, Object> diag = m.diagnostics();
        Object ticks = diag.get("ticks");
        a.put("ticks", ticks instanceof Number n ? n.longValue() : 0);
        Json.putValue(a, "monitor_diagnostics", diag);
        a.set("parameters", ParamsJson.render(rt.monitorParams(name), specs(rt, module), Set.of("servers")));
        a.set("source", Sources.of(rt, name));
        ObjectNode rel = r.putObject("relationships");
        rel.set("servers", api.relationship("monitors/" + name, "servers", rt.monitorServers(name)));
        List<String> services = rt.services().keySet().stream().filter(s -> name.equals(rt.serviceCluster(s))).toList();
        if (!services.isEmpty()) {
            rel.set("services", api.relationship("monitors/" + name, "services", services));
        }
        return r;
    }
}
