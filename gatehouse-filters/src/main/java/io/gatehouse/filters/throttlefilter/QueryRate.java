package io.gatehouse.filters.throttlefilter;

/**
 * The rate logic of one throttled session, on a clock the caller passes in (nanoseconds), so tests can drive it:
 * counts the statements let through over a sliding {@code sampling_duration} window and, once the window holds
 * {@code max_qps * sampling_duration} of them, spaces the next ones {@code 1/max_qps} apart by delaying them. A session
 * is "continuously throttled" from its first delayed statement until {@code continuous_duration} passes without a
 * delay; when that lasts longer than {@code throttling_duration} the session is to be disconnected. Used by one
 * session on its worker thread; not thread-safe; holds no buffers.
 */
final class QueryRate {
    /** What {@link #admit} answers when the session has been throttled for too long. */
    static final long DISCONNECT = -1;
    /** The window is kept as this many buckets; a statement leaves the count with its bucket. */
    private static final int BUCKETS = 10;

    private final long limit;
    private final long interval;
    private final long bucketWidth;
    private final long throttlingDuration;
    private final long continuousDuration;
    private final long[] bucketIds = new long[BUCKETS];
    private final long[] bucketCounts = new long[BUCKETS];
    private long lastRelease = Long.MIN_VALUE;
    private boolean throttling;
    private long throttledSince;
    private long lastThrottled;

    QueryRate(ThrottleSettings s) {
        long sampling = s.samplingNanos();
        this.limit = Math.max(1, (long) Math.floor(s.maxQps() * (sampling / 1e9)));
        this.interval = Math.max(1, 1_000_000_000L / s.maxQps());
        this.bucketWidth = Math.max(1, sampling / BUCKETS);
        this.throttlingDuration = s.throttlingNanos();
        this.continuousDuration = s.continuousNanos();
        java.util.Arrays.fill(bucketIds, Long.MIN_VALUE);
    }

    /**
     * A statement arrives at {@code now}: returns how long to hold it back (0 to let it through at once), or
     * {@link #DISCONNECT} when the session has been throttled for longer than {@code throttling_duration}.
     */
    long admit(long now) {
        if (throttling && now - lastThrottled > continuousDuration) {
            throttling = false;                       // calm for continuous_duration: back to normal
        }
        long release = now;
        if (inWindow(now) >= limit && lastRelease != Long.MIN_VALUE) {
            release = Math.max(now, lastRelease + interval);
        }
        long delay = release - now;
        if (delay > 0) {
            if (!throttling) {
                throttling = true;
                throttledSince = now;
            }
            lastThrottled = now;
            if (now - throttledSince > throttlingDuration) {
                return DISCONNECT;
            }
        }
        count(release);
        lastRelease = release;
        return delay;
    }

    /** True while the session is continuously throttled (as of the last {@link #admit}). */
    boolean throttling() {
        return throttling;
    }

    /** Statements let through in the window ending at {@code now}, those already scheduled after it included. */
    long inWindow(long now) {
        long oldest = Math.floorDiv(now, bucketWidth) - BUCKETS + 1;
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketIds[i] >= oldest) {
                n += bucketCounts[i];
            }
        }
        return n;
    }

    private void count(long at) {
        long id = Math.floorDiv(at, bucketWidth);
        int slot = (int) Math.floorMod(id, (long) BUCKETS);
        if (bucketIds[slot] != id) {
            bucketIds[slot] = id;
            bucketCounts[slot] = 0;
        }
        bucketCounts[slot]++;
    }
}
