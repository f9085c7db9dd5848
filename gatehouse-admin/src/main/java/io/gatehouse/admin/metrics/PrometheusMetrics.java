package io.gatehouse.admin.metrics;

import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.stats.StatementStats;
import io.gatehouse.core.stats.StatementTotals;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code GET /metrics} in the Prometheus text exposition format (version 0.0.4): per server state bits,
 * connections, routed packets and replication lag; per service sessions and the router's counters; the most
 * executed statements when statement statistics are on; workers,
 * uptime, JVM memory and garbage collection. Stateless; runs on the admin thread and reads atomics and snapshots.
 */
public final class PrometheusMetrics {
    private final Runtime rt;
    private final StringBuilder out = new StringBuilder(8192);

    public PrometheusMetrics(Runtime rt) {
        this.rt = rt;
    }

    public String render() {
        servers();
        services();
        statements();
        process();
        return out.toString();
    }

    private void servers() {
        family("gatehouse_server_up", "gauge", "1 when the server's monitor reaches it (Running)");
        each(s -> sample("gatehouse_server_up", "server", s.name(), bit(s, ServerStatus.RUNNING)));
        family("gatehouse_server_primary", "gauge", "1 when the server is the primary (Master)");
        each(s -> sample("gatehouse_server_primary", "server", s.name(), bit(s, ServerStatus.MASTER)));
        family("gatehouse_server_replica", "gauge", "1 when the server is a replica (Slave)");
        each(s -> sample("gatehouse_server_replica", "server", s.name(), bit(s, ServerStatus.SLAVE)));
        family("gatehouse_server_maintenance", "gauge", "1 when an operator put the server in maintenance");
        each(s -> sample("gatehouse_server_maintenance", "server", s.name(), bit(s, ServerStatus.MAINTENANCE)));
        family("gatehouse_server_draining", "gauge", "1 when an operator is draining the server");
        each(s -> sample("gatehouse_server_draining", "server", s.name(), bit(s, ServerStatus.DRAINING)));
        family("gatehouse_server_connections", "gauge", "Open backend connections to the server");
        each(s -> sample("gatehouse_server_connections", "server", s.name(), s.currentConnections()));
        family("gatehouse_server_connections_total", "counter", "Backend connections opened to the server");
        each(s -> sample("gatehouse_server_connections_total", "server", s.name(), s.totalConnections()));
        family("gatehouse_server_routed_packets_total", "counter", "Client packets routed to the server");
        each(s -> sample("gatehouse_server_routed_packets_total", "server", s.name(), s.routedPackets()));
        family("gatehouse_server_active_operations", "gauge", "Statements running on the server now");
        each(s -> sample("gatehouse_server_active_operations", "server", s.name(), s.activeOperations()));
        family("gatehouse_server_failed_auths_total", "counter", "Failed backend logins on the server");
        each(s -> sample("gatehouse_server_failed_auths_total", "server", s.name(), s.failedAuths()));
        family("gatehouse_server_replication_lag_seconds", "gauge", "Seconds behind the primary; -1 when unknown");
        each(s -> {
            ServerState st = s.state();
            sample("gatehouse_server_replication_lag_seconds", "server", s.name(), st.replicationLag());
        });
    }

    private void services() {
        family("gatehouse_service_sessions", "gauge", "Client sessions open on the service");
        for (Service s : rt.services().values()) {
            sample("gatehouse_service_sessions", "service", s.name(), s.currentSessions());
        }
        family("gatehouse_service_sessions_total", "counter", "Client sessions the service accepted");
        for (Service s : rt.services().values()) {
            sample("gatehouse_service_sessions_total", "service", s.name(), s.totalSessions());
        }
        family("gatehouse_service_queries_total", "counter", "Statements the service's clients sent");
        for (Service s : rt.services().values()) {
            sample("gatehouse_service_queries_total", "service", s.name(), s.queries());
        }
        sharing();
        family("gatehouse_service_routed_total", "counter", "Statements routed, by target: primary, replica or all");
        for (Service s : rt.services().values()) {
            Map<String, Object> d = s.router() == null ? Map.of() : s.router().diagnostics();
            routed(s.name(), d, "route_master", "primary");
            routed(s.name(), d, "route_slave", "replica");
            routed(s.name(), d, "route_all", "all");
        }
    }

    /** Connection sharing (idle_session_pool_time): sessions without a connection, pinned ones by reason. */
    private void sharing() {
        family("gatehouse_service_sessions_released", "gauge",
                "Sessions of a sharing service that hold no backend connection now");
        for (Service s : sharingServices()) {
            sample("gatehouse_service_sessions_released", "service", s.name(), s.sharing().releasedSessions());
        }
        family("gatehouse_service_sessions_pinned", "gauge",
                "Sessions of a sharing service that keep their backend connections, by reason");
        for (Service s : sharingServices()) {
            s.sharing().pinnedByReason().forEach((reason, n) -> out.append(
                    "gatehouse_service_sessions_pinned{service=\"").append(escape(s.name())).append("\",reason=\"")
                    .append(reason).append("\"} ").append(n).append('\n'));
        }
        family("gatehouse_service_connections_released_total", "counter",
                "Backend connections idle sessions gave back to the pool");
        for (Service s : sharingServices()) {
            sample("gatehouse_service_connections_released_total", "service", s.name(),
                    s.sharing().connectionsReleased());
        }
        family("gatehouse_service_connections_restored_total", "counter",
                "Backend connections taken again by sessions that had given theirs back, their state re-applied");
        for (Service s : sharingServices()) {
            sample("gatehouse_service_connections_restored_total", "service", s.name(),
                    s.sharing().connectionsRestored());
        }
    }

