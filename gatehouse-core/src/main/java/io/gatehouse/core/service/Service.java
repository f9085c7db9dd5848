package io.gatehouse.core.service;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.users.UserAccountStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service at runtime: its router instance, its target servers, its user accounts and its session counters.
 * Shared by all workers; thread-safe through immutable fields, volatile references and atomics. Holds no buffers.
 */
public final class Service {
    /** What clients are told when no backend has reported a version yet. */
    static final String FALLBACK_VERSION = "5.5.5-10.11.0-Gatehouse";

    private final String name;
    private final String routerName;
    private volatile Params params;
    private volatile List<Server> targets;
    /** What the router routes to: the servers, or the servers and services {@code targets} names. */
    private volatile List<io.gatehouse.api.server.ServerView> routingTargets;
    private volatile Router router;
    private volatile List<io.gatehouse.api.filter.Filter> filters = List.of();
    private volatile List<io.gatehouse.api.filter.Filter> implied = List.of();
    private final UserAccountStore users;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicLong totalSessions = new AtomicLong();
    /** Bumped by every worker for every statement: an adder, so that workers do not contend for one cache line. */
    private final java.util.concurrent.atomic.LongAdder queries = new java.util.concurrent.atomic.LongAdder();
    private final SharingCounters sharing = new SharingCounters();

    public Service(String name, String routerName, Params params, List<Server> targets, UserAccountStore users) {
        this.name = name;
        this.routerName = routerName;
        this.params = params;
        this.targets = List.copyOf(targets);
        this.routingTargets = List.copyOf(targets);
        this.users = users;
    }

    public String name() {
        return name;
    }

    public String routerName() {
        return routerName;
    }

    public Params params() {
        return params;
    }

    /** The servers the service reaches, through the services it names too (for accounts, versions, monitors). */
    public List<Server> targets() {
        return targets;
    }

    /** What its router routes to, in configuration order: servers, and {@link ServiceTarget}s for services. */
    public List<io.gatehouse.api.server.ServerView> routingTargets() {
        return routingTargets;
    }

    /** New parameters from a runtime change; sessions already open keep the router they started with. */
    public void params(Params p) {
        this.params = p;
    }

    /** New targets from a runtime change (servers linked or unlinked); takes effect for new sessions. */
    public void targets(List<Server> servers) {
        this.targets = List.copyOf(servers);
        this.routingTargets = List.copyOf(servers);
    }

    /** What the router routes to when {@code targets} names services; set after {@link #targets(List)}. */
    public void routingTargets(List<io.gatehouse.api.server.ServerView> views) {
        this.routingTargets = List.copyOf(views);
    }

    public Router router() {
        return router;
    }

    public void router(Router r) {
        this.router = r;
    }

    /** The filter chain, in order: the service's own filters, then those its router implies. */
    public List<io.gatehouse.api.filter.Filter> filters() {
        if (implied.isEmpty()) {
            return filters;
        }
        List<io.gatehouse.api.filter.Filter> all = new java.util.ArrayList<>(filters);
        all.addAll(implied);
        return all;
    }

    /** The filters the current router implies ({@link ImpliedFilters}); set whenever the router is made. */
    public void impliedFilters(List<io.gatehouse.api.filter.Filter> chain) {
        this.implied = List.copyOf(chain);
    }

    public void filters(List<io.gatehouse.api.filter.Filter> chain) {
        this.filters = List.copyOf(chain);
    }

    public UserAccountStore users() {
        return users;
    }

    public String user() {
        return params.string("user");
    }

    public String password() {
        return params.string("password");
    }

    public boolean enableRootUser() {
        return params.bool("enable_root_user");
    }

    public boolean localhostMatchWildcardHost() {
        return params.bool("localhost_match_wildcard_host");
    }

    public boolean logAuthWarnings() {
        return params.bool("log_auth_warnings");
    }

    /** Tries to take a session slot; false when {@code max_connections} is reached. */
    public boolean tryOpenSession() {
        long max = params.integer("max_connections");
        int now = sessions.incrementAndGet();
        if (max > 0 && now > max) {
            sessions.decrementAndGet();
            return false;
        }
        totalSessions.incrementAndGet();
        return true;
    }

    public void sessionClosed() {
        sessions.decrementAndGet();
    }

    public int currentSessions() {
        return sessions.get();
    }

    public long totalSessions() {
        return totalSessions.get();
    }

    public void countQuery() {
        queries.increment();
    }

    public long queries() {
        return queries.sum();
    }

    /** The connection-sharing figures of the service's sessions (idle_session_pool_time). */
    public SharingCounters sharing() {
        return sharing;
    }

    /**
     * The version announced to clients: {@code version_string} when set, otherwise the lowest version among the
     * targets a monitor has reached, as MaxScale does.
     */
    public String versionString() {
        String configured = params.string("version_string");
        if (configured != null && !configured.isBlank()) {
            return configured.startsWith("10.") || configured.startsWith("11.") ? "5.5.5-" + configured : configured;
        }
        String lowest = null;
        long lowestNum = Long.MAX_VALUE;
        for (Server s : targets) {
            String v = s.state().versionString();
            if (v.isEmpty()) {
                continue;
            }
            long num = versionNumber(v);
            if (num < lowestNum) {
                lowestNum = num;
                lowest = v;
            }
        }
        return lowest != null ? lowest : FALLBACK_VERSION;
    }

    /** The capabilities all reachable targets offer, or 0 when none has been reached yet. */
    public long backendCapabilities() {
        long caps = -1L;
        boolean any = false;
        for (Server s : targets) {
            if (s.state().versionString().isEmpty() || !ServerStatus.has(s.status(), ServerStatus.RUNNING)) {
                continue;
            }
            caps &= s.state().capabilities();
            any = true;
        }
        return any ? caps : 0;
    }

    /** The default collation of the first reachable target, or utf8mb4_general_ci. */
    public int backendCharset() {
        for (Server s : targets) {
            if (s.state().charset() != 0) {
                return s.state().charset();
            }
        }
        return 45;
    }

    static long versionNumber(String v) {
        String s = v.startsWith("5.5.5-") ? v.substring(6) : v;
        long[] parts = new long[3];
        int idx = 0;
        long cur = 0;
        for (int i = 0; i < s.length() && idx < 3; i++) {
            char c = s.charAt(i);
            if (Character.isDigit(c)) {
                cur = cur * 10 + (c - '0');
            } else {
                parts[idx++] = cur;
                cur = 0;
                if (c != '.') {
                    break;
                }
            }
        }
        if (idx < 3) {
            parts[Math.min(idx, 2)] = cur;
        }
        return parts[0] * 1_000_000 + parts[1] * 1_000 + parts[2];
    }
}
