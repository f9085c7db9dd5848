package io.gatehouse.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.gatehouse.core.config.LogThrottling;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Marker;

/**
 * MaxScale's {@code log_throttling} as a Logback filter: an error or warning (keyed by logger and message pattern,
 * MaxScale's "same message from the same place") logged more than {@code count} times within {@code window} is
 * dropped until {@code suppression} has passed, and the first drop is announced once. Thread-safe: called on every
 * thread that logs; a message's counter is updated under that counter's lock.
 */
final class ThrottleFilter extends TurboFilter {
    private final LogThrottling settings;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    ThrottleFilter(LogThrottling settings) {
        this.settings = settings;
    }

    /** Occurrences of one message in the current window, and until when it is suppressed. */
    private static final class Counter {
        long windowStart;
        int seen;
        long suppressedUntil;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || format == null || !level.isGreaterOrEqual(Level.WARN) || !logger.isEnabledFor(level)
                || !settings.enabled()) {
            return FilterReply.NEUTRAL;
        }
        long now = System.nanoTime();
        Counter c = counters.computeIfAbsent(logger.getName() + '\u0000' + format, k -> new Counter());
        synchronized (c) {
            if (c.suppressedUntil != 0) {
                if (now - c.suppressedUntil < 0) {
                    return FilterReply.DENY;
                }
                c.suppressedUntil = 0;
                c.seen = 0;
            }
            if (c.seen == 0 || now - c.windowStart > settings.window().toNanos()) {
                c.windowStart = now;
                c.seen = 0;
            }
            c.seen++;
            if (c.seen <= settings.count()) {
                return FilterReply.NEUTRAL;
            }
            c.suppressedUntil = now + settings.suppression().toNanos();
        }
        // This notice passes through the filter too, under its own pattern, so it is throttled like any message.
        logger.warn("Message logged {} times within {} ms, now suppressed for {} ms: {}",
                settings.count(), settings.window().toMillis(), settings.suppression().toMillis(), format);
        return FilterReply.DENY;
    }
}