    /** The services whose sessions share connections (idle_session_pool_time set). */
    private List<Service> sharingServices() {
        return rt.services().values().stream().filter(s -> s.params().string("idle_session_pool_time") != null)
                .toList();
    }

    private void routed(String service, Map<String, Object> d, String key, String target) {
        if (d.get(key) instanceof Number n) {
            out.append("gatehouse_service_routed_total{service=\"").append(escape(service)).append("\",target=\"")
                    .append(target).append("\"} ").append(n.longValue()).append('\n');
        }
    }

    /** Statements Prometheus gets: the most executed ones, then the "other" bucket, so the label set stays small. */
    static final int STATEMENT_TOP = 20;

    /** The statement statistics, when on: per digest (hex, or "other") and server. */
    private void statements() {
        if (rt.statementStats() == null || rt.workers() == null) {
            return;
        }
        List<StatementTotals> all = rt.statementStats().snapshot(rt.workers().workers(), STATEMENT_TOP);
        family("gatehouse_statement_executions_total", "counter",
                "Statements answered, by canonical statement digest and server (the top " + STATEMENT_TOP + ")");
        all.forEach(t -> statement("gatehouse_statement_executions_total", t, "", t.count()));
        family("gatehouse_statement_errors_total", "counter", "Statements answered with an error");
        all.forEach(t -> statement("gatehouse_statement_errors_total", t, "", t.errors()));
        family("gatehouse_statement_rows_total", "counter", "Rows the statements returned");
        all.forEach(t -> statement("gatehouse_statement_rows_total", t, "", t.rows()));
        family("gatehouse_statement_latency_seconds", "summary", "Statement latency, arrival to end of reply");
        for (StatementTotals t : all) {
            for (double q : new double[] {0.5, 0.9, 0.99}) {
                statement("gatehouse_statement_latency_seconds", t, ",quantile=\"" + q + "\"",
                        t.latency().getValueAtPercentile(q * 100) / 1e6);
            }
            statement("gatehouse_statement_latency_seconds_count", t, "", t.count());
        }
    }

    private void statement(String name, StatementTotals t, String more, Object value) {
        String digest = t.statement().equals(StatementStats.OTHER) ? "other" : String.format("%016x", t.digest());
        out.append(name).append("{digest=\"").append(digest).append("\",server=\"").append(escape(t.server()))
                .append('"').append(more).append("} ").append(value).append('\n');
    }

    private void process() {
        family("gatehouse_uptime_seconds", "gauge", "Seconds since Gatehouse started");
        out.append("gatehouse_uptime_seconds ").append((System.currentTimeMillis() - rt.startedAtMillis()) / 1000.0).append('\n');
        family("gatehouse_workers", "gauge", "Routing worker threads");
        out.append("gatehouse_workers ").append(rt.workers() == null ? 0 : rt.workers().count()).append('\n');
        family("gatehouse_sessions", "gauge", "Client sessions open in the whole process");
        out.append("gatehouse_sessions ").append(rt.sessions().size()).append('\n');
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        family("jvm_memory_used_bytes", "gauge", "JVM memory in use, by area");
        out.append("jvm_memory_used_bytes{area=\"heap\"} ").append(mem.getHeapMemoryUsage().getUsed()).append('\n');
        out.append("jvm_memory_used_bytes{area=\"nonheap\"} ").append(mem.getNonHeapMemoryUsage().getUsed()).append('\n');
        family("jvm_memory_committed_bytes", "gauge", "JVM memory committed, by area");
        out.append("jvm_memory_committed_bytes{area=\"heap\"} ").append(mem.getHeapMemoryUsage().getCommitted()).append('\n');
        out.append("jvm_memory_committed_bytes{area=\"nonheap\"} ").append(mem.getNonHeapMemoryUsage().getCommitted()).append('\n');
        family("jvm_gc_collections_total", "counter", "Garbage collections, by collector");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sample("jvm_gc_collections_total", "gc", gc.getName(), Math.max(0, gc.getCollectionCount()));
        }
        family("jvm_gc_collection_seconds_total", "counter", "Time spent in garbage collection, by collector");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            out.append("jvm_gc_collection_seconds_total{gc=\"").append(escape(gc.getName())).append("\"} ")
                    .append(Math.max(0, gc.getCollectionTime()) / 1000.0).append('\n');
        }
    }

    private interface ServerSampler {
        void sample(Server s);
    }

    private void each(ServerSampler f) {
        for (Server s : rt.servers().values()) {
            f.sample(s);
        }
    }

    private static int bit(Server s, int b) {
        return ServerStatus.has(s.status(), b) ? 1 : 0;
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String label, String value, long v) {
        out.append(name).append('{').append(label).append("=\"").append(escape(value)).append("\"} ").append(v).append('\n');
    }

    /** Label values escape backslash, double quote and newline, as the format requires. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
