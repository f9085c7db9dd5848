package io.gatehouse.core.service;

import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.api.server.ServerView;
import java.util.List;
import java.util.function.Function;

/**
 * A service as another service's routing target (a name in {@code targets=} that is a service section): routers see
 * it as one more server, and the core opens a child session of that service when they connect to it. Its state is
 * derived from the service's own targets each time it is read; the service is looked up by name each time too, so a
 * service recreated at runtime is the one used. Thread-safe (reads published snapshots only); holds no buffers.
 */
public final class ServiceTarget implements ServerView {
    private final String name;
    private final Function<String, Service> services;

    /** {@code services} finds a service by name as the runtime has it now (null when there is none). */
    public ServiceTarget(String name, Function<String, Service> services) {
        this.name = name;
        this.services = services;
    }

    /** The service as it is now, or null when it was destroyed. */
    public Service service() {
        return services.apply(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String address() {
        return "";
    }

    @Override
    public int port() {
        return 0;
    }

    @Override
    public String socket() {
        return null;
    }

    /** The target service's {@code rank} (MaxScale's: routers prefer primary targets over secondary ones). */
    @Override
    public boolean primaryRank() {
        Service s = service();
        return s == null || !"secondary".equals(s.params().string("rank"));
    }

    /**
     * Running while at least one of the service's targets takes new sessions, and Master while one of those is a
     * Master: a router over services sends writes to a service that can take them.
     */
    @Override
    public int status() {
        Service s = service();
        if (s == null) {
            return 0;
        }
        int bits = 0;
        for (ServerView t : s.routingTargets()) {
            int st = t.status();
            if (ServerStatus.acceptsNewSessions(st)) {
                bits |= ServerStatus.RUNNING | (st & ServerStatus.MASTER);
            }
        }
        return bits;
    }

    /**
     * The state of the first of the service's targets that takes sessions (its version and capabilities are what a
     * client of the child session meets), with this target's status; unknown when none does.
     */
    @Override
    public ServerState state() {
        Service s = service();
        int bits = status();
        if (s != null) {
            for (ServerView t : s.routingTargets()) {
                if (ServerStatus.acceptsNewSessions(t.status())) {
                    return t.state().withStatus(bits);
                }
            }
        }
        return ServerState.UNKNOWN.withStatus(bits);
    }

    @Override
    public int currentConnections() {
        Service s = service();
        return s == null ? 0 : s.currentSessions();
    }

    /**
     * Gives {@code service} the routing targets its validated {@code targets} lists, servers as themselves and
     * services as {@link ServiceTarget}s; a service configured with {@code servers} or {@code cluster} keeps its
     * servers.
     */
    public static void link(Service service, java.util.Map<String, ? extends ServerView> servers,
                            Function<String, Service> services) {
        if (!service.params().has("targets")) {
            return;
        }
        List<ServerView> views = new java.util.ArrayList<>();
        for (String t : service.params().list("targets")) {
            ServerView s = servers.get(t);
            views.add(s != null ? s : new ServiceTarget(t, services));
        }
        service.routingTargets(views);
    }

    @Override
    public String toString() {
        return "service " + name;
    }
}
