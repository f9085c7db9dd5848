package io.gatehouse.core.runtime;

import io.gatehouse.api.config.Params;
import io.gatehouse.core.session.ProxyContext;
import io.gatehouse.core.session.StatementHistory;
import io.gatehouse.core.worker.ClassifierBudget;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a runtime change of the global parameters to the running proxy, each from its next decision on:
 * {@code passive} (the monitors' next pass), {@code threads} and the rebalancing settings, the write-queue water
 * marks (connections opened from now on), {@code max_auth_errors_until_block} and {@code auth_block_time} (the
 * next failed or new login), {@code retain_last_statements} and {@code dump_last_statements} (sessions started from
 * now on), {@code session_trace} and {@code session_trace_match} (every session's next line and its end), the
 * user-account settings (the next refresh decision and load), {@code query_classifier_cache_size} (each worker's
 * next classification starts a cache of the new size) and {@code config_sync_*} (sharing restarts
 * with them). Workers read these through volatile fields only, never a lock. Stateless; called on the admin thread
 * by {@link Runtime#global(Params)}; the log settings are the daemon's, applied by its listener.
 */
final class LiveGlobals {
    private static final Logger LOG = LoggerFactory.getLogger(LiveGlobals.class);
    private static final List<String> SYNC = List.of("config_sync_cluster", "config_sync_user",
            "config_sync_password", "config_sync_db", "config_sync_timeout", "config_sync_interval");

    private LiveGlobals() {
    }

    static void apply(Runtime rt, Params old, Params g) {
        rt.passive(g.bool("passive"));
        if (rt.workers() == null) {
            return;                                       // not running: the next start reads the file
        }
        rt.workers().activate(Runtime.threads(g));
        rt.balancer().settings(g);
        ProxyContext proxy = rt.proxy();
        long high = g.size("writeq_high_water");
        proxy.waterMarks((int) Math.min(high, Integer.MAX_VALUE), (int) Math.min(g.size("writeq_low_water"), high));
        proxy.blocker().settings((int) g.integer("max_auth_errors_until_block"), g.duration("auth_block_time"));
        proxy.statements(new StatementHistory.Policy((int) Math.min(g.integer("retain_last_statements"), 10_000),
                StatementHistory.Dump.parse(g.string("dump_last_statements"))));
        io.gatehouse.core.session.SessionLog.configure(g);
        for (var svc : rt.services().values()) {
            svc.users().global(g);
        }
        long cache = ClassifierBudget.perWorker(g.size("query_classifier_cache_size"), Runtime.threads(g));
        if (cache != rt.classifierCacheBytes()) {
            rt.classifierCacheBytes(cache);
            // Each worker's cache is made again, empty, at its next use: its size is fixed when it is made.
            io.gatehouse.sql.ClassifierCaches.configure(cache, 1);
        }
        if (SYNC.stream().anyMatch(k -> !Objects.equals(text(old, k), text(g, k)))) {
            restartSync(rt, old, g);
        }
    }

    /** Stops the configuration sharing that was, and starts the one {@code g} asks for (if any). */
    private static void restartSync(Runtime rt, Params old, Params g) {
        String cluster = text(g, "config_sync_cluster");
        ConfigSync previous = rt.configSync();
        // The same cluster keeps the version this instance has applied; another cluster's versions are its own.
        long version = previous != null && cluster != null && cluster.equals(previous.cluster()) ? previous.version() : 0;
        ConfigSync next = cluster == null || cluster.isBlank() ? null : new ConfigSync(rt, g, version);
        ConfigSync replaced = rt.configSync(next);
        if (replaced != null) {
            replaced.close();
        }
        LOG.info("Configuration sharing {}", next == null ? "stopped" : "now through " + cluster);
    }

    private static String text(Params p, String key) {
        return p.has(key) ? p.string(key) : null;
    }
}
