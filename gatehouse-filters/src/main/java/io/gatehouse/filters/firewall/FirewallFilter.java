package io.gatehouse.filters.firewall;

import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.router.ClientInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One firewall section: its name and the store of its rules file, whose mode it sets when it is made (the newest
 * instance's mode and bound on learned digests are the ones every session follows). Thread-safe: sessions on any worker share the store; the admin
 * thread reads and edits the {@code rules} and {@code learned} documents. Holds no buffers.
 */
final class FirewallFilter implements Filter {
    static final String RULES = "rules";
    static final String LEARNED = "learned";

    private final String name;
    private final FirewallStore store;
    private boolean closed;

    FirewallFilter(String name, FirewallStore store, FirewallMode mode, long maxLearned) {
        this.name = name;
        this.store = store;
        store.mode(mode);
        store.maxLearned(name, maxLearned);
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        return new FirewallSession(name, store, new FirewallStore.Principal(client.user(), client.remote()));
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mode", store.mode().text());
        d.put("rules_file", store.file().toString());
        d.put("rules", store.ruleCount());
        d.put("learned_digests", store.learnedCount());
        d.put("max_learned_digests", store.maxLearned());
        d.put("digests_not_learned", store.notLearned.sum());
        d.put("allowed_statements", store.allowed.sum());
        d.put("refused_statements", store.refused.sum());
        d.put("digests_learned_since_start", store.learnedNow.sum());
        return d;
    }

    @Override
    public Set<String> documents() {
        return Set.of(RULES, LEARNED);
    }

    @Override
    public Object readDocument(String document) {
        return switch (document) {
            case RULES -> store.rulesJson();
            case LEARNED -> store.learnedJson();
            default -> Filter.super.readDocument(document);
        };
    }

    @Override
    public Object writeDocument(String document, Object body, boolean replace) {
        switch (document) {
            case RULES -> store.writeRules(body, replace);
            case LEARNED -> store.writeLearned(body, replace);
            default -> Filter.super.writeDocument(document, body, replace);
        }
        return readDocument(document);
    }

    @Override
    public Object removeFromDocument(String document, Map<String, String> selection) {
        switch (document) {
            case RULES -> store.removeRules(selection);
            case LEARNED -> store.removeLearned(selection);
            default -> Filter.super.removeFromDocument(document, selection);
        }
        return readDocument(document);
    }

    /** Gives up this instance's hold on the store; the last holder writes the file. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            store.release();
        }
    }
}
