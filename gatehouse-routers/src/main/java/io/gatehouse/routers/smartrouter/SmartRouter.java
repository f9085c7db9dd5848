package io.gatehouse.routers.smartrouter;

import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.api.server.ServerView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The smartrouter instance of one service: which target answered each statement shape first when last measured,
 * shared by every session of the service, and its counters. Thread-safe (a concurrent map of immutable records,
 * adders); each client session gets a {@link SmartRouterSession}. Holds no buffers.
 */
final class SmartRouter implements Router {
    /** How long a measurement decides; then the shape is measured again (servers' speed and data change). */
    static final long MEASUREMENT_NANOS = TimeUnit.MINUTES.toNanos(2);
    /** Bounds the memory of the measurements: beyond this many shapes, the oldest half is forgotten. */
    static final int MAX_SHAPES = 10_000;

    /** The target that answered a shape first, how fast, and when. */
    record Measured(String target, long nanos, long atNanos) {
    }

    final RouterContext context;
    private final Map<String, Measured> fastest = new ConcurrentHashMap<>();
    final LongAdder queries = new LongAdder();
    final LongAdder measurements = new LongAdder();
    final LongAdder routedByMeasurement = new LongAdder();

    SmartRouter(RouterContext context) {
        this.context = context;
    }

    String master() {
        return context.params().string("master");
    }

    /** The target that answered {@code canonical} first, while that measurement is recent enough; else null. */
    String fastest(String canonical, long nowNanos) {
        Measured m = fastest.get(canonical);
        return m != null && nowNanos - m.atNanos() < MEASUREMENT_NANOS ? m.target() : null;
    }

    /** Records that {@code target} answered {@code canonical} first, in {@code nanos}. */
    void measured(String canonical, String target, long nanos, long nowNanos) {
        measurements.increment();
        if (fastest.size() >= MAX_SHAPES) {
            long cutoff = nowNanos - MEASUREMENT_NANOS / 2;
            fastest.values().removeIf(m -> m.atNanos() < cutoff);
        }
        fastest.put(canonical, new Measured(target, nanos, nowNanos));
    }

    @Override
    public ServerView selectBackend(ClientInfo client) {
        return null;
    }

    @Override
    public RouterSession newSession(ClientInfo client) {
        return new SmartRouterSession(this);
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queries", queries.sum());
        d.put("measurements", measurements.sum());
        d.put("routed_by_measurement", routedByMeasurement.sum());
        Map<String, Object> shapes = new LinkedHashMap<>();
        fastest.forEach((k, m) -> shapes.put(k, Map.of("target", m.target(), "duration_ms",
                m.nanos() / 1_000_000)));
        d.put("fastest", shapes);
        return d;
    }
}
