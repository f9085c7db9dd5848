package io.gatehouse.core.worker;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * The I/O counters of one routing worker ({@code GET /v1/maxscale/threads}): plain longs that only the worker's own
 * thread writes and reads, found through {@link #current()} (a {@link FastThreadLocal}: an array index on Netty's
 * threads), so counting costs an increment and takes no lock or memory barrier. Other threads get a
 * {@link #copy()} made on the worker (a task of its event loop). Holds no buffers.
 *
 * <p>The counts are per worker, not per connection: a session moved to another worker ({@code SessionMoves}) counts
 * on the one it is on when the event happens.
 */
public final class WorkerCounters {
    private static final FastThreadLocal<WorkerCounters> CURRENT = new FastThreadLocal<>() {
        @Override
        protected WorkerCounters initialValue() {
            return new WorkerCounters();
        }
    };

    /** Client connections this worker took from a listener. */
    public long accepts;
    /** Read events: a socket (client or backend) had data and the worker read it (one per read pass). */
    public long reads;
    /** Write events: a socket whose send buffer had filled could take data again. */
    public long writes;
    /** Connections that failed with an error (an exception on the channel). */
    public long errors;
    /** Connections the other side closed (client or server hung up). */
    public long hangups;
    /** Connections (client and backend) ever opened on this worker. */
    public long totalDescriptors;
    /** Event-loop passes that found I/O ready, and the ready channels they found, for the average. */
    public long ioPasses;
    public long ioEvents;
    /** The most channels one pass found ready. */
    public long maxIoEvents;
    /** The longest one read event took to handle (the whole read and routing of what was read), in nanoseconds. */
    public long maxExecNanos;

    /** The calling worker's counters, made on first use. */
    public static WorkerCounters current() {
        return CURRENT.get();
    }

    /** Counts one pass of the event loop that found {@code ready} channels with I/O (0 when it found none). */
    public void ioPass(int ready) {
        if (ready > 0) {
            ioPasses++;
            ioEvents += ready;
            if (ready > maxIoEvents) {
                maxIoEvents = ready;
            }
        }
    }

    /**
     * Notes how long handling one read chunk took: it started at {@code startNanos} ({@link System#nanoTime()}) and
     * ended now.
     */
    public void executed(long startNanos) {
        long took = System.nanoTime() - startNanos;
        if (took > maxExecNanos) {
            maxExecNanos = took;
        }
    }

    /** The average number of channels a pass found ready, rounded down; 0 before the first. */
    public long averageIoEvents() {
        return ioPasses == 0 ? 0 : ioEvents / ioPasses;
    }

    /** A copy for another thread; call on the worker that owns these counters. */
    public WorkerCounters copy() {
        WorkerCounters c = new WorkerCounters();
        c.accepts = accepts;
        c.reads = reads;
        c.writes = writes;
        c.errors = errors;
        c.hangups = hangups;
        c.totalDescriptors = totalDescriptors;
        c.ioPasses = ioPasses;
        c.ioEvents = ioEvents;
        c.maxIoEvents = maxIoEvents;
        c.maxExecNanos = maxExecNanos;
        return c;
    }
}
