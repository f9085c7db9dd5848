package io.gatehouse.routers.readconnroute;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import java.util.Map;
import java.util.Set;

/**
 * The readconnroute router instance of one service: picks, for each new session, the server whose role matches
 * {@code router_options} with the fewest current connections, preferring {@code rank=primary} servers and falling
 * back to the primary when a replica-only service has no replica. Shared by all workers; thread-safe and lock-free
 * (it only reads published server snapshots); never sees buffers.
 */
final class ReadConnRoute implements Router {
    private final RouterContext context;

    ReadConnRoute(RouterContext context) {
        this.context = context;
    }

    @Override
    public ServerView selectBackend(ClientInfo client) {
        Params p = context.params();
        Set<String> roles = p.mask("router_options");
        boolean masterAcceptReads = p.bool("master_accept_reads");
        long maxLag = p.duration("max_replication_lag").toMillis();
        ServerView master = null;
        for (ServerView s : context.targets()) {
            if (ServerStatus.acceptsNewSessions(s.status()) && ServerStatus.has(s.status(), ServerStatus.MASTER)) {
                master = s;
                break;
            }
        }
        ServerView best = null;
        for (ServerView s : context.targets()) {
            int st = s.status();
            if (!ServerStatus.acceptsNewSessions(st) || !matches(roles, st, s == master)) {
                continue;
            }
            boolean isMaster = ServerStatus.has(st, ServerStatus.MASTER);
            if (isMaster && !roles.contains("master") && !masterAcceptReads) {
                continue;
            }
            if (!isMaster && maxLag > 0 && ServerStatus.has(st, ServerStatus.SLAVE)) {
                long lag = s.state().replicationLagMillis();
                if (lag < 0 || lag >= maxLag) {
                    continue;
                }
            }
            if (best == null || better(s, best)) {
                best = s;
            }
        }
        // MaxScale's documented fallback: a replica-only service uses the primary when no replica is available.
        if (best == null && roles.contains("slave") && master != null && masterAcceptReads) {
            best = master;
        }
        return best;
    }

    /**
     * A session stays on its server while the server still qualifies as when it was chosen: running, not in
     * maintenance, and in a role of {@code router_options} (the primary only while it is the Master; a replica only
     * while a Slave, or the primary a replica-only service fell back to while it stays the Master). Draining does not
     * end sessions: that is what draining is for. Lag does not either: it only steers new sessions.
     */
    @Override
    public boolean keepsSessionOn(ServerView server) {
        int st = server.status();
        if (!ServerStatus.has(st, ServerStatus.RUNNING) || ServerStatus.has(st, ServerStatus.MAINTENANCE)) {
            return false;
        }
        Set<String> roles = context.params().mask("router_options");
        boolean isMaster = ServerStatus.has(st, ServerStatus.MASTER);
        if (matches(roles, st, isMaster)) {
            return true;
        }
        // A replica-only service's sessions on the primary (MaxScale's fallback) stay while it is the primary.
        return roles.contains("slave") && isMaster;
    }

    private static boolean matches(Set<String> roles, int status, boolean isTheMaster) {
        if (roles.contains("running")) {
            return true;
        }
        if (roles.contains("master") && isTheMaster) {
            return true;
        }
        if (roles.contains("slave") && ServerStatus.has(status, ServerStatus.SLAVE)) {
            return true;
        }
        return roles.contains("synced") && ServerStatus.has(status, ServerStatus.SYNCED);
    }

    /** Primary rank first, then the fewest connections; ties keep configuration order. */
    private static boolean better(ServerView a, ServerView b) {
        if (a.primaryRank() != b.primaryRank()) {
            return a.primaryRank();
        }
        return a.currentConnections() < b.currentConnections();
    }

    @Override
    public Map<String, Object> diagnostics() {
        // readconnroute never sees statements; the core counts them for the service.
        return Map.of("queries", context.queries());
    }
}
