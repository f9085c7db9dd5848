package io.gatehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClassifierCacheTest {
    private final Classifier classifier = new Classifier();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hitsReturnTheSameClassificationAndCount() {
        ClassifierCache cache = new ClassifierCache(classifier, 1 << 20);
        byte[] packet = b("xxSELECT a FROM t WHERE id = 1yy");
        Classification first = cache.classify(packet, 2, packet.length - 4, SqlMode.DEFAULT);
        byte[] again = b("SELECT a FROM t WHERE id = 1");
        Classification second = cache.classify(again, 0, again.length, SqlMode.DEFAULT);
        assertThat(second).isSameAs(first);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.inserts()).isEqualTo(1);
        assertThat(cache.bytesUsed()).isPositive();
    }

    @Test
    void theKeyIsTheExactBytesAndTheSqlMode() {
        ClassifierCache cache = new ClassifierCache(classifier, 1 << 20);
        byte[] q = b("SELECT \"a\" FROM t");
        Classification plain = cache.classify(q, 0, q.length, SqlMode.DEFAULT);
        Classification ansi = cache.classify(q, 0, q.length, SqlMode.ANSI_QUOTES);
        assertThat(ansi).isNotSameAs(plain);
        byte[] other = b("SELECT \"b\" FROM t");
        assertThat(cache.classify(other, 0, other.length, SqlMode.DEFAULT)).isNotSameAs(plain);
        assertThat(cache.misses()).isEqualTo(3);
        assertThat(cache.get(q, 0, q.length, SqlMode.DEFAULT)).isSameAs(plain);
    }

    @Test
    void theByteBudgetEvictsTheLeastRecentlyUsed() {
        byte[] first = b("SELECT 1 FROM t1");
        int entrySize = classifier.classify(first, 0, first.length, SqlMode.DEFAULT).estimatedSize() + 200;
        ClassifierCache cache = new ClassifierCache(classifier, entrySize * 3L);
        for (int i = 0; i < 100; i++) {
            byte[] q = b("SELECT " + (i % 10) + " FROM t" + (i % 10));
            cache.classify(q, 0, q.length, SqlMode.DEFAULT);
            assertThat(cache.bytesUsed()).isLessThanOrEqualTo(cache.maxBytes());
        }
        assertThat(cache.evictions()).isPositive();
        assertThat(cache.size()).isBetween(1, 6);
        // Every entry in the cache was inserted once, and those gone were evicted.
        assertThat(cache.inserts()).isEqualTo(cache.size() + cache.evictions());
        byte[] recent = b("SELECT 9 FROM t9");
        assertThat(cache.get(recent, 0, recent.length, SqlMode.DEFAULT)).isNotNull();
        assertThat(cache.get(first, 0, first.length, SqlMode.DEFAULT)).isNull();
    }

    @Test
    void manyEntriesResizeAndStayFindable() {
        ClassifierCache cache = new ClassifierCache(classifier, 64L << 20);
        for (int i = 0; i < 5_000; i++) {
            byte[] q = b("SELECT c FROM sbtest1 WHERE id = " + i);
            cache.classify(q, 0, q.length, SqlMode.DEFAULT);
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] q = b("SELECT c FROM sbtest1 WHERE id = " + i);
            assertThat(cache.get(q, 0, q.length, SqlMode.DEFAULT)).isNotNull();
        }
        assertThat(cache.hits()).isEqualTo(5_000);
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(cache.bytesUsed()).isZero();
    }

    @Test
    void aZeroBudgetCachesNothingAndNegativeIsRejected() {
        ClassifierCache cache = new ClassifierCache(classifier, 0);
        byte[] q = b("SELECT 1");
        cache.classify(q, 0, q.length, SqlMode.DEFAULT);
        cache.classify(q, 0, q.length, SqlMode.DEFAULT);
        assertThat(cache.hits()).isZero();
        assertThat(cache.size()).isZero();
        assertThatThrownBy(() -> new ClassifierCache(classifier, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes: -1");
    }
}
