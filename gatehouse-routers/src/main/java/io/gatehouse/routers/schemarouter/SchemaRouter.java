package io.gatehouse.routers.schemarouter;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.server.ServerView;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The schemarouter instance of one service: its parameters, its cache of database maps and its counters. Shared by
 * every worker and thread-safe (the cache is lock-free, counters are adders, the rest is read from the context's
 * snapshot); each client session gets its own {@link SchemaRouterSession}. Holds no buffers.
 */
final class SchemaRouter implements Router {
    final RouterContext context;
    final ShardMapCache cache = new ShardMapCache();
    final LongAdder queries = new LongAdder();
    final LongAdder sessionCommands = new LongAdder();
    private volatile Pattern ignoredRegex;

    SchemaRouter(RouterContext context) {
        this.context = context;
    }

    /** The {@code ignore_tables} names, lower-cased as the map stores them. */
    static Set<String> ignoredTables(Params params) {
        String text = params.string("ignore_tables");
        Set<String> names = new LinkedHashSet<>();
        if (text != null) {
            for (String n : text.split(",")) {
                if (!n.isBlank()) {
                    names.add(n.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    Set<String> ignoredTables() {
        return ignoredTables(context.params());
    }

    /** The {@code ignore_tables_regex} pattern, or null. */
    Pattern ignoredRegex() {
        String r = context.params().string("ignore_tables_regex");
        if (r == null || r.isEmpty()) {
            return null;
        }
        // Compiled once per value, not once per session (a racing compile just makes an equal pattern).
        Pattern p = ignoredRegex;
        if (p == null || !p.pattern().equals(r)) {
            p = Pattern.compile(r);
            ignoredRegex = p;
        }
        return p;
    }

    boolean refreshDatabases() {
        return context.params().bool("refresh_databases");
    }

    long refreshNanos() {
        return context.params().duration("refresh_interval").toNanos();
    }

    long maxStalenessNanos() {
        return context.params().duration("max_staleness").toNanos();
    }

    /** The cache key of a user's map: what it saw depends on the user and on the servers asked. */
    String cacheKey(String user, List<ServerView> servers) {
        return user + "\u0000" + servers.stream().map(ServerView::name).collect(Collectors.joining(","));
    }

    /**
     * MaxScale's {@code invalidate} module command: every cached map is stale, so the next session of each user
     * maps the servers again while the others go on with the stale map for up to {@code max_staleness}.
     */
    void invalidate() {
        cache.invalidate();
    }

    /** MaxScale's {@code clear} module command: every cached map is dropped. */
    void clear() {
        cache.clear();
    }

    @Override
    public ServerView selectBackend(ClientInfo client) {
        return null;
    }

    @Override
    public RouterSession newSession(ClientInfo client) {
        return new SchemaRouterSession(this);
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queries", queries.sum());
        d.put("route_all", sessionCommands.sum());
        d.put("shard_map_hits", cache.hits.sum());
        d.put("shard_map_misses", cache.misses.sum());
        d.put("shard_maps_cached", cache.size());
        return d;
    }
}
