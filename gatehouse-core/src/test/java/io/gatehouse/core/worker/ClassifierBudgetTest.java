package io.gatehouse.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** query_classifier_cache_size divided among the workers, 0 as no cache, and MaxScale's 15% default. JUnit thread. */
class ClassifierBudgetTest {
    @Test
    void aConfiguredSizeIsSharedByTheWorkers() {
        assertThat(ClassifierBudget.perWorker(64L << 20, 4)).isEqualTo(16L << 20);
        assertThat(ClassifierBudget.perWorker(1000, 3)).isEqualTo(333);
    }

    @Test
    void zeroTurnsCachingOffAsInMaxScale() {
        assertThat(ClassifierBudget.perWorker(0, 2)).isZero();
    }

    @Test
    void theDefaultIsFifteenPercentOfMemory() {
        long memory = 8L << 30;
        assertThat(ClassifierBudget.defaultTotal(memory)).isEqualTo(memory / 100 * 15);
    }

    @Test
    void memoryIsAtMostTheHeap() {
        assertThat(ClassifierBudget.usableMemory()).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
    }
}
