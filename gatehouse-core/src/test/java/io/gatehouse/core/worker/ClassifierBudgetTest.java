package io.gatehouse.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** query_classifier_cache_size divided among the workers, and MaxScale's 15% default. Pure; JUnit thread. */
class ClassifierBudgetTest {
    @Test
    void aConfiguredSizeIsSharedByTheWorkers() {
        assertThat(ClassifierBudget.perWorker(64L << 20, 4, 1L << 34)).isEqualTo(16L << 20);
        assertThat(ClassifierBudget.perWorker(1000, 3, 1L << 34)).isEqualTo(333);
    }

    @Test
    void zeroMeansFifteenPercentOfMemory() {
        long memory = 8L << 30;
        assertThat(ClassifierBudget.perWorker(0, 2, memory)).isEqualTo(memory / 100 * 15 / 2);
    }

    @Test
    void memoryIsAtMostTheHeap() {
        assertThat(ClassifierBudget.usableMemory()).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
    }
}
