package io.gatehouse.filters.ccrfilter;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.StatementRules;
import io.gatehouse.sql.Classifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * One ccrfilter section: its settings, the time of the last write of any session (for {@code global}) and counters
 * shared by its sessions. Thread-safe (immutable settings, atomics); holds no buffers.
 */
final class CcrFilter implements Filter {
    /** One classifier for every session: it is thread-safe and keeps no state between statements. */
    static final Classifier CLASSIFIER = new Classifier();

    /** The parsed parameters of a section; immutable. */
    record Settings(long timeNanos, long count, Pattern match, Pattern ignore, boolean global) {
        /** Parses and checks {@code params}; throws {@link IllegalArgumentException} naming the bad parameter. */
        static Settings of(Params params) {
            int flags = StatementRules.flags(params.mask("options"));
            Pattern match = pattern(params, "match", flags);
            Pattern ignore = pattern(params, "ignore", flags);
            // MaxScale keeps whole seconds, rounded to the nearest.
            long seconds = (params.duration("time").toMillis() + 500) / 1000;
            long count = params.integer("count");
            boolean global = params.bool("global");
            if (global && count != 0) {
                throw new IllegalArgumentException("[" + params.section() + "] global: '" + params.text("global")
                        + "' (expected: false when count is set; global works with time only, count is '"
                        + params.text("count") + "')");
            }
            return new Settings(seconds * 1_000_000_000L, count, match, ignore, global);
        }

        private static Pattern pattern(Params params, String name, int flags) {
            String text = StatementRules.patternText(params.text(name));
            return text == null || text.isEmpty() ? null : StatementRules.compileBytewise(params.section(), name, text, flags);
        }
    }

    private final Settings settings;
    private final LongSupplier clock;
    /** When any session last wrote ({@link System#nanoTime}), for {@code global}; {@link Long#MIN_VALUE} if never. */
    private final AtomicLong lastGlobalWrite = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder modifications = new LongAdder();
    private final LongAdder hintsByCount = new LongAdder();
    private final LongAdder hintsByTime = new LongAdder();

    CcrFilter(Settings settings) {
        this(settings, System::nanoTime);
    }

    CcrFilter(Settings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        return new CcrSession(this);
    }

    Settings settings() {
        return settings;
    }

    long now() {
        return clock.getAsLong();
    }

    void wrote(long now) {
        modifications.increment();
        if (settings.global() && settings.timeNanos() > 0) {
            lastGlobalWrite.accumulateAndGet(now, Math::max);
        }
    }

    /** True when {@code global} is on and some session wrote less than {@code time} ago. */
    boolean recentGlobalWrite(long now) {
        long last = lastGlobalWrite.get();
        return settings.global() && last != Long.MIN_VALUE && now - last < settings.timeNanos();
    }

    void hintedByCount() {
        hintsByCount.increment();
    }

    void hintedByTime() {
        hintsByTime.increment();
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("data_modifications", modifications.sum());
        d.put("hints_added_count", hintsByCount.sum());
        d.put("hints_added_time", hintsByTime.sum());
        return d;
    }
}
