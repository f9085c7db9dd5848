package io.gatehouse.monitors.mariadbmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How server priorities order otherwise equal promotion candidates. Pure; JUnit thread. */
class PriorityOrderTest {
    @Test
    void positiveFirstLowestFirstThenZeroThenNegative() {
        List<Long> p = new ArrayList<>(List.of(0L, -5L, 3L, 1L, -1L, 2L));
        p.sort(ClusterOperations::priorityOrder);
        assertThat(p).containsExactly(1L, 2L, 3L, 0L, -1L, -5L);
    }

    @Test
    void equalPrioritiesAreTies() {
        assertThat(ClusterOperations.priorityOrder(0, 0)).isZero();
        assertThat(ClusterOperations.priorityOrder(2, 2)).isZero();
    }
}
