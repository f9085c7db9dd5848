package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.session.ClientSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code /sessions} resource: each client session's id (the connection id its client sees), user, remote
 * address, start time, backend connection and relationships to its service and server. Runs on the admin thread
 * and reads fields the sessions' workers publish; a session may end while it is being described.
 */
public final class Sessions {
    private final AdminContext ctx;

    public Sessions(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        List<ClientSession> sorted = new ArrayList<>(ctx.runtime().sessions().all());
        sorted.sort(Comparator.comparingLong(ClientSession::id));
        for (ClientSession s : sorted) {
            all.add(resource(api, s));
        }
        return api.collection(all, "sessions");
    }

    public ObjectNode one(JsonApi api, String id) {
        ClientSession s;
        try {
            s = ctx.runtime().sessions().get(Long.parseLong(id));
        } catch (NumberFormatException e) {
            s = null;
        }
        if (s == null) {
            throw ApiException.notFound("session '" + id + "'");
        }
        return api.document(resource(api, s), "sessions/" + id);
    }

    ObjectNode resource(JsonApi api, ClientSession s) {
        String id = Long.toString(s.id());
        ObjectNode r = api.resource(id, "sessions", "sessions/" + id);
        ObjectNode a = (ObjectNode) r.get("attributes");
        a.put("user", s.user());
        a.put("remote", s.remote());
        a.put("connected", Json.date(s.startedAtMillis()));
        Server server = s.server();
        var conns = a.putArray("connections");
        if (server != null) {
            conns.addObject().put("server", server.name());
        }
        ObjectNode rel = r.putObject("relationships");
        rel.set("services", api.relationship("sessions/" + id, "services", List.of(s.service().name())));
        if (server != null) {
            rel.set("servers", api.relationship("sessions/" + id, "servers", List.of(server.name())));
        }
        return r;
    }
}
