package io.gatehouse.filters.firewall;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.sql.Classification;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * The firewall's half of one session: checks each COM_QUERY and COM_STMT_PREPARE against the store (a prepared
 * statement's executions run what its prepare was allowed to) and answers a refused one with an ERR naming the
 * digest, in the router's place. Confined to the session's worker thread; it only reads the commands it is shown and
 * the ERR packets it returns belong to the core.
 */
final class FirewallSession implements FilterSession {
    /** ProxySQL's firewall answers with this code: ER_NOT_ALLOWED_COMMAND, SQLSTATE 42000. */
    static final int REFUSED_CODE = 1148;
    static final String REFUSED_STATE = "42000";
    /** How much of the canonical form the error message quotes. */
    private static final int QUOTED = 200;

    private final String filter;
    private final FirewallStore store;
    private final FirewallStore.Principal principal;

    FirewallSession(String filter, FirewallStore store, FirewallStore.Principal principal) {
        this.filter = filter;
        this.store = store;
        this.principal = principal;
    }

    @Override
    public ByteBuf answer(Command command, ByteBufAllocator alloc) {
        FirewallMode mode = store.mode();
        if (mode == FirewallMode.OFF || !command.carriesSql()) {
            return null;
        }
        Classification c = command.classification();
        if (c == null) {
            return null;
        }
        long digest = c.digest();
        if (mode == FirewallMode.LEARNING) {
            store.learn(principal, digest, c);
            store.allowed.increment();
            return null;
        }
        FirewallStore.Verdict v = store.verdict(principal, c, digest);
        if (v == FirewallStore.Verdict.ALLOWED_BY_RULE || v == FirewallStore.Verdict.LEARNED) {
            store.allowed.increment();
            return null;
        }
        store.refused.increment();
        return ErrPacket.write(alloc, 1, REFUSED_CODE, REFUSED_STATE, message(c, digest, v));
    }

    private String message(Classification c, long digest, FirewallStore.Verdict v) {
        String canonical = c.canonical();
        if (canonical.length() > QUOTED) {
            canonical = canonical.substring(0, QUOTED) + "...";
        }
        String why = v == FirewallStore.Verdict.DENIED_BY_RULE ? "a deny rule matches it"
                : "no rule or learned digest allows it";
        return "Firewall " + filter + " refused statement digest " + Digests.format(digest) + " for '"
                + principal.user() + "'@'" + principal.host() + "' (" + why + "): " + canonical;
    }

    @Override
    public List<RouteHint> routeQuery(Command command) {
        return List.of();
    }
}
