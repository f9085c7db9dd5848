package io.gatehouse.routers.readwritesplit;

import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Classifier;
import io.gatehouse.sql.ClassifierCache;
import io.gatehouse.sql.SqlMode;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The classifier cache of the calling worker, shared by every readwritesplit service on that worker as MaxScale
 * shares its per-thread cache. Each worker thread gets its own {@link ClassifierCache}, created on first use with
 * the size the runtime gave ({@code query_classifier_cache_size} divided among the workers), so a lookup takes no
 * lock. It reads the caller's bytes during the call only.
 */
final class WorkerClassifierCache {
    /** Classifications do not depend on the instance: one stateless classifier serves every cache. */
    private static final Classifier CLASSIFIER = new Classifier();
    private static final FastThreadLocal<ClassifierCache> CACHE = new FastThreadLocal<>();

    private WorkerClassifierCache() {
    }

    /** The calling thread's cache, made with {@code maxBytes} on the thread's first call. */
    static ClassifierCache current(long maxBytes) {
        ClassifierCache c = CACHE.get();
        if (c == null) {
            c = new ClassifierCache(CLASSIFIER, Math.max(0, maxBytes));
            CACHE.set(c);
        }
        return c;
    }

    /** Classifies through the calling thread's cache. */
    static Classification classify(long maxBytes, byte[] sql, int offset, int length, SqlMode mode) {
        return current(maxBytes).classify(sql, offset, length, mode);
    }
}
