package io.gatehouse.routers.readwritesplit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.sql.ClassifierCache;
import io.gatehouse.sql.SqlMode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Each worker thread classifies through its own cache, made with the size the runtime gives; a repeated statement is
 * a hit. Runs the lookups on fresh threads, as workers would.
 */
class WorkerClassifierCacheTest {
    private static final byte[] SQL = "SELECT id FROM t WHERE id = 1".getBytes(StandardCharsets.UTF_8);

    private static ClassifierCache onNewThread(long bytes) throws InterruptedException {
        AtomicReference<ClassifierCache> out = new AtomicReference<>();
        Thread t = new Thread(() -> {
            WorkerClassifierCache.classify(bytes, SQL, 0, SQL.length, SqlMode.DEFAULT);
            WorkerClassifierCache.classify(bytes, SQL, 0, SQL.length, SqlMode.DEFAULT);
            out.set(WorkerClassifierCache.current(bytes));
        });
        t.start();
        t.join();
        return out.get();
    }

    @Test
    void aWorkersCacheHasTheGivenSizeAndServesRepeats() throws InterruptedException {
        ClassifierCache cache = onNewThread(1 << 20);
        assertThat(cache.maxBytes()).isEqualTo(1 << 20);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void sizeZeroCachesNothing() throws InterruptedException {
        ClassifierCache cache = onNewThread(0);
        assertThat(cache.hits()).isZero();
        assertThat(cache.size()).isZero();
    }

    @Test
    void everyThreadHasItsOwnCache() throws InterruptedException {
        assertThat(onNewThread(4096)).isNotSameAs(onNewThread(4096));
    }
}
