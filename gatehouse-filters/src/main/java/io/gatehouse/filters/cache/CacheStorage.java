package io.gatehouse.filters.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory storage ({@code storage_inmemory}): cached result sets in a Caffeine cache bounded by
 * {@code max_count} entries and {@code max_size} bytes, each dropped {@code hard_ttl} after it was stored. Thread-safe:
 * one instance serves every worker when {@code cached_data=shared}, or one worker's sessions otherwise. Holds no
 * buffers: entries are byte arrays that sessions copy into buffers of their own.
 */
final class CacheStorage {
    /** What identifies a result: the user (empty unless users=isolated), the default database and the text. */
    record Key(String user, String database, String sql, boolean deprecateEof) {
    }

    /**
     * One cached result set: the reply's packets as the server sent them (headers included; the core renumbers
     * them), when it was stored, and the tables it read ({@code db.table}, lower case) for invalidation.
     */
    static final class Entry {
        final byte[] packets;
        /** Where the last packet (the one ending the result set) starts in {@link #packets}. */
        final int lastPacketAt;
        final long storedNanos;
        final Set<String> tables;
        /** Set while one session refreshes an entry past its soft TTL, so that the others keep using it. */
        final AtomicBoolean refreshing = new AtomicBoolean();

        Entry(byte[] packets, int lastPacketAt, long storedNanos, Set<String> tables) {
            this.packets = packets;
            this.lastPacketAt = lastPacketAt;
            this.storedNanos = storedNanos;
            this.tables = tables;
        }
    }

    private final Cache<Key, Entry> cache;
    private final long maxCount;
    private final AtomicLong bytes = new AtomicLong();

    CacheStorage(CacheModule.Settings settings) {
        Caffeine<Key, Entry> b = Caffeine.newBuilder().executor(Runnable::run)
                .removalListener((Key k, Entry e, RemovalCause cause) -> {
                    if (k != null && e != null) {
                        bytes.addAndGet(-weight(k, e));
                    }
                });
        if (settings.maxSize() > 0) {
            b.maximumWeight(settings.maxSize()).weigher(CacheStorage::weight);
            maxCount = settings.maxCount();     // Caffeine bounds one measure; the count is kept below by hand
        } else {
            if (settings.maxCount() > 0) {
                b.maximumSize(settings.maxCount());
            }
            maxCount = 0;
        }
        if (settings.hardTtlNanos() > 0) {
            b.expireAfterWrite(Duration.ofNanos(settings.hardTtlNanos()));
        }
        cache = b.build();
    }

    /** What an entry costs: its packets, its key's text and a fixed overhead. */
    private static int weight(Key k, Entry e) {
        long w = e.packets.length + 2L * (k.sql().length() + k.database().length() + k.user().length()) + 96;
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    Entry get(Key key) {
        return cache.getIfPresent(key);
    }

    void put(Key key, Entry entry) {
        bytes.addAndGet(weight(key, entry));
        cache.put(key, entry);
        if (maxCount > 0 && cache.estimatedSize() > maxCount) {
            cache.policy().eviction().ifPresent(ev -> {
                long over = cache.estimatedSize() - maxCount;
                if (over > 0) {
                    ev.coldest((int) Math.min(over, Integer.MAX_VALUE)).keySet().forEach(cache::invalidate);
                }
            });
        }
    }

    /** Drops every entry that read one of {@code tables} ({@code db.table}, lower case); returns how many. */
    long invalidate(Set<String> tables) {
        long[] n = {0};
        cache.asMap().entrySet().removeIf(e -> {
            for (String t : e.getValue().tables) {
                if (tables.contains(t)) {
                    n[0]++;
                    return true;
                }
            }
            return false;
        });
        return n[0];
    }

    void clear() {
        cache.invalidateAll();
    }

    long entries() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    long bytes() {
        return Math.max(0, bytes.get());
    }
}
