package io.gatehouse.core.server;

import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A server's routing connections and its {@code max_routing_connections}: every session connection (pooled ones
 * included) holds a slot from before its socket opens until it closes; when the server's limit is reached a session
 * waits, bounded by its service's {@code multiplex_timeout}, until a slot frees, instead of overloading the server.
 * Any worker thread takes and gives slots (atomics); a waiter is always resumed on its own session's event loop. No
 * buffers.
 */
public final class RoutingSlots {
    private final AtomicInteger used = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    /** One session connection waiting for a slot; only its {@link #loop} reads and writes its fields. */
    private static final class Waiter {
        final EventLoop loop;
        final IntSupplier limit;
        final Runnable granted;
        ScheduledFuture<?> timer;
        boolean done;

        Waiter(EventLoop loop, IntSupplier limit, Runnable granted) {
            this.loop = loop;
            this.limit = limit;
            this.granted = granted;
        }
    }

    /** The slots held now. */
    public int used() {
        return used.get();
    }

    /** True while some session waits for a slot (a connection going idle should then close, not be pooled). */
    public boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** Takes a slot unless {@code max} (0 for no limit) are held already. */
    public boolean tryTake(int max) {
        while (true) {
            int n = used.get();
            if (max > 0 && n >= max) {
                return false;
            }
            if (used.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a slot back and resumes the longest waiter, which takes it if it can. */
    public void give() {
        used.decrementAndGet();
        wakeOne();
    }

    private void wakeOne() {
        Waiter w = waiters.poll();
        if (w != null) {
            w.loop.execute(() -> retry(w, true));
        }
    }

    /**
     * Waits for a slot: {@code granted} runs on {@code loop} holding one, or {@code timedOut} runs there after
     * {@code timeoutMillis} without one. Called on {@code loop}; {@code limit} is read at each try, as
     * {@code max_routing_connections} may change meanwhile.
     */
    public void await(EventLoop loop, IntSupplier limit, long timeoutMillis, Runnable granted, Runnable timedOut) {
        Waiter w = new Waiter(loop, limit, granted);
        w.timer = loop.schedule(() -> {
            if (!w.done) {
                w.done = true;
                waiters.remove(w);
                timedOut.run();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        waiters.add(w);
        // A slot freed between the caller's failed try and the queueing would wake nobody: try once more.
        retry(w, false);
    }

    private void retry(Waiter w, boolean woken) {
        if (w.done) {
            if (woken) {
                wakeOne();                                 // this wake-up was meant for a live waiter
            }
            return;
        }
        if (tryTake(w.limit.getAsInt())) {
            w.done = true;
            waiters.remove(w);
            w.timer.cancel(false);
            w.granted.run();
        } else if (woken) {
            waiters.add(w);                                // another session took the slot first: wait on
        }
    }
}
