package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.core.session.SessionMemory;
import io.gatehouse.core.session.SessionRegistry;
import io.gatehouse.core.session.SessionSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code /sessions} resource: each client session's id (the connection id its client sees), user, remote
 * address, start time, its backend connections (server and the backend's connection id, as MaxScale lists them)
 * and relationships to its service, servers and filters, its memory and I/O activity (measured on its worker); changes
 * of its filters, and restarts. Runs on the admin thread and reads only the snapshots the
 * sessions' workers publish; a session may end while it is being described.
 */
public final class Sessions {
    /** How long a listing waits for the workers to measure their sessions. */
    private static final long MEASURE_MILLIS = 5000;
    private final AdminContext ctx;

    public Sessions(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        Map<Long, SessionMemory.Measured> measured = SessionMemory.collect(ctx.runtime().sessions().all(),
                MEASURE_MILLIS);
        for (SessionSnapshot s : ctx.runtime().sessions().snapshots()) {
            all.add(resource(api, s, measured.get(s.id())));
        }
        return api.collection(all, "sessions");
    }

    /**
     * {@code ?rdns=true} (maxctrl's {@code --rdns}): each session's {@code remote} as the host name a reverse lookup
     * gives, unless {@code skip_name_resolve} is on, as MaxScale does. Blocks the admin thread on DNS as MaxScale's
     * does; each address is looked up once per request.
     */
    public void resolveNames(ObjectNode doc) {
        if (ctx.runtime().global().bool("skip_name_resolve")) {
            return;
        }
        Map<String, String> names = new java.util.HashMap<>();
        com.fasterxml.jackson.databind.JsonNode data = doc.path("data");
        for (com.fasterxml.jackson.databind.JsonNode r : data.isArray() ? data : List.of(data)) {
            if (r.path("attributes") instanceof ObjectNode a && a.path("remote").isTextual()) {
                String addr = a.get("remote").asText();
                a.put("remote", names.computeIfAbsent(addr, Sessions::reverseName));
            }
        }
    }

    private static String reverseName(String address) {
        try {
            return java.net.InetAddress.getByName(address).getCanonicalHostName();
        } catch (java.io.IOException | SecurityException e) {
            return address;
        }
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
        var live = ctx.runtime().sessions().get(s.id());
        Map<Long, SessionMemory.Measured> measured = live == null ? Map.of()
                : SessionMemory.collect(List.of(live), MEASURE_MILLIS);
        return api.document(resource(api, s, measured.get(s.id())), "sessions/" + id);
    }

    /**
     * {@code PATCH /sessions/:id}: {@code data.attributes.parameters.trace} true or false turns the session's trace on
     * or off (each statement then logged and listed in {@code trace_entries}); {@code data.relationships.filters}
     * gives the session that filter chain, in that order (none: no filters), from its next quiet point (see
     * {@link #restart}). Everything is checked before anything changes.
     */
    public void alter(String id, JsonNode body) {
        long session = session(id);
        JsonNode filters = filterData(body);
        var params = body == null ? null : body.path("data").path("attributes").path("parameters");
        boolean hasParams = params != null && params.isObject() && !params.isEmpty();
        if (filters == null && !hasParams) {
            throw ApiException.badRequest("data.attributes.parameters: missing (expected: {\"trace\": true|false}, or"
                    + " data.relationships.filters)");
        }
        Boolean on = null;
        if (hasParams) {
            for (var e : params.properties()) {
                if (!e.getKey().equals("trace")) {
                    throw ApiException.badRequest("session parameter '" + e.getKey() + "' cannot be changed"
                            + " (expected: trace)");
                }
                String v = e.getValue().asText();
                if (!v.equals("true") && !v.equals("false")) {
                    throw ApiException.badRequest("trace: '" + v + "' (expected: true or false)");
                }
                on = v.equals("true");
            }
        }
        List<Filter> chain = filters == null ? null : chain(filters);
        if (chain != null) {
            restart(id, session, chain);           // refused without a change, so before the trace switch
        }
        if (on != null && !ctx.runtime().sessions().trace(session, on)) {
            throw ApiException.notFound("session '" + id + "'");
        }
    }

    /** {@code PATCH /sessions/:id/relationships/filters}: the body's {@code data} is the session's new chain. */
    public void alterFilters(String id, JsonNode body) {
        long session = session(id);
        JsonNode data = body == null ? null : body.get("data");
        restart(id, session, chain(data == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : data));
    }

    /**
     * {@code POST /sessions/:id/restart}: the session makes its filter sessions and router session again from its
     * service's configuration as it is now, at its next quiet point (between commands, no transaction open); the
     * client stays connected and its connections carry over.
     */
    public void restart(String id) {
        restart(id, session(id), null);
    }

    private void restart(String id, long session, List<Filter> chain) {
        SessionRegistry.RestartAnswer answer = ctx.runtime().sessions().restart(session, chain);
        if (!answer.found()) {
            throw ApiException.notFound("session '" + id + "'");
        }
        if (answer.refusal() != null) {
            throw ApiException.badRequest(answer.refusal());
        }
    }

    /** {@code POST /sessions/restart}: every session restarts as with {@link #restart}; those that cannot are named. */
    public void restartAll() {
        List<String> refused = ctx.runtime().sessions().restartAll();
        if (!refused.isEmpty()) {
            throw ApiException.badRequest("Could not restart all sessions: " + String.join("; ", refused));
        }
    }

    /** The id of the session {@code id} names; 404 when there is none. */
    private long session(String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("session '" + id + "'");
        }
        if (ctx.runtime().sessions().snapshot(n) == null) {
            throw ApiException.notFound("session '" + id + "'");
        }
        return n;
    }

    /**
     * The filters list of a PATCH, or null when it names none: {@code data.relationships.filters.data} as maxctrl
     * sends it, or under {@code data.attributes} as MaxScale's documentation shows it. JSON null is no filters.
     */
    private static JsonNode filterData(JsonNode body) {
        if (body == null) {
            return null;
        }
        for (JsonNode rel : List.of(body.path("data").path("relationships"),
                body.path("data").path("attributes").path("relationships"))) {
            if (rel.has("filters")) {
                JsonNode data = rel.path("filters").get("data");
                return data == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : data;
            }
        }
        return null;
    }

    /** The filter instances {@code data} names, in order; MaxScale's errors for a bad entry or an unknown filter. */
    private List<Filter> chain(JsonNode data) {
        if (data.isNull()) {
            return List.of();
        }
        if (!data.isArray()) {
            throw ApiException.badRequest("Not a JSON array but a " + jsonType(data) + " (expected: relationships."
                    + "filters.data as a list of {\"id\": NAME, \"type\": \"filters\"})");
        }
        List<Filter> chain = new ArrayList<>();
        for (JsonNode ref : data) {
            JsonNode name = ref.get("id");
            if (name == null || !name.isTextual()) {
                throw ApiException.badRequest("Not a JSON string but a " + (name == null ? "null" : jsonType(name)));
            }
            Filter f = ctx.runtime().filters().get(name.asText());
            if (f == null) {
                throw ApiException.badRequest("Not a valid filter: " + name.asText());
            }
            chain.add(f);
        }
        return chain;
    }

    /** A JSON value's type as MaxScale's messages name it. */
    private static String jsonType(JsonNode v) {
        return switch (v.getNodeType()) {
            case OBJECT -> "object";
            case ARRAY -> "array";
            case STRING -> "string";
            case BOOLEAN -> v.asBoolean() ? "true" : "false";
            case NUMBER -> v.isIntegralNumber() ? "integer" : "real";
            default -> "null";
        };
    }

    /** {@code attributes.memory}: what {@link SessionMemory} counts, by part, in bytes. */
    private static void memory(ObjectNode o, SessionMemory m) {
        ObjectNode buffers = o.putObject("connection_buffers");
        ObjectNode backends = buffers.putObject("backends");
        for (var e : m.backends().entrySet()) {
            buffers(backends.putObject(e.getKey()), e.getValue());
        }
        buffers(buffers.putObject("client"), m.client());
        buffers.put("total", m.connectionBuffers());
        o.put("exec_metadata", m.execMetadata());
        o.put("last_queries", m.lastQueries());
        o.put("sescmd_history", m.sescmdHistory());
        o.put("total", m.total());
    }

    private static void buffers(ObjectNode o, SessionMemory.Buffers b) {
        o.put("readq", b.readq());
        o.put("total", b.total());
        o.put("writeq", b.writeq());
    }

    /** The names of the session's filters (those still defined; a router's implied filters have none). */
    private List<String> filterNames(long id) {
        List<String> names = new ArrayList<>();
        for (Filter f : ctx.runtime().sessions().filters(id)) {
            for (var e : ctx.runtime().filters().entrySet()) {
                if (e.getValue() == f) {
                    names.add(e.getKey());
                    break;
                }
            }
        }
        return names;
    }

    /**
     * The session as a resource; {@code m} is its memory and I/O activity measured on its worker, or null when it
     * could not be (it ended, or its worker did not answer in time): then both are left out.
     */
    ObjectNode resource(JsonApi api, SessionSnapshot s, SessionMemory.Measured m) {
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
        if (m != null) {
            a.put("io_activity", m.ioActivity());
            memory(a.putObject("memory"), m.memory());
        }
        ObjectNode rel = r.putObject("relationships");
        rel.set("services", api.relationship("sessions/" + id, "services", List.of(s.service())));
        if (!servers.isEmpty()) {
            rel.set("servers", api.relationship("sessions/" + id, "servers", new ArrayList<>(servers)));
        }
        List<String> filters = filterNames(s.id());
        if (!filters.isEmpty()) {
            // As MaxScale: the filters the session uses now (its service's, or those PATCHed onto it).
            rel.set("filters", api.relationship("sessions/" + id, "filters", filters));
        }
        return r;
    }
}
