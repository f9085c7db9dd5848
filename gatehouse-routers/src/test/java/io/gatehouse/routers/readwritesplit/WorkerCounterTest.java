package io.gatehouse.routers.readwritesplit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Per-thread counts summed on read: no increment of any thread is lost, and each thread keeps its own count. */
class WorkerCounterTest {
    @Test
    void sumsEveryThreadsCountsWhileTheyCount() throws Exception {
        WorkerCounter counter = new WorkerCounter();
        int threads = 4;
        int each = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<WorkerCounter.Local> locals = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                WorkerCounter.Local mine = counter.local();
                assertThat(counter.local()).isSameAs(mine);
                synchronized (locals) {
                    locals.add(mine);
                }
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    mine.increment();
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        long seen = 0;
        for (Thread w : workers) {
            // A sum read while the threads count never goes back.
            long now = counter.sum();
            assertThat(now).isGreaterThanOrEqualTo(seen);
            seen = now;
            w.join();
        }
        assertThat(counter.sum()).isEqualTo((long) threads * each);
        assertThat(locals).hasSize(threads).doesNotHaveDuplicates();
        for (WorkerCounter.Local l : locals) {
            assertThat(l.get()).isEqualTo(each);
        }
    }
}
