package io.gatehouse.filters.cache;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The cache module: answers repeated SELECTs from result sets kept in memory, as MaxScale's filter of the same name
 * does, with its parameters and defaults. Stateless; each filter section gets a {@link CacheFilter} holding the
 * immutable {@link Settings} read here. Storages: {@code storage_inmemory} (Caffeine), and {@code storage_redis} and
 * {@code storage_memcached} (a remote server reached over the network, see {@link RemoteStorage}).
 */
public final class CacheModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("cache", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "A result set cache for SELECT statements", "1.0.0",
            List.of(ParamSpec.oneOf("storage", ParamType.ENUM, "storage_inmemory", false,
                            List.of("storage_inmemory", "storage_redis", "storage_memcached"),
                            "Where cached result sets are kept: in this process, or in a Redis or memcached server"
                                    + " that several Gatehouses may share"),
                    ParamSpec.of("storage_options", ParamType.STRING, "", false,
                            "Options of the storage: server=host[:port] for Redis (with username, password) and"
                                    + " memcached (with max_value_size); the in-memory storage takes none"),
                    ParamSpec.of("hard_ttl", ParamType.DURATION, "0s", true,
                            "How long a cached result may be used at all; 0 is no limit"),
                    ParamSpec.of("soft_ttl", ParamType.DURATION, "0s", true,
                            "After how long one session refreshes a cached result while others still use it; "
                                    + "0 is no limit"),
                    ParamSpec.of("max_resultset_rows", ParamType.COUNT, "0", true,
                            "Result sets with more rows are not cached; 0 is no limit"),
                    ParamSpec.of("max_resultset_size", ParamType.SIZE, "0", true,
                            "Result sets of more bytes are not cached; 0 is no limit"),
                    ParamSpec.of("max_count", ParamType.COUNT, "0", true,
                            "The most entries a cache holds; 0 is no limit"),
                    ParamSpec.of("max_size", ParamType.SIZE, "0", true,
                            "The most bytes a cache holds; 0 is no limit"),
                    ParamSpec.of("rules", ParamType.PATH, "", true,
                            "A JSON file of store and use rules; empty caches every cacheable SELECT for everyone"),
                    ParamSpec.oneOf("cached_data", ParamType.ENUM, "thread_specific", false,
                            List.of("shared", "thread_specific"),
                            "One cache for all worker threads, or one per worker"),
                    ParamSpec.oneOf("selects", ParamType.ENUM, "assume_cacheable", true,
                            List.of("assume_cacheable", "verify_cacheable"),
                            "Whether SELECTs are checked for non-deterministic functions and variables"),
                    ParamSpec.oneOf("cache_in_transactions", ParamType.ENUM, "all_transactions", true,
                            List.of("never", "read_only_transactions", "all_transactions"),
                            "In which transactions the cache is used and populated"),
                    ParamSpec.of("debug", ParamType.INTEGER, "0", true,
                            "Log bits: 1 non-matching rules, 2 matching rules, 4 answers from the cache, 8 decisions not to "
                                    + "use it, 16 stores"),
                    ParamSpec.of("enabled", ParamType.BOOL, "true", true,
                            "The initial value of @maxscale.cache.populate and @maxscale.cache.use"),
                    ParamSpec.oneOf("invalidate", ParamType.ENUM, "never", false, List.of("never", "current"),
                            "Whether writes through this filter remove the cached results of the tables they change"),
                    ParamSpec.of("clear_cache_on_parse_errors", ParamType.BOOL, "true", true,
                            "With invalidate=current, a write that cannot be parsed clears the whole cache"),
                    ParamSpec.oneOf("users", ParamType.ENUM, "mixed", false, List.of("mixed", "isolated"),
                            "Whether users share cached results or each user has results of its own"),
                    ParamSpec.of("timeout", ParamType.DURATION_MS, "5s", true,
                            "The time limit of storage operations (remote storages only)")));

    /** When a transaction may use and populate the cache. */
    enum InTransactions { NEVER, READ_ONLY_TRANSACTIONS, ALL_TRANSACTIONS }

    /**
     * One filter's settings, read once at creation. Durations in nanoseconds, 0 for no limit.
     *
     * @param rules  null for no rules (everything cacheable is stored, for every user)
     * @param remote the Redis or memcached server, or null for the in-memory storage
     */
    record Settings(long hardTtlNanos, long softTtlNanos, long maxRows, long maxResultSize, long maxCount,
                    long maxSize, CacheRules rules, RemoteOptions remote, long timeoutMillis, boolean shared, boolean verify, InTransactions inTransactions,
                    int debug, boolean enabled, boolean invalidate, boolean clearOnParseErrors, boolean isolated) {
        boolean logs(int bit) {
            return (debug & bit) != 0;
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        settings(params);
    }

    @Override
    public Filter create(String name, Params params) {
        return new CacheFilter(name, settings(params));
    }

    static Settings settings(Params params) {
        String section = "[" + params.section() + "] ";
        String storage = params.string("storage");
        String options = params.string("storage_options");
        RemoteOptions remote = null;
        if (storage.equals("storage_inmemory")) {
            if (!options.isBlank()) {
                throw new IllegalArgumentException(section + "storage_options: '" + options
                        + "' (expected: nothing, storage_inmemory takes no options)");
            }
            // timeout bounds calls to a remote storage; the in-memory one never waits, so another value would be ignored.
            if (params.duration("timeout").toMillis() != 5000) {
                throw new IllegalArgumentException(section + "timeout: '" + params.text("timeout")
                        + "' (expected: the default 5s with storage_inmemory; it limits remote storages)");
            }
        } else {
            remote = RemoteOptions.parse(section, storage, options);
            // The remote server bounds its own memory (Redis maxmemory, memcached -m) and evicts by itself.
            for (String p : new String[] {"max_count", "max_size"}) {
                if ((p.equals("max_count") ? params.integer(p) : params.size(p)) != 0) {
                    throw new IllegalArgumentException(section + p + ": '" + params.text(p) + "' (expected: 0 with "
                            + storage + "; the server's own memory limit bounds it)");
                }
            }
            if (params.duration("timeout").toMillis() <= 0) {
                throw new IllegalArgumentException(section + "timeout: '" + params.text("timeout")
                        + "' (expected: a positive duration)");
            }
        }
        long debug = params.integer("debug");
        if (debug < 0 || debug > 31) {
            throw new IllegalArgumentException(section + "debug: " + debug
                    + " (expected: a bit set of 1, 2, 4, 8 and 16, from 0 to 31)");
        }
        long hard = params.duration("hard_ttl").toNanos();
        long soft = params.duration("soft_ttl").toNanos();
        if (hard > 0 && (soft == 0 || soft > hard)) {
            soft = hard;                        // as MaxScale: a soft limit beyond the hard one is the hard one
        }
        String rulesPath = params.string("rules");
        CacheRules rules = rulesPath.isBlank() ? null : CacheRules.load(Path.of(rulesPath), section + "rules");
        return new Settings(hard, soft, params.integer("max_resultset_rows"), params.size("max_resultset_size"),
                params.integer("max_count"), params.size("max_size"), rules, remote,
                params.duration("timeout").toMillis(),
                params.string("cached_data").equals("shared"), params.string("selects").equals("verify_cacheable"),
                InTransactions.valueOf(params.string("cache_in_transactions").toUpperCase(Locale.ROOT)), (int) debug,
                params.bool("enabled"), params.string("invalidate").equals("current"),
                params.bool("clear_cache_on_parse_errors"), params.string("users").equals("isolated"));
    }
}
