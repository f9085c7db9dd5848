package io.gatehouse.filters.throttlefilter;

import io.gatehouse.api.config.Params;
import java.time.Duration;

/**
 * The parsed parameters of one throttlefilter section; immutable and thread-safe.
 *
 * @param maxQps           statements per second a session is held to ({@code max_qps})
 * @param samplingNanos    the window the rate is measured over ({@code sampling_duration})
 * @param throttlingNanos  how long a session may stay throttled before it is disconnected
 * @param continuousNanos  how long without a delay ends continuous throttling ({@code continuous_duration})
 */
record ThrottleSettings(long maxQps, long samplingNanos, long throttlingNanos, long continuousNanos) {
    /** Parses and checks {@code params}; throws {@link IllegalArgumentException} naming the bad parameter. */
    static ThrottleSettings of(Params params) {
        long qps = params.integer("max_qps");
        if (qps < 1) {
            throw new IllegalArgumentException("[" + params.section() + "] max_qps: '" + params.text("max_qps")
                    + "' (expected: a positive integer)");
        }
        return new ThrottleSettings(qps, positive(params, "sampling_duration"), positive(params, "throttling_duration"),
                positive(params, "continuous_duration"));
    }

    /**
     * A duration parameter in nanoseconds. MaxScale reads these four without a unit as milliseconds (its documented
     * {@code throttling_duration = 60000}), unlike most durations, so a bare number is taken as milliseconds here.
     */
    private static long positive(Params params, String name) {
        String text = params.text(name);
        Duration d = text != null && text.trim().matches("\\d+") ? Duration.ofMillis(Long.parseLong(text.trim()))
                : params.duration(name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("[" + params.section() + "] " + name + ": '" + text
                    + "' (expected: a duration above zero, such as 250ms or 60s; a bare number is milliseconds)");
        }
        return d.toNanos();
    }
}
