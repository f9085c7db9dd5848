package io.gatehouse.core.worker;

import java.lang.management.ManagementFactory;

/**
 * Sizes each worker's classifier cache from the global {@code query_classifier_cache_size}: the configured size
 * divided among the workers (each worker owns one cache), 0 turning caching off as in MaxScale. The parameter's
 * default is MaxScale's 15% of memory ({@link #defaultTotal()}); because the cache lives in the Java heap, "memory"
 * is the smaller of the machine's memory and the JVM's maximum heap. Stateless; any thread.
 */
public final class ClassifierBudget {
    /** MaxScale's default share of memory, in percent. */
    static final int DEFAULT_PERCENT = 15;

    private ClassifierBudget() {
    }

    /** The per-worker budget in bytes: {@code configured} bytes divided by {@code workers}; 0 is no cache. */
    public static long perWorker(long configured, int workers) {
        return Math.max(0, configured) / Math.max(1, workers);
    }

    /** The default of {@code query_classifier_cache_size}: {@value #DEFAULT_PERCENT}% of this process's memory. */
    public static long defaultTotal() {
        return defaultTotal(usableMemory());
    }

    static long defaultTotal(long memory) {
        return memory / 100 * DEFAULT_PERCENT;
    }

    /** The smaller of physical memory and the maximum heap. */
    static long usableMemory() {
        long heap = Runtime.getRuntime().maxMemory();
        long physical = Long.MAX_VALUE;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        return Math.min(heap == Long.MAX_VALUE ? physical : heap, physical);
    }
}
