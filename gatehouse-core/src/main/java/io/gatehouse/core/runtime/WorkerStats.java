package io.gatehouse.core.runtime;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.SessionMemory;
import io.gatehouse.core.worker.WorkerCounters;
import io.gatehouse.sql.ClassifierCache;
import io.gatehouse.sql.ClassifierCaches;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The statistics of each routing worker ({@code GET /v1/maxscale/threads}, {@code /v1/maxscale/memory}), each
 * gathered on the worker's own event loop, as a task, from the state only that worker touches: its I/O counters,
 * its classifier cache, its sessions' memory and its open sockets. Called on the admin thread, which waits for the
 * workers' answers; holds no buffers.
 */
public final class WorkerStats {
    /** How long the admin thread waits for a worker, which may be busy routing. */
    static final long TIMEOUT_MILLIS = 5000;

    /**
     * One worker's statistics.
     *
     * @param counters          its I/O counters (a copy)
     * @param currentDescriptors its open sockets: its sessions' client and backend connections and its pooled ones
     * @param qcHits            classifier cache lookups it answered
     * @param qcMisses          lookups it did not
     * @param qcInserts         classifications it added
     * @param qcEvictions       entries it dropped for room
     * @param qcEntries         statements it holds
     * @param qcBytes           bytes the cache is charged (keys, classifications, bookkeeping; estimated)
     * @param sessionBytes      the memory of the worker's sessions ({@link SessionMemory#total()} summed)
     */
    public record Thread(WorkerCounters counters, long currentDescriptors, long qcHits, long qcMisses, long qcInserts,
                         long qcEvictions, long qcEntries, long qcBytes, long sessionBytes) {
        /**
         * Bytes of closed connections not yet freed: always 0, because a channel's buffers are released when it
         * closes (on this worker, before the close completes) and nothing else waits to be freed later.
         */
        public long zombieBytes() {
            return 0;
        }

        /** The worker's memory: classifier cache, sessions and zombies. */
        public long totalBytes() {
            return qcBytes + sessionBytes + zombieBytes();
        }
    }

    private WorkerStats() {
    }

    /** Every worker that ever ran, by index; throws when one does not answer within the timeout. */
    public static List<Thread> collect(Runtime rt) {
        List<EventLoop> loops = rt.workers().inUse();
        List<List<ClientSession>> byWorker = rt.balancer().sessionsByWorker();
        List<Future<Thread>> futures = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            EventLoop loop = loops.get(i);
            List<ClientSession> sessions = i < byWorker.size() ? byWorker.get(i) : List.of();
            futures.add(loop.submit(() -> measure(rt, loop, sessions)));
        }
        List<Thread> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        for (int i = 0; i < futures.size(); i++) {
            Future<Thread> f = futures.get(i);
            long left = Math.max(0, deadline - System.nanoTime());
            if (!f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS) || !f.isSuccess()) {
                throw new IllegalStateException("routing worker " + i + " did not answer for its statistics within "
                        + TIMEOUT_MILLIS / 1000 + " seconds");
            }
            out.add(f.getNow());
        }
        return out;
    }

    /** Worker {@code loop}'s statistics; runs on it. */
    private static Thread measure(Runtime rt, EventLoop loop, List<ClientSession> sessions) {
        long descriptors = rt.proxy() == null ? 0 : rt.proxy().pool().idleHere();
        long sessionBytes = 0;
        for (ClientSession s : sessions) {
            var c = s.clientChannel();
            // Listed from another thread: a session moved off or ended since is not this worker's any more.
            if (c != null && c.eventLoop() == loop && !s.isClosedOrClosing()) {
                descriptors += SessionMemory.openChannels(s);
                sessionBytes += SessionMemory.of(s).total();
            }
        }
        ClassifierCache qc = ClassifierCaches.current();
        return new Thread(WorkerCounters.current().copy(), descriptors, qc.hits(), qc.misses(), qc.inserts(),
                qc.evictions(), qc.size(), qc.bytesUsed(), sessionBytes);
    }
}
