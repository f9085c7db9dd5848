package io.gatehouse.core.worker;

import io.gatehouse.sql.ClassifierCache;
import io.gatehouse.sql.ClassifierCaches;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The classifier caches of every worker as one list ({@code GET /v1/maxscale/query_classifier/cache}, maxctrl's
 * {@code show qc_cache}): each worker copies its own cache on its own thread, and the copies are merged by statement
 * text, hits added up. Called on the admin thread, which waits for the workers; owns no buffers.
 */
public final class ClassifierCacheView {
    /** One statement in some worker's cache and the lookups it answered over all workers. */
    public record Statement(String sql, io.gatehouse.sql.Classification classification, long hits) {
    }

    private ClassifierCacheView() {
    }

    /** The cached statements of all workers, the most used first. */
    public static List<Statement> collect(Iterable<? extends EventExecutor> workers) {
        List<Future<List<ClassifierCache.Cached>>> futures = new ArrayList<>();
        for (EventExecutor e : workers) {
            futures.add(e.submit(() -> ClassifierCaches.current().snapshot()));
        }
        Map<String, Statement> merged = new LinkedHashMap<>();
        for (Future<List<ClassifierCache.Cached>> f : futures) {
            if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS) || !f.isSuccess()) {
                throw new IllegalStateException("a routing worker did not answer for its classifier cache within"
                        + " 5 seconds");
            }
            for (ClassifierCache.Cached c : f.getNow()) {
                String sql = c.classification().sql();
                merged.merge(sql, new Statement(sql, c.classification(), c.hits()),
                        (a, b) -> new Statement(sql, a.classification(), a.hits() + b.hits()));
            }
        }
        List<Statement> out = new ArrayList<>(merged.values());
        out.sort((a, b) -> Long.compare(b.hits(), a.hits()));
        return out;
    }
}
