package io.gatehouse.routers.readwritesplit;

import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A statistics counter of a readwritesplit service bumped for every statement: each worker thread counts in its own
 * {@link Local}, with plain (opaque) stores and no atomic instruction, and a reader on any thread sums the workers'
 * counts. Replaces a {@code LongAdder}, whose compare-and-swap per increment was measurable on the per-statement
 * path (three per statement). Thread-safe: {@link #local()} and {@link #sum()} from any thread; a {@link Local} is
 * written by the one thread that took it. Holds no buffers.
 */
final class WorkerCounter {
    /** Every thread's count, for {@link #sum()}; a thread's entry is added once, on its first {@link #local()}. */
    private final CopyOnWriteArrayList<Local> locals = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<Local> mine = new FastThreadLocal<>() {
        @Override
        protected Local initialValue() {
            Local l = new Local();
            locals.add(l);
            return l;
        }
    };

    /** The calling thread's count; keep it and bump it only from this thread (a session keeps its worker's). */
    Local local() {
        return mine.get();
    }

    /** The sum of every thread's count; a count being bumped meanwhile may be seen before or after its increment. */
    long sum() {
        long total = 0;
        for (Local l : locals) {
            total += l.get();
        }
        return total;
    }

    /** One thread's count: written by that thread only, read by any (opaque access: never torn, never cached). */
    static final class Local {
        private static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(Local.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // accessed through VALUE
        private long value;

        /** Adds one; only from the thread that owns this count. */
        void increment() {
            VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + 1);
        }

        long get() {
            return (long) VALUE.getOpaque(this);
        }
    }
}
