package io.gatehouse.filters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The in-memory storage: bounds by count and size, and invalidation by table. */
class CacheStorageTest {
    private static CacheModule.Settings settings(long maxCount, long maxSize) {
        return new CacheModule.Settings(0, 0, 0, 0, maxCount, maxSize, null, null, 5000, true, false,
                CacheModule.InTransactions.ALL_TRANSACTIONS, 0, true, true, true, false);
    }

    private static CacheStorage.Key key(String sql) {
        return new CacheStorage.Key("", "db", sql, true);
    }

    private static CacheStorage.Entry entry(int bytes, String... tables) {
        return new CacheStorage.Entry(new byte[bytes], 0, System.nanoTime(), Set.of(tables));
    }

    @Test
    void maxCountKeepsTheNewestEntriesWithinTheBound() {
        CacheStorage s = new CacheStorage(settings(10, 0));
        for (int i = 0; i < 100; i++) {
            s.put(key("SELECT " + i), entry(10, "db.t"));
        }
        assertThat(s.entries()).isLessThanOrEqualTo(10);
        assertThat(s.bytes()).isPositive();
    }

    @Test
    void maxSizeAndMaxCountTogether() {
        CacheStorage s = new CacheStorage(settings(5, 100_000));
        for (int i = 0; i < 50; i++) {
            s.put(key("SELECT " + i), entry(100, "db.t"));
        }
        assertThat(s.entries()).isLessThanOrEqualTo(5);
        CacheStorage bySize = new CacheStorage(settings(0, 10_000));
        for (int i = 0; i < 50; i++) {
            bySize.put(key("SELECT " + i), entry(1000, "db.t"));
        }
        assertThat(bySize.bytes()).isLessThanOrEqualTo(10_000);
        assertThat(bySize.entries()).isLessThan(50);
    }

    @Test
    void invalidationRemovesOnlyTheEntriesOfTheTablesWritten() {
        CacheStorage s = new CacheStorage(settings(0, 0));
        s.put(key("a"), entry(10, "db.t1"));
        s.put(key("b"), entry(10, "db.t2"));
        s.put(key("c"), entry(10, "db.t1", "db.t2"));
        assertThat(s.invalidate(Set.of("db.t1"))).isEqualTo(2);
        assertThat(s.get(key("a"))).isNull();
        assertThat(s.get(key("b"))).isNotNull();
        assertThat(s.get(key("c"))).isNull();
        s.clear();
        assertThat(s.entries()).isZero();
        assertThat(s.bytes()).isZero();
    }
}
