package io.gatehouse.examples.roundrobin;

import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One service's round-robin router. {@link #selectBackend} runs on the worker thread of each new session, on every
 * worker at once, so the turn is an {@link AtomicLong} and the server list is re-read each time (an operator may
 * link or unlink servers while it runs). It never sees a buffer.
 */
final class RoundRobinRouter implements Router {
    private final RouterContext context;
    private final AtomicLong turn = new AtomicLong();
    private final AtomicLong routed = new AtomicLong();

    RoundRobinRouter(RouterContext context) {
        this.context = context;
    }

    @Override
    public ServerView selectBackend(ClientInfo client) {
        boolean withPrimary = context.params().bool("include_primary");
        List<ServerView> usable = context.targets().stream().filter(s -> usable(s, withPrimary)).toList();
        if (usable.isEmpty()) {
            return null;                       // Gatehouse tells the client that no server can take the session
        }
        routed.incrementAndGet();
        return usable.get((int) Math.floorMod(turn.getAndIncrement(), (long) usable.size()));
    }

    private static boolean usable(ServerView s, boolean withPrimary) {
        int st = s.status();
        if (!ServerStatus.acceptsNewSessions(st)) {
            return false;                      // down, in maintenance or draining
        }
        boolean primary = (st & ServerStatus.MASTER) != 0;
        boolean replica = (st & ServerStatus.SLAVE) != 0;
        return replica || (primary && withPrimary);
    }

    @Override
    public Map<String, Object> diagnostics() {
        return Map.of("connections_routed", routed.get());
    }
}
