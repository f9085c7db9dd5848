package io.gatehouse.core.worker;

import java.lang.management.ManagementFactory;

/**
 * Sizes each worker's classifier cache from the global {@code query_classifier_cache_size}: the configured size, or
 * with 0 MaxScale's default of 15% of memory, divided among the workers (each worker owns one cache). Because the
 * cache lives in the Java heap, "memory" for the default is the smaller of the machine's memory and the JVM's
 * maximum heap. Stateless; called on the main thread when the runtime is built.
 */
public final class ClassifierBudget {
    /** MaxScale's default share of memory, in percent. */
    static final int DEFAULT_PERCENT = 15;

    private ClassifierBudget() {
    }

    /** This process's per-worker budget in bytes. */
    public static long perWorker(long configured, int workers) {
        return perWorker(configured, workers, usableMemory());
    }

    /**
     * The per-worker budget: {@code configured} bytes (or {@value #DEFAULT_PERCENT}% of {@code memory} when it is 0)
     * divided by {@code workers}.
     */
    static long perWorker(long configured, int workers, long memory) {
        long total = configured > 0 ? configured : memory / 100 * DEFAULT_PERCENT;
        return total / Math.max(1, workers);
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
