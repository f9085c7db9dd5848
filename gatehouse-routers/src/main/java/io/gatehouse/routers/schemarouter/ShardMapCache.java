package io.gatehouse.routers.schemarouter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The database maps of one service, one per user (each user may see other databases), shared by every worker.
 * Thread-safe without locks: entries are immutable maps behind a concurrent map, and the claim to update a stale
 * entry is one compare-and-set, so that one session maps the servers again while the others keep using the stale
 * map for up to {@code max_staleness}. Holds no buffers.
 */
final class ShardMapCache {
    private static final class Entry {
        final ShardMap map;
        volatile boolean invalidated;
        /** When a session claimed the update of this stale entry (nanoTime), 0 when none has. */
        final AtomicLong updateClaimed = new AtomicLong();

        Entry(ShardMap map) {
            this.map = map;
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();

    /**
     * The map a new session of {@code key} may use, or null when the session must map the servers itself: there is
     * none, or it is stale and either this session is the first to notice (it then updates it) or the update under
     * way has taken longer than {@code maxStalenessNanos}. A session that maps the servers does so without waiting
     * for another's update (workers never wait), so after {@code max_staleness} several may map at once.
     */
    ShardMap lookup(String key, long nowNanos, long refreshNanos, long maxStalenessNanos) {
        Entry e = entries.get(key);
        if (e == null) {
            misses.increment();
            return null;
        }
        if (!e.invalidated && nowNanos - e.map.builtNanos() < refreshNanos) {
            hits.increment();
            return e.map;
        }
        long claimed = e.updateClaimed.get();
        if (claimed == 0 && e.updateClaimed.compareAndSet(0, nowNanos == 0 ? 1 : nowNanos)) {
            misses.increment();
            return null;
        }
        if (claimed != 0 && nowNanos - claimed < maxStalenessNanos) {
            hits.increment();
            return e.map;
        }
        misses.increment();
        return null;
    }

    /** Stores a freshly built map for {@code key}, replacing whatever was there. */
    void put(String key, ShardMap map) {
        entries.put(key, new Entry(map));
    }

    /** Marks every map stale: the next session of each user maps the servers again (module command invalidate). */
    void invalidate() {
        entries.values().forEach(e -> e.invalidated = true);
    }

    /** Forgets every map: every new session maps the servers until one has stored a map (module command clear). */
    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
