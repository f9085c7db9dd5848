package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.admin.json.ParamsJson;
import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.server.ResponseDistribution;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code /servers} resource: each backend server with its parameters, state, replication facts and counters,
 * and its relationships to services and monitors; also the operator's {@code set}/{@code clear} of maintenance and
 * draining. Runs on the admin thread; reads the servers' published snapshots and atomics.
 */
public final class Servers {
    private final AdminContext ctx;

    public Servers(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ObjectNode list(JsonApi api) {
        List<ObjectNode> all = new ArrayList<>();
        for (Server s : ctx.runtime().servers().values()) {
            all.add(resource(api, s));
        }
        return api.collection(all, "servers");
    }

    public ObjectNode one(JsonApi api, String name) {
        return api.document(resource(api, require(ctx.runtime(), name)), "servers/" + name);
    }

    public static Server require(Runtime rt, String name) {
        Server s = rt.servers().get(name);
        if (s == null) {
            throw ApiException.notFound("server '" + name + "'");
        }
        return s;
    }

    /**
     * {@code PUT /servers/:name/set|clear?state=maintenance|drain[&force=yes]}. With force, setting maintenance
     * also closes every connection sessions have to the server, at once, as MaxScale does; without it they stay
     * until the routers move off the server at their next routing decision.
     */
    public void changeState(String name, String state, boolean on, boolean force) {
        Server s = require(ctx.runtime(), name);
        int bit = switch (state == null ? "" : state) {
            case "maintenance" -> ServerStatus.MAINTENANCE;
            case "drain" -> ServerStatus.DRAINING;
            default -> throw ApiException.badRequest("state: '" + state + "' (expected: maintenance or drain)");
        };
        s.setAdminBits(bit, on);
        if (on && force && bit == ServerStatus.MAINTENANCE) {
            ctx.runtime().sessions().closeConnectionsTo(s.name(), "Server '" + s.name()
                    + "' was put in maintenance with force: its connections are closed");
        }
    }

    ObjectNode resource(JsonApi api, Server s) {
        Runtime rt = ctx.runtime();
        ObjectNode r = api.resource(s.name(), "servers", "servers/" + s.name());
        ObjectNode a = (ObjectNode) r.get("attributes");
        ServerState st = s.state();
        a.put("name", s.name());
        a.put("state", ServerStatus.describe(s.status()));
        a.put("gtid_binlog_pos", st.gtidBinlogPos().isEmpty() ? null : st.gtidBinlogPos());
        a.put("gtid_current_pos", st.gtidCurrentPos().isEmpty() ? null : st.gtidCurrentPos());
        a.put("master_id", st.masterId());
        a.put("node_id", st.serverId());
        a.put("server_id", st.serverId());
        a.put("read_only", st.readOnly());
        a.put("replication_lag", st.replicationLag());
        // Gatehouse extension: milliseconds, measured by mariadbmon's replication_heartbeat when it is on.
        a.put("replication_lag_ms", st.replicationLagMillis());
        // As MaxScale shows it: without the "5.5.5-" that MariaDB 10+ puts first in its handshake for old clients.
        String version = st.versionString();
        a.put("version_string", version.startsWith("5.5.5-") ? version.substring(6) : version);
        // What the monitor last read and saw; null until it has (MaxScale shows a default there, Gatehouse no guess).
        if (st.uptime() >= 0) {
            a.put("uptime", st.uptime());
        } else {
            a.putNull("uptime");
        }
        a.put("last_event", st.lastEvent().isEmpty() ? null : st.lastEvent());
        a.put("triggered_at", st.lastEvent().isEmpty() ? null : Json.date(st.triggeredAt()));
        a.set("source", Sources.of(rt, s.name()));
        a.set("parameters", ParamsJson.render(s.params(), CoreParams.SERVER, Set.of("type", "protocol")));
        ObjectNode stats = a.putObject("statistics");
        stats.put("active_operations", s.activeOperations());
        stats.put("connections", s.currentConnections());
        stats.put("failed_auths", s.failedAuths());
        stats.put("max_connections", s.maxConnections());
        stats.put("reused_connections", s.reusedConnections());
        stats.put("routed_packets", s.routedPackets());
        stats.put("total_connections", s.totalConnections());
        ObjectNode distribution = stats.putObject("response_time_distribution");
        distribution(distribution.putObject("read"), "read", s.readTimes());
        distribution(distribution.putObject("write"), "write", s.writeTimes());
        ObjectNode rel = r.putObject("relationships");
        List<String> services = rt.services().values().stream().filter(v -> v.targets().contains(s))
                .map(Service::name).toList();
        List<String> monitors = rt.monitors().keySet().stream().filter(m -> rt.monitorServers(m).contains(s.name()))
                .toList();
        if (!monitors.isEmpty()) {
            rel.set("monitors", api.relationship("servers/" + s.name(), "monitors", monitors));
        }
        if (!services.isEmpty()) {
            rel.set("services", api.relationship("servers/" + s.name(), "services", services));
        }
        if (!st.lastError().isEmpty()) {
            a.put("last_error", st.lastError());
        }
        return r;
    }

    /** MaxScale's shape: the buckets' upper bounds as text with six decimals, their counts and time totals. */
    private static void distribution(ObjectNode out, String operation, ResponseDistribution d) {
        var list = out.putArray("distribution");
        for (int i = 0; i < ResponseDistribution.buckets(); i++) {
            list.addObject().put("count", d.count(i))
                    .put("time", String.format(java.util.Locale.ROOT, "%.6f", ResponseDistribution.limitSeconds(i)))
                    .put("total", d.totalSeconds(i));
        }
        out.put("operation", operation);
        out.put("range_base", 10);
    }
}
