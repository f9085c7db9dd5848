package io.gatehouse.monitors.common;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named thread a monitor (mariadbmon, galeramon) runs its passes on: one pass, then the next after the delay the
 * monitor asks for, an extra pass when the proxy suspects a server, and whatever else must not overlap a pass (module
 * commands). Its methods are called from any thread; passes and submitted work run on its own. No buffers.
 */
public final class MonitorThread {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorThread.class);
    /** At most one extra pass a server suspicion per this many nanoseconds. */
    private static final long SUSPECT_SPACING_NANOS = 100_000_000L;

    private final String monitor;
    private final Runnable tick;
    private final LongSupplier nextDelayMillis;
    private final ScheduledExecutorService thread;
    private ScheduledFuture<?> task;
    private volatile boolean running;
    private volatile long lastSuspectNanos;

    /**
     * A thread for monitor {@code monitor}: {@code tick} is one pass (a failure is logged and the next pass comes
     * anyway), {@code nextDelayMillis} says when the next one is due.
     */
    public MonitorThread(String monitor, Runnable tick, LongSupplier nextDelayMillis) {
        this.monitor = monitor;
        this.tick = tick;
        this.nextDelayMillis = nextDelayMillis;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-monitor-" + monitor);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the passes, the first after a random part of a tenth of {@code intervalMillis}. */
    public synchronized void start(long intervalMillis) {
        running = true;
        // Jitter the first pass so several monitors (or several Gatehouses) do not probe in lock-step.
        schedule(ThreadLocalRandom.current().nextLong(Math.max(1, intervalMillis / 10)));
    }

    public boolean isRunning() {
        return running;
    }

    private void schedule(long delayMillis) {
        task = thread.schedule(this::loop, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void loop() {
        if (!running) {
            return;
        }
        pass();
        if (running) {
            schedule(nextDelayMillis.getAsLong());
        }
    }

    /** Runs one pass on the calling thread (the monitor thread); it never throws. */
    public void pass() {
        try {
            tick.run();
        } catch (RuntimeException e) {
            // A monitor that dies leaves stale states behind; log and carry on with the next pass.
            LOG.error("Monitor {}: pass failed: {}", monitor, e.toString(), e);
        }
    }

    /** A broken proxy connection: one extra pass at once (at most one per 100 ms). */
    public void suspect() {
        long now = System.nanoTime();
        if (!running || now - lastSuspectNanos < SUSPECT_SPACING_NANOS) {
            return;
        }
        lastSuspectNanos = now;
        try {
            thread.execute(() -> {
                if (running) {
                    pass();
                }
            });
        } catch (RejectedExecutionException e) {
            // Stopping: nothing to look at any more.
        }
    }

    /**
     * Runs {@code work} on the monitor thread, between passes, and returns its result; a runtime exception it throws
     * comes out as it is, any other failure as an IllegalStateException.
     */
    public <T> T call(Callable<T> work) throws InterruptedException {
        try {
            return thread.submit(work).get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c.getMessage(), c);
        }
    }

    /**
     * Queues {@code work} for the monitor thread, to run after the pass under way (at once when idle), and returns
     * without waiting; the future cancels it while it has not started. Refused once the thread is stopping.
     */
    public Future<?> submit(Runnable work) {
        if (!running) {
            throw new IllegalStateException("monitor " + monitor + " is not running");
        }
        try {
            return thread.submit(work);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("monitor " + monitor + " is stopping");
        }
    }

    /** Stops the passes, runs {@code closing} (the monitor's connections) on the thread, then ends it. Idempotent. */
    public synchronized void stop(Runnable closing) {
        if (!running) {
            return;
        }
        running = false;
        if (task != null) {
            task.cancel(false);
        }
        try {
            thread.submit(closing).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Monitor {} did not stop cleanly: {}", monitor, e.toString());
        }
        thread.shutdownNow();
    }
}
