package io.gatehouse.filters.namedserverfilter;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.filters.common.SessionRules;
import io.gatehouse.filters.common.StatementText;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One namedserverfilter section: its rules, the sessions it applies to, and counters shared by its sessions.
 * Thread-safe (immutable rules, {@link LongAdder} counters); holds no buffers. Its sessions, confined to their
 * worker thread, read each COM_QUERY without keeping it.
 */
final class NamedServerFilter implements Filter {
    private final RouteRules rules;
    private final SessionRules clients;
    private final String user;
    private final LongAdder diverted = new LongAdder();
    private final LongAdder undiverted = new LongAdder();

    NamedServerFilter(RouteRules rules, SessionRules clients, String user) {
        this.rules = rules;
        this.clients = clients;
        this.user = user;
    }

    @Override
    public FilterSession newSession(ClientInfo client) {
        if (!clients.covers(client)) {
            return c -> List.of();
        }
        return new FilterSession() {
            @Override
            public List<RouteHint> routeQuery(Command c) {
                ByteBuf packet = c.packet();
                int command = c.command();
                return hintsFor(command, command == io.gatehouse.protocol.Commands.COM_QUERY
                        ? StatementText.of(packet, command) : null);
            }
        };
    }

    /** The hints for one command: those of the first matching rule for a COM_QUERY's {@code sql}, else none. */
    List<RouteHint> hintsFor(int command, String sql) {
        if (command != io.gatehouse.protocol.Commands.COM_QUERY || sql == null) {
            return List.of();
        }
        List<RouteHint> hints = rules.hintsFor(sql);
        (hints.isEmpty() ? undiverted : diverted).increment();
        return hints;
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queries_diverted", diverted.sum());
        d.put("queries_undiverted", undiverted.sum());
        List<Map<String, Object>> mappings = new ArrayList<>();
        for (RouteRules.Rule r : rules.rules()) {
            mappings.add(Map.of("match", r.match(), "targets", r.targets()));
        }
        d.put("mappings", mappings);
        if (!clients.sources().isEmpty()) {
            d.put("sources", clients.sources());
        }
        if (user != null) {
            d.put("user", user);
        }
        return d;
    }
}
