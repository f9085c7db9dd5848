package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.json.ParamsJson;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.router.RouterModule;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code /services} resource: each service with its router, state, parameters, counters, router diagnostics,
 * its listeners inline and its relationships (listeners, and servers or the monitor it takes them from); also
 * {@code start}/{@code stop}. Runs on the admin thread.
 */
public final class Services {
    /** Shown as relationships, not as parameters, as MaxScale does. */
    private static final Set<String> NOT_PARAMETERS = Set.of("servers", "targets", "cluster", "filters");
    private final AdminContext ctx;
    private final Listeners listeners;

    public Services(AdminContext ctx, Listeners listeners) {
        this.ctx = ctx;
        this.listeners = listeners;
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (Service s : ctx.runtime().services().values()) {
            all.add(resource(api, s));
        }
        return api.collection(all, "services");
    }

    public ObjectNode one(JsonApi api, String name) {
        return api.document(resource(api, require(ctx.runtime(), name)), "services/" + name);
    }

    public static Service require(Runtime rt, String name) {
        Service s = rt.services().get(name);
        if (s == null) {
            throw ApiException.notFound("service '" + name + "'");
        }
        return s;
    }

    /** The parameter specifications of a service using {@code router}. */
    public static List<ParamSpec> specs(Runtime rt, String router) {
        List<ParamSpec> all = new ArrayList<>(CoreParams.SERVICE);
        RouterModule m = rt.modules().find(ModuleKind.ROUTER, router, RouterModule.class);
        if (m != null) {
            all.addAll(m.descriptor().parameters());
        }
        return all;
    }

    /**
     * MaxScale lists per-server router counters as an array of objects with an {@code id}; a router that keeps them
     * keyed by server name is shown the same way.
     */
    private static void perServerAsList(ObjectNode diag) {
        var stats = diag.get("server_query_statistics");
        if (stats instanceof ObjectNode byName) {
            ArrayNode list = Json.array();
            byName.properties().forEach(e -> {
                ObjectNode o = Json.object();
                o.put("id", e.getKey());
                if (e.getValue() instanceof ObjectNode fields) {
                    o.setAll(fields);
                }
                list.add(o);
            });
            diag.set("server_query_statistics", list);
        }
    }

    /** The service's loaded accounts with MaxScale's fields (maxctrl's {@code show dbusers} reads them). */
    private static void users(ArrayNode out, Service s) {
        for (io.gatehouse.core.users.UserAccount u : s.users().snapshot().accounts()) {
            ObjectNode o = out.addObject();
            o.put("default_role", u.defaultRole() == null ? "" : u.defaultRole());
            o.put("global_priv", u.globalDbAccess());
            o.put("host", u.host());
            o.put("plugin", u.plugin() == null || u.plugin().isEmpty() ? "mysql_native_password" : u.plugin());
            // Gatehouse reads no proxy grants, so no account can log in as another through one.
            o.put("proxy_priv", false);
            o.put("ssl", u.sslType() != null && !u.sslType().isEmpty());
            o.put("super_priv", u.superUser());
            o.put("user", u.user());
        }
    }

    ObjectNode resource(JsonApi api, Service s) {
        Runtime rt = ctx.runtime();
        ObjectNode r = api.resource(s.name(), "services", "services/" + s.name());
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("router", s.routerName());
        boolean started = rt.isServiceStarted(s.name());
        a.put("state", started ? "Started" : "Stopped");
        if (started) {
            a.put("started", Json.date(rt.serviceStartedAtMillis(s.name())));
        }
        a.put("connections", s.currentSessions());
        a.put("total_connections", s.totalSessions());
        a.set("source", Sources.of(rt, s.name()));
        ObjectNode params = ParamsJson.render(s.params(), specs(rt, s.routerName()), NOT_PARAMETERS);
        a.set("parameters", params);
        ObjectNode stats = a.putObject("statistics");
        stats.put("connections", s.currentSessions());
        stats.put("total_connections", s.totalSessions());
        stats.put("routed_packets", s.queries());
        int active = 0;
        for (Server t : s.targets()) {
            active += t.activeOperations();
        }
        stats.put("active_operations", active);
        if (s.params().string("idle_session_pool_time") != null) {
            var sh = s.sharing();
            ObjectNode sharing = stats.putObject("connection_sharing");
            sharing.put("released_sessions", sh.releasedSessions());
            sharing.put("pinned_sessions", sh.pinnedSessions());
            ObjectNode by = sharing.putObject("pinned_by");
            sh.pinnedByReason().forEach(by::put);
            sharing.put("connections_released", sh.connectionsReleased());
            sharing.put("connections_restored", sh.connectionsRestored());
        }
        Json.putValue(a, "router_diagnostics", s.router() == null ? java.util.Map.of() : s.router().diagnostics());
        perServerAsList((ObjectNode) a.get("router_diagnostics"));
        users(a.putArray("users"), s);
        ArrayNode inline = a.putArray("listeners");
        List<Listener> ls = rt.listenersOf(s.name());
        for (Listener l : ls) {
            ObjectNode lr = listeners.resource(api, l);
            lr.remove("links");
            inline.add(lr);
        }
        ObjectNode rel = r.putObject("relationships");
        if (!ls.isEmpty()) {
            rel.set("listeners", api.relationship("services/" + s.name(), "listeners",
                    ls.stream().map(Listener::name).toList()));
        }
        List<String> chain = io.gatehouse.core.config.ConfigLoader.filterNames(s.params());
        if (!chain.isEmpty()) {
            rel.set("filters", api.relationship("services/" + s.name(), "filters", chain));
        }
        String cluster = rt.serviceCluster(s.name());
        if (cluster != null) {
            rel.set("monitors", api.relationship("services/" + s.name(), "monitors", List.of(cluster)));
        } else if (!s.targets().isEmpty()) {
            rel.set("servers", api.relationship("services/" + s.name(), "servers",
                    s.targets().stream().map(Server::name).toList()));
        }
        return r;
    }
}
