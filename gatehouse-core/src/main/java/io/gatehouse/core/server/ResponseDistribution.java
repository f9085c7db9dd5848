package io.gatehouse.core.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * The response times of one server for one kind of operation, counted in MaxScale's buckets: powers of ten from a
 * microsecond to 100,000 seconds, each counting the responses that took more than the bucket before it and at most
 * its own time, with the sum of those times. Written by every routing worker without a lock ({@link LongAdder}s, no
 * allocation), read by the admin thread. Holds no buffers.
 */
public final class ResponseDistribution {
    /** Upper bounds of the buckets in nanoseconds: 1 µs, 10 µs, ..., 100,000 s. */
    private static final long[] LIMITS_NANOS = new long[12];

    static {
        long v = 1_000;
        for (int i = 0; i < LIMITS_NANOS.length; i++) {
            LIMITS_NANOS[i] = v;
            v = i < LIMITS_NANOS.length - 1 ? v * 10 : v;
        }
    }

    private final LongAdder[] counts = new LongAdder[LIMITS_NANOS.length];
    private final LongAdder[] totalNanos = new LongAdder[LIMITS_NANOS.length];

    public ResponseDistribution() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
            totalNanos[i] = new LongAdder();
        }
    }

    /** Counts one response that took {@code nanos}; longer than the last bucket counts in the last. */
    public void add(long nanos) {
        int i = 0;
        while (i < LIMITS_NANOS.length - 1 && nanos > LIMITS_NANOS[i]) {
            i++;
        }
        counts[i].increment();
        totalNanos[i].add(Math.max(0, nanos));
    }

    /** How many buckets there are (12). */
    public static int buckets() {
        return LIMITS_NANOS.length;
    }

    /** The upper bound of bucket {@code i} in seconds. */
    public static double limitSeconds(int i) {
        return LIMITS_NANOS[i] / 1e9;
    }

    /** Responses counted in bucket {@code i}. */
    public long count(int i) {
        return counts[i].sum();
    }

    /** The sum of the times of bucket {@code i}'s responses, in seconds. */
    public double totalSeconds(int i) {
        return totalNanos[i].sum() / 1e9;
    }
}
