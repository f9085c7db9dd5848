package io.gatehouse.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link WorkerCounters}: one set per thread, event-queue averages and maxima, and copies. Test thread only. */
class WorkerCountersTest {
    @Test
    void eachThreadHasItsOwnCounters() throws Exception {
        WorkerCounters mine = WorkerCounters.current();
        assertThat(WorkerCounters.current()).isSameAs(mine);
        AtomicReference<WorkerCounters> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(WorkerCounters.current()));
        t.start();
        t.join();
        assertThat(other.get()).isNotNull().isNotSameAs(mine);
    }

    @Test
    void passesWithoutReadyChannelsDoNotLowerTheAverage() {
        WorkerCounters c = new WorkerCounters();
        assertThat(c.averageIoEvents()).isZero();
        c.ioPass(0);
        c.ioPass(2);
        c.ioPass(0);
        c.ioPass(6);
        assertThat(c.averageIoEvents()).isEqualTo(4);
        assertThat(c.maxIoEvents).isEqualTo(6);
        c.ioPass(1);
        assertThat(c.maxIoEvents).isEqualTo(6);
        assertThat(c.averageIoEvents()).isEqualTo(3);
    }

    @Test
    void theLongestReadHandlingIsKeptAndCopiesAreIndependent() throws Exception {
        WorkerCounters c = new WorkerCounters();
        long start = System.nanoTime();
        Thread.sleep(20);
        c.executed(start);
        long longest = c.maxExecNanos;
        assertThat(longest).isGreaterThanOrEqualTo(20_000_000L);
        c.executed(System.nanoTime());
        assertThat(c.maxExecNanos).isEqualTo(longest);
        c.reads = 7;
        c.accepts = 3;
        WorkerCounters copy = c.copy();
        c.reads++;
        assertThat(copy.reads).isEqualTo(7);
        assertThat(copy.accepts).isEqualTo(3);
        assertThat(copy.maxExecNanos).isEqualTo(longest);
    }
}
