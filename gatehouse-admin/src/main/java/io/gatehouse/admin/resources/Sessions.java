package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.core.session.SessionSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code /sessions} resource: each client session's id (the connection id its client sees), user, remote
 * address, start time, its backend connections (server and the backend's connection id, as MaxScale lists them)
 * and relationships to its service and servers. Runs on the admin thread and reads only the snapshots the
 * sessions' workers publish; a session may end while it is being described.
 */
public final class Sessions {
    private final AdminContext ctx;

    public Sessions(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (SessionSnapshot s : ctx.runtime().sessions().snapshots()) {
            all.add(resource(api, s));
        }
        return api.collection(all, "sessions");
    }

    public ObjectNode one(JsonApi api, String id) {
        SessionSnapshot s;
        try {
            s = ctx.runtime().sessions().snapshot(Long.parseLong(id));
        } catch (NumberFormatException e) {
            s = null;
        }
        if (s == null) {
            throw ApiException.notFound("session '" + id + "'");
        }
        return api.document(resource(api, s), "sessions/" + id);
    }

    /**
     * {@code PATCH /sessions/:id} with {@code data.attributes.parameters.trace} true or false: turns the session's
     * trace on or off (each statement then logged and listed in {@code trace_entries}).
     */
    public void alter(String id, com.fasterxml.jackson.databind.JsonNode body) {
        if (body != null && body.path("data").path("relationships").has("filters")) {
            throw ApiException.badRequest("relationships.filters: a session's filter chain cannot change while it"
                    + " runs (its filter sessions are made on its worker when it starts); change the service's filters"
                    + " (alter service-filters) and new sessions use them");
        }
        var params = body == null ? null : body.path("data").path("attributes").path("parameters");
        if (params == null || !params.isObject() || params.isEmpty()) {
            throw ApiException.badRequest("data.attributes.parameters: missing (expected: {\"trace\": true|false})");
        }
        boolean on = false;
        for (var e : params.properties()) {
            if (!e.getKey().equals("trace")) {
                throw ApiException.badRequest("session parameter '" + e.getKey() + "' cannot be changed (expected:"
                        + " trace)");
            }
            String v = e.getValue().asText();
            if (!v.equals("true") && !v.equals("false")) {
                throw ApiException.badRequest("trace: '" + v + "' (expected: true or false)");
            }
            on = v.equals("true");
        }
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException ex) {
            throw ApiException.notFound("session '" + id + "'");
        }
        if (!ctx.runtime().sessions().trace(n, on)) {
            throw ApiException.notFound("session '" + id + "'");
        }
    }

    ObjectNode resource(JsonApi api, SessionSnapshot s) {
        String id = Long.toString(s.id());
        ObjectNode r = api.resource(id, "sessions", "sessions/" + id);
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("state", "Session started");
        a.put("user", s.user());
        a.put("remote", s.remote());
        a.put("connected", Json.date(s.connectedAt()));
        var conns = a.putArray("connections");
        Set<String> servers = new LinkedHashSet<>();
        for (SessionSnapshot.Connection c : s.connections()) {
            ObjectNode o = conns.addObject();
            o.put("cipher", "");
            o.put("connection_id", c.threadId());
            o.put("server", c.server());
            servers.add(c.server());
        }
        if (s.sharing() != null) {
            // idle_session_pool_time: whether the session holds no backend connection, and what keeps them if any.
            ObjectNode sh = a.putObject("sharing");
            sh.put("released", s.sharing().released());
            var why = sh.putArray("pinned_by");
            s.sharing().pinnedBy().forEach(why::add);
        }
        var queries = a.putArray("queries");
        for (var q : s.statements()) {
            ObjectNode o = queries.addObject();
            o.put("statement", q.sql());
            o.put("received", Json.date(q.receivedMillis()));
            if (q.completedMillis() != 0) {
                o.put("completed", Json.date(q.completedMillis()));
            }
        }
        var registry = ctx.runtime().sessions();
        Boolean tracing = registry.tracing(s.id());
        a.put("trace", tracing != null && tracing);
        var traced = a.putArray("trace_entries");
        for (SessionSnapshot.TraceEntry t : registry.traceEntries(s.id())) {
            ObjectNode o = traced.addObject();
            o.put("time", Json.date(t.atMillis()));
            o.put("statement", t.statement());
            o.put("classification", t.classification());
            o.put("rule", t.rule());
            var facts = o.putArray("facts");
            t.facts().forEach(facts::add);
            o.put("target", t.target());
        }
        ObjectNode rel = r.putObject("relationships");
        rel.set("services", api.relationship("sessions/" + id, "services", List.of(s.service())));
        if (!servers.isEmpty()) {
            rel.set("servers", api.relationship("sessions/" + id, "servers", new ArrayList<>(servers)));
        }
        return r;
    }
}
