package io.gatehouse.routers.schemarouter;

import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.Endpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connections of one schemarouter session, one per server in configuration order, and the ways of picking
 * among the live ones. Confined to the session's worker thread; holds no buffers.
 */
final class ShardConnections {
    private final Map<String, Endpoint> byServer = new LinkedHashMap<>();

    void add(Endpoint e) {
        byServer.put(e.server().name(), e);
    }

    void remove(Endpoint e) {
        byServer.values().remove(e);
    }

    /** The live connection to {@code server}, or null. */
    Endpoint ready(String server) {
        Endpoint e = byServer.get(server);
        return e != null && e.isReady() ? e : null;
    }

    /** The live connections, in configuration order. */
    List<Endpoint> ready() {
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint e : byServer.values()) {
            if (e.isReady()) {
                out.add(e);
            }
        }
        return out;
    }

    /** The live connections to {@code servers}, in that order. */
    List<Endpoint> ready(Collection<String> servers) {
        List<Endpoint> out = new ArrayList<>();
        for (String s : servers) {
            Endpoint e = ready(s);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** The live connection to the server a routing hint names (compared case-insensitively), or null. */
    Endpoint hinted(List<RouteHint> hints) {
        for (RouteHint h : hints) {
            if (h.type() == RouteHint.Type.SERVER) {
                for (Endpoint e : byServer.values()) {
                    if (e.isReady() && e.server().name().equalsIgnoreCase(h.server())) {
                        return e;
                    }
                }
            }
        }
        return null;
    }

    List<String> names() {
        return new ArrayList<>(byServer.keySet());
    }
}
