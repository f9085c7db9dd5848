package io.gatehouse.api.filter;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The per-session half of a filter: sees each client command before the router does. Confined to the session's
 * worker thread. It only reads the packet (it does not own it and must not release or keep it).
 */
public interface FilterSession {
    /** Looks at one whole client command; returns the routing hints it attaches (empty for none). */
    List<RouteHint> routeQuery(ByteBuf packet, int command);
}
