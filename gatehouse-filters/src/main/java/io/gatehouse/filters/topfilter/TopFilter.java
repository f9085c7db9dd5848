package io.gatehouse.filters.topfilter;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.SessionRules;
import io.gatehouse.filters.common.StatementRules;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One topfilter section: its settings, shared read-only by the sessions of every worker. Thread-safe (immutable
 * apart from an atomic count of reports written).
 */
final class TopFilter implements Filter {
    private final String filebase;
    private final int count;
    private final StatementRules statements;
    private final SessionRules sessions;
    private final AtomicLong reports = new AtomicLong();

    TopFilter(String filebase, int count, StatementRules statements, SessionRules sessions) {
        this.filebase = filebase;
        this.count = count;
        this.statements = statements;
        this.sessions = sessions;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        return new TopSession(this, client, sessions.covers(client), System.currentTimeMillis(), System.nanoTime());
    }

    String filebase() {
        return filebase;
    }

    int count() {
        return count;
    }

    StatementRules statements() {
        return statements;
    }

    void reported() {
        reports.incrementAndGet();
    }

    @Override
    public Map<String, Object> diagnostics() {
        return Map.of("count", count, "filebase", filebase, "reports", reports.get());
    }
}
