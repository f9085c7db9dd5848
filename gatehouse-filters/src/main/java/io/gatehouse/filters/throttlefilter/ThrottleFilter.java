package io.gatehouse.filters.throttlefilter;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.router.ClientInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One throttlefilter section: its settings, the clock its sessions read, and counters shared by all its sessions.
 * Thread-safe (immutable settings, {@link LongAdder} counters); holds no buffers.
 */
final class ThrottleFilter implements Filter {
    private final String name;
    private final ThrottleSettings settings;
    private final LongSupplier clock;
    private final LongAdder delayed = new LongAdder();
    private final LongAdder delayedNanos = new LongAdder();
    private final LongAdder disconnected = new LongAdder();

    ThrottleFilter(String name, ThrottleSettings settings, LongSupplier clock) {
        this.name = name;
        this.settings = settings;
        this.clock = clock;
    }

    /** A session that can delay statements but not end itself (for callers without a session context). */
    @Override
    public FilterSession newSession(ClientInfo client) {
        return new ThrottleSession(this, new QueryRate(settings), null, clock, client);
    }

    @Override
    public FilterSession newSession(ClientInfo client, FilterSessionContext context) {
        return new ThrottleSession(this, new QueryRate(settings), context, clock, client);
    }

    String name() {
        return name;
    }

    ThrottleSettings settings() {
        return settings;
    }

    void countDelay(long nanos) {
        delayed.increment();
        delayedNanos.add(nanos);
    }

    void countDisconnect() {
        disconnected.increment();
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("max_qps", settings.maxQps());
        d.put("delayed_statements", delayed.sum());
        d.put("delay_total_ms", delayedNanos.sum() / 1_000_000);
        d.put("disconnected_sessions", disconnected.sum());
        return d;
    }
}
