package io.gatehouse.sql;

/**
 * The classifier cache of each worker thread: {@link #current()} gives the calling thread its own
 * {@link ClassifierCache}, so that a worker's sessions share one cache and no lock is taken. Thread-safe: the budget
 * is a volatile value set by the configuration ({@code query_classifier_cache_size} divided by the number of
 * workers); a thread whose cache was made for another budget gets a new one on its next call. Holds no buffers.
 */
public final class ClassifierCaches {
    /** The one classifier every cache classifies with; it is stateless and judges versions per call. */
    public static final Classifier CLASSIFIER = new Classifier();

    private static volatile long perWorkerBytes = defaultBudget();
    private static final ThreadLocal<ClassifierCache> CACHE = new ThreadLocal<>();

    private ClassifierCaches() {
    }

    /**
     * Sets the budget: {@code totalBytes} shared equally by {@code workers} threads; 0 disables caching.
     *
     * @throws IllegalArgumentException when {@code totalBytes} is negative or {@code workers} not positive
     */
    public static void configure(long totalBytes, int workers) {
        if (totalBytes < 0 || workers <= 0) {
            throw new IllegalArgumentException("query_classifier_cache_size: " + totalBytes + " bytes over " + workers
                    + " workers (expected: a size >= 0 and at least one worker)");
        }
        perWorkerBytes = totalBytes / workers;
    }

    /** The calling thread's cache, made on first use with the current budget. */
    public static ClassifierCache current() {
        ClassifierCache c = CACHE.get();
        long budget = perWorkerBytes;
        if (c == null || c.maxBytes() != budget) {
            c = new ClassifierCache(CLASSIFIER, budget);
            CACHE.set(c);
        }
        return c;
    }

    /** MaxScale's default: 15% of the memory (here the JVM's heap limit), shared by one worker per core. */
    private static long defaultBudget() {
        return Runtime.getRuntime().maxMemory() * 15 / 100 / Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
