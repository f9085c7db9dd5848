package io.gatehouse.filters.rewritefilter;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rewritefilter section: the templates read from its {@code template_file} when it was made (a change of the
 * filter's parameters makes a new one, which reads the file again) and counters shared by its sessions. Thread-safe
 * (immutable rules, {@link LongAdder} counters); holds no buffers.
 */
final class RewriteFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(RewriteFilter.class);

    private final String name;
    private final Path templateFile;
    private final List<RewriteRule> rules;
    private final boolean logReplacement;
    private final LongAdder rewritten = new LongAdder();
    private final LongAdder unchanged = new LongAdder();

    RewriteFilter(String name, Path templateFile, List<RewriteRule> rules, boolean logReplacement) {
        this.name = name;
        this.templateFile = templateFile;
        this.rules = List.copyOf(rules);
        this.logReplacement = logReplacement;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        return new RewriteSession(this);
    }

    /**
     * {@code sql} after the templates, or null when none changed it: each template is tried in file order; the first
     * that matches rewrites the statement and ends the search unless it has {@code continue_if_matched}, in which case
     * the next templates see its result. A {@code what_if} template only logs what it would do. Any thread.
     */
    String rewrite(String sql) {
        String current = sql;
        for (RewriteRule r : rules) {
            String out = r.apply(current);
            if (out == null) {
                continue;
            }
            if (r.options().whatIf()) {
                LOG.info("{}: what_if: [{}] would be rewritten to [{}]", name, current, out);
            } else {
                if (logReplacement) {
                    LOG.info("{}: rewrote [{}] to [{}]", name, current, out);
                }
                current = out;
            }
            if (!r.options().continueIfMatched()) {
                break;
            }
        }
        if (current.equals(sql)) {
            unchanged.increment();
            return null;
        }
        rewritten.increment();
        return current;
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("template_file", templateFile.toString());
        d.put("templates", rules.size());
        d.put("rewritten", rewritten.sum());
        d.put("unchanged", unchanged.sum());
        return d;
    }
}
