package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.sql.Classification;
import java.util.List;
import java.util.function.Supplier;

/**
 * How readwritesplit obeys routing hints, in MaxScale's order: {@code route to master} always; {@code route to
 * server}, {@code route to last} and {@code route to slave} only for statements a replica may run, outside
 * transactions, so that a hint never breaks consistency. Stateless; called on the session's worker thread.
 */
final class HintRouting {
    private HintRouting() {
    }

    /**
     * The connection the hints name, or null to route by the rules. {@code free} is true outside transactions with
     * autocommit on.
     */
    static Endpoint target(List<RouteHint> hints, Classification c, boolean free, Endpoint primary,
                           List<Endpoint> replicas, Endpoint lastRead, Supplier<Endpoint> anyReplica) {
        if (hints.isEmpty()) {
            return null;
        }
        for (RouteHint h : hints) {
            if (h.type() == RouteHint.Type.MASTER) {
                return primary;
            }
        }
        if (!c.isReadOnlySafe() || !free) {
            return null;
        }
        for (RouteHint h : hints) {
            Endpoint e = switch (h.type()) {
                case SERVER -> byName(h.server(), primary, replicas);
                case LAST -> lastRead != null && lastRead.isReady() ? lastRead : null;
                case SLAVE -> anyReplica.get();
                default -> null;            // MAX_SLAVE_LAG only narrows the replica choice
            };
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    private static Endpoint byName(String name, Endpoint primary, List<Endpoint> replicas) {
        if (primary != null && primary.server().name().equals(name)) {
            return primary;
        }
        for (Endpoint r : replicas) {
            if (r.isReady() && r.server().name().equals(name)) {
                return r;
            }
        }
        return null;
    }
}
