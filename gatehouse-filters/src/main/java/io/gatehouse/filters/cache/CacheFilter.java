package io.gatehouse.filters.cache;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One cache filter instance, shared by every worker thread: holds the storage (one for all workers with
 * {@code cached_data=shared}, one per worker thread otherwise, made when the worker's first session starts) and the
 * counters the admin API shows. Thread-safe: storages are concurrent, counters are adders. Holds no buffers.
 */
final class CacheFilter implements Filter {
    private final String name;
    private final CacheModule.Settings settings;
    private final CacheStorage shared;
    private final Map<Thread, CacheStorage> perWorker = new ConcurrentHashMap<>();
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder updates = new LongAdder();
    final LongAdder deletes = new LongAdder();

    CacheFilter(String name, CacheModule.Settings settings) {
        this.name = name;
        this.settings = settings;
        this.shared = settings.shared() ? new CacheStorage(settings) : null;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        CacheStorage storage = shared != null ? shared
                : perWorker.computeIfAbsent(Thread.currentThread(), t -> new CacheStorage(settings));
        return new CacheSession(name, settings, client, storage, this);
    }

    @Override
    public Map<String, Object> diagnostics() {
        long entries = 0;
        long size = 0;
        for (CacheStorage s : shared != null ? java.util.List.of(shared) : perWorker.values()) {
            entries += s.entries();
            size += s.bytes();
        }
        long h = hits.sum();
        long m = misses.sum();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("storage", "storage_inmemory");
        d.put("cached_data", settings.shared() ? "shared" : "thread_specific");
        d.put("hits", h);
        d.put("misses", m);
        d.put("hit_ratio", h + m == 0 ? 0.0 : (double) h / (h + m));
        d.put("updates", updates.sum());
        d.put("deletes", deletes.sum());
        d.put("entries", entries);
        d.put("size", size);
        return d;
    }

    @Override
    public void close() {
        // Sessions still running keep their storage; entries go with the last reference to this instance.
    }
}
