package io.gatehouse.filters.tee;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.SessionRules;
import io.gatehouse.filters.common.StatementRules;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One tee section: its settings and the counters its sessions share. Thread-safe (immutable settings, adders); holds
 * no buffers.
 */
final class TeeFilter implements io.gatehouse.api.filter.Filter {
    /**
     * The parsed parameters of a section; immutable.
     *
     * @param parameter which of {@code target} and the deprecated {@code service} named the target
     */
    record Settings(String target, String parameter, StatementRules statements, SessionRules sessions,
                    boolean sync) {
        /** Parses and checks {@code params}; throws {@link IllegalArgumentException} naming the bad parameter. */
        static Settings of(Params params) {
            String target = params.string("target");
            String service = params.string("service");
            if (target != null && service != null) {
                throw new IllegalArgumentException("[" + params.section() + "] service: '" + service
                        + "' (expected: not set when target is set; service is the deprecated name of target)");
            }
            if (target == null && service == null) {
                throw new IllegalArgumentException("[" + params.section() + "] target: '' (expected: the server or"
                        + " service to copy statements to; one of target and service is required)");
            }
            int flags = StatementRules.regexFlags(params);
            StatementRules rules = new StatementRules(StatementRules.pattern(params, "match", flags),
                    StatementRules.pattern(params, "exclude", flags));
            return new Settings(target != null ? target : service, target != null ? "target" : "service", rules,
                    SessionRules.of(params), params.bool("sync"));
        }
    }

    private final String name;
    private final Settings settings;
    private final LongAdder branchesOpened = new LongAdder();
    private final LongAdder branchesFailed = new LongAdder();
    private final LongAdder copied = new LongAdder();

    TeeFilter(String name, Settings settings) {
        this.name = name;
        this.settings = settings;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        throw new IllegalStateException("the tee filter needs the session context");
    }

    @Override
    public FilterSession newSession(ClientInfo client, FilterSessionContext context) {
        return new TeeSession(this, client, context);
    }

    String name() {
        return name;
    }

    Settings settings() {
        return settings;
    }

    void opened() {
        branchesOpened.increment();
    }

    void failed() {
        branchesFailed.increment();
    }

    void copied() {
        copied.increment();
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("target", settings.target());
        d.put("sync", settings.sync());
        d.put("branches_opened", branchesOpened.sum());
        d.put("branches_failed", branchesFailed.sum());
        d.put("statements_copied", copied.sum());
        return d;
    }
}
