package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.json.ParamsJson;
import io.gatehouse.api.Module;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ValueParser;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.runtime.Runtime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code /maxscale/modules} resource: the pseudo-modules {@code maxscale} and {@code servers} (the global and
 * server parameters) and every loaded module with its kind, maturity, parameters and commands. Runs on the admin
 * thread; module descriptors are immutable.
 */
public final class Modules {
    private final AdminContext ctx;

    public Modules(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode list(JsonApi api) {
        return api.collection(new ArrayList<>(all(api).values()), "maxscale/modules");
    }

    public ObjectNode one(JsonApi api, String name) {
        ObjectNode m = all(api).get(name.toLowerCase(Locale.ROOT));
        if (m == null) {
            throw ApiException.notFound("module '" + name + "'");
        }
        return api.document(m, "maxscale/modules/" + name);
    }

    private Map<String, ObjectNode> all(JsonApi api) {
        Runtime rt = ctx.runtime();
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        out.put("maxscale", module(api, "maxscale", "maxscale", null, "GA", MaxScaleInfo.VERSION, "maxscale",
                CoreParams.GLOBAL));
        out.put("servers", module(api, "servers", "servers", null, "GA", MaxScaleInfo.VERSION, "servers",
                CoreParams.SERVER));
        for (Module m : rt.modules().all()) {
            ModuleDescriptor d = m.descriptor();
            List<ParamSpec> params = new ArrayList<>(d.parameters());
            if (d.kind() == ModuleKind.ROUTER) {
                params.addAll(CoreParams.SERVICE);
            } else if (d.kind() == ModuleKind.MONITOR) {
                params.addAll(CoreParams.MONITOR);
            } else if (d.kind() == ModuleKind.PROTOCOL) {
                params.addAll(CoreParams.LISTENER);
            }
            String type = Character.toUpperCase(d.kind().word().charAt(0)) + d.kind().word().substring(1);
            ObjectNode r = module(api, d.name(), type, d.kind().word(), d.maturity().word(), d.version(),
                    d.description(), params);
            if (d.kind() == ModuleKind.MONITOR) {
                addCommands(api, r, d.name());
            }
            out.put(d.name().toLowerCase(Locale.ROOT), r);
        }
        return out;
    }

    private void addCommands(JsonApi api, ObjectNode r, String module) {
        Runtime rt = ctx.runtime();
        ArrayNode cmds = (ArrayNode) r.get("attributes").get("commands");
        for (var e : rt.monitors().entrySet()) {
            if (!module.equalsIgnoreCase(rt.monitorModule(e.getKey()))) {
                continue;
            }
            Monitor m = e.getValue();
            for (String c : m.commands()) {
                ObjectNode cmd = cmds.addObject();
                cmd.put("id", c);
                cmd.put("type", "module_command");
                ObjectNode a = cmd.putObject("attributes");
                a.put("method", "POST");
                a.put("arg_min", 1);
                cmd.putObject("links").put("self", api.base() + "modules/" + module + "/" + c + "/");
            }
            return;
        }
    }

    private static ObjectNode module(JsonApi api, String id, String type, String apiWord, String maturity,
                                     String version, String description, List<ParamSpec> params) {
        ObjectNode r = api.resource(id, "modules", "modules/" + id);
        ObjectNode a = (ObjectNode) r.get("attributes");
        if (apiWord != null) {
            a.put("api", apiWord);
        }
        a.putArray("commands");
        a.put("description", description);
        a.put("maturity", maturity);
        a.put("module_type", type);
        a.put("version", version);
        ArrayNode ps = a.putArray("parameters");
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        params.forEach(p -> byName.putIfAbsent(p.name(), p));
        for (ParamSpec p : byName.values()) {
            ObjectNode o = ps.addObject();
            if (p.defaultValue() != null) {
                Object v;
                try {
                    v = ValueParser.parse(p, p.defaultValue());
                } catch (RuntimeException e) {
                    v = p.defaultValue();
                }
                o.set("default_value", ParamsJson.value(p, v));
            }
            o.put("description", p.description());
            if (!p.values().isEmpty()) {
                ArrayNode ev = o.putArray("enum_values");
                p.values().forEach(ev::add);
            }
            o.put("mandatory", p.mandatory());
            o.put("modifiable", p.runtime());
            o.put("name", p.name());
            o.put("type", ParamsJson.typeWord(p));
            if (p.type() == io.gatehouse.api.config.ParamType.DURATION
                    || p.type() == io.gatehouse.api.config.ParamType.DURATION_MS) {
                o.put("unit", "ms");
            }
        }
        return r;
    }
}
