package io.gatehouse.filters.regexfilter;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.SessionRules;
import io.gatehouse.filters.common.StatementRules;
import io.gatehouse.filters.common.StatementText;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One regexfilter section: its compiled pattern and replacement, the sessions it applies to, and counters shared by
 * all its sessions. Thread-safe (immutable settings, {@link LongAdder} counters); holds no buffers.
 */
final class RegexFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(RegexFilter.class);

    /** The parsed parameters of a section; immutable. */
    record Settings(String pattern, Replacement replacement, SessionRules clients, Path logFile, boolean logTrace) {
        /** Parses and checks {@code params}; throws {@link IllegalArgumentException} naming the bad parameter. */
        static Settings of(Params params) {
            String pattern = StatementRules.patternText(params.text("match"));
            Pattern compiled = StatementRules.compileBytewise(params.section(), "match", pattern,
                    StatementRules.flags(Set.of(params.string("options"))));
            Replacement replacement = Replacement.parse(params.section(), compiled, params.string("replace"));
            String file = params.string("log_file");
            return new Settings(pattern, replacement, RegexFilterModule.clients(params),
                    file == null || file.isEmpty() ? null : Path.of(file), params.bool("log_trace"));
        }
    }

    private final String name;
    private final Settings settings;
    private final LongAdder altered = new LongAdder();
    private final LongAdder unaltered = new LongAdder();

    RegexFilter(String name, Settings settings) {
        this.name = name;
        this.settings = settings;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        return new RegexSession(this, settings.clients().covers(client));
    }

    /**
     * The statement {@code sql} (one char per byte) rewritten, or null when the pattern does not match; logs the
     * outcome where {@code log_file} and {@code log_trace} ask for it. Any thread.
     */
    String rewrite(String sql) {
        String out = settings.replacement().apply(sql);
        if (out == null) {
            unaltered.increment();
            log("No match " + settings.pattern() + ": [" + StatementText.readable(sql) + "]\n");
        } else {
            altered.increment();
            log("Matched " + settings.pattern() + ": [" + StatementText.readable(sql) + "] -> ["
                    + StatementText.readable(out) + "]\n");
        }
        return out;
    }

    private void log(String line) {
        if (settings.logFile() != null) {
            MatchLog.append(settings.logFile(), line);
        }
        if (settings.logTrace()) {
            // MaxScale's info level, which Gatehouse logs as DEBUG (shown with log_info=true).
            LOG.debug("{}: {}", name, line.stripTrailing());
        }
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("altered", altered.sum());
        d.put("unaltered", unaltered.sum());
        d.put("match", settings.pattern());
        if (settings.logFile() != null) {
            d.put("log_lines_dropped", MatchLog.dropped());
        }
        return d;
    }
}
