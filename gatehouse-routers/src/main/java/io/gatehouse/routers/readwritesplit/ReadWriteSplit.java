package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.server.ServerView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The readwritesplit instance of one service: the shared classifier (statements go through the worker's classifier
 * cache), the service's parameters and counters. Thread safe (counters are adders, the rest immutable); each client
 * session gets its own {@link RwSplitSession}.
 */
final class ReadWriteSplit implements Router {
    final RouterContext context;
    final LongAdder queries = new LongAdder();
    final LongAdder routeMaster = new LongAdder();
    final LongAdder routeSlave = new LongAdder();
    final LongAdder routeAll = new LongAdder();
    final LongAdder rwTransactions = new LongAdder();
    final LongAdder roTransactions = new LongAdder();
    final ReplayCounters replay = new ReplayCounters();
    /** Statements routed to each server, by name. */
    final java.util.concurrent.ConcurrentHashMap<String, LongAdder> perServer = new java.util.concurrent.ConcurrentHashMap<>();

    void routedTo(String server) {
        perServer.computeIfAbsent(server, k -> new LongAdder()).increment();
    }

    ReadWriteSplit(RouterContext context) {
        this.context = context;
        // Sessions classify through their worker's cache (io.gatehouse.sql.ClassifierCaches); the core gives the
        // per-worker share of query_classifier_cache_size (0 from a context that does not size it: keep the default).
        if (context.classifierCacheBytes() > 0) {
            io.gatehouse.sql.ClassifierCaches.configure(context.classifierCacheBytes(), 1);
        }
    }

    @Override
    public ServerView selectBackend(ClientInfo client) {
        return null;
    }

    @Override
    public RouterSession newSession(ClientInfo client) {
        return new RwSplitSession(this);
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queries", queries.sum());
        d.put("route_master", routeMaster.sum());
        d.put("route_slave", routeSlave.sum());
        d.put("route_all", routeAll.sum());
        d.put("rw_transactions", rwTransactions.sum());
        d.put("ro_transactions", roTransactions.sum());
        Map<String, Object> servers = new LinkedHashMap<>();
        perServer.forEach((name, n) -> servers.put(name, n.sum()));
        d.put("server_query_statistics", servers);
        replay.into(d);
        // Each worker's cache capacity (query_classifier_cache_size divided among the workers).
        d.put("classifier_cache_size", context.classifierCacheBytes());
        return d;
    }
}
