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
 * cache), the service's parameters and counters. Thread safe (counters are adders or per-worker counts, the rest immutable); each client
 * session gets its own {@link RwSplitSession}.
 */
final class ReadWriteSplit implements Router {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadWriteSplit.class);
    final RouterContext context;
    // Bumped for every statement: counted per worker (no atomic instruction), summed when read.
    final WorkerCounter queries = new WorkerCounter();
    final WorkerCounter routeMaster = new WorkerCounter();
    final WorkerCounter routeSlave = new WorkerCounter();
    final LongAdder routeAll = new LongAdder();
    final LongAdder rwTransactions = new LongAdder();
    final LongAdder roTransactions = new LongAdder();
    final ReplayCounters replay = new ReplayCounters();
    /** causal_reads, read once: the service-wide modes share {@link #serviceGtid} among sessions. */
    final CausalMode causalMode;
    /** The latest GTID written through this service (causal_reads=global and fast_global). */
    final ServiceGtid serviceGtid = new ServiceGtid();
    /** Statements routed to each server, by name. */
    final java.util.concurrent.ConcurrentHashMap<String, WorkerCounter> perServer =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The calling worker's count of statements routed to {@code server}; sessions keep it for the connection they
     * route to.
     */
    WorkerCounter.Local routedCounter(String server) {
        return perServer.computeIfAbsent(server, k -> new WorkerCounter()).local();
    }

    ReadWriteSplit(RouterContext context) {
        this.context = context;
        String causal = context.params().string("causal_reads");
        this.causalMode = CausalMode.of(causal);
        if (CausalMode.isBooleanSpelling(causal)) {
            LOG.warn("[{}] causal_reads={} is a deprecated boolean spelling; it is read as {}", context.serviceName(),
                    causal, causalMode.name().toLowerCase(java.util.Locale.ROOT));
        }
        // Sessions classify through their worker's cache (io.gatehouse.sql.ClassifierCaches); the core gives the
        // per-worker share of query_classifier_cache_size (0 from a context that does not size it: keep the default).
        if (context.classifierCacheBytes() >= 0) {
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

    /**
     * {@code reuse_prepared_statements} and {@code optimistic_trx} are what the psreuse and optimistictrx filters do:
     * the core runs them for this service, nearest the router.
     */
    @Override
    public java.util.List<String> impliedFilters() {
        java.util.List<String> names = new java.util.ArrayList<>();
        if (context.params().bool("optimistic_trx")) {
            names.add("optimistictrx");
        }
        if (context.params().bool("reuse_prepared_statements")) {
            names.add("psreuse");
        }
        return names;
    }

    /** MaxScale's readwritesplit module command {@code reset-gtid}. */
    @Override
    public java.util.List<String> commands() {
        return java.util.List.of("reset-gtid");
    }

    /**
     * {@code reset-gtid}: forgets the service-wide GTID position of causal_reads=global and fast_global, for a
     * cluster whose GTIDs went back (replication reset); sessions then wait only for writes made after it.
     */
    @Override
    public Object call(String command, java.util.List<String> args) {
        if (!command.equals("reset-gtid")) {
            throw new IllegalArgumentException("readwritesplit has no command '" + command + "'");
        }
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("reset-gtid: unexpected arguments " + args
                    + " (expected: only the service name)");
        }
        serviceGtid.reset();
        return null;
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
        // Gatehouse extension: the position causal_reads=global/fast_global reads must see ("" when none or reset).
        d.put("causal_reads_gtid", serviceGtid.get().toString());
        // Each worker's cache capacity (query_classifier_cache_size divided among the workers).
        d.put("classifier_cache_size", context.classifierCacheBytes());
        return d;
    }
}
