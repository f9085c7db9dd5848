package io.gatehouse.core.config;

import io.gatehouse.api.config.ValueParser;
import java.time.Duration;

/**
 * MaxScale's {@code log_throttling = count, window, suppression}: when one message (the same text pattern from the
 * same place) is logged {@code count} times within {@code window}, it is left out for {@code suppression}. A zero in
 * any field turns throttling off. Only errors and warnings are throttled, never notices, info or debug messages.
 * Immutable.
 */
public record LogThrottling(int count, Duration window, Duration suppression) {
    /** MaxScale's default. */
    public static final String DEFAULT = "10, 1000ms, 10000ms";

    /** True when messages can be suppressed at all. */
    public boolean enabled() {
        return count > 0 && !window.isZero() && !suppression.isZero();
    }

    /**
     * Reads the three comma-separated fields; a duration without a unit is milliseconds, as MaxScale reads it.
     * Throws {@link IllegalArgumentException} when the text has another shape.
     */
    public static LogThrottling parse(String text) {
        String[] f = text.split(",");
        if (f.length != 3) {
            throw new IllegalArgumentException("three comma-separated values");
        }
        long count = ValueParser.parseInteger(f[0]);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count out of range");
        }
        return new LogThrottling((int) count, ValueParser.parseDuration(f[1], true),
                ValueParser.parseDuration(f[2], true));
    }
}
