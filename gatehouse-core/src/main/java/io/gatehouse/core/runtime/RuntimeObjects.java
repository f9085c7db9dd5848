package io.gatehouse.core.runtime;

import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.monitor.MonitorModule;
import io.gatehouse.api.router.RouterModule;
import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.GatehouseConfig;
import io.gatehouse.core.config.GatehouseConfig.ObjectConfig;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.ImpliedFilters;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.service.ServiceTarget;
import io.gatehouse.core.users.UserAccountStore;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Makes, remakes and removes the live objects of a {@link Runtime} from an already validated configuration: the
 * second half of a runtime change, after {@link RuntimeChanges} has checked the whole configuration. Used on the
 * admin thread only (callers hold the {@link RuntimeChanges} lock); workers see new objects through the volatile
 * fields of {@link Service}. Holds no buffers.
 */
final class RuntimeObjects {
    private final Runtime rt;

    RuntimeObjects(Runtime rt) {
        this.rt = rt;
    }

    void addServer(ObjectConfig c) {
        rt.servers().put(c.name(), new Server(c.name(), c.params(), Runtime.localAddress(rt.config().global())));
        rt.publishTargets();
    }

    /**
     * Makes a filter instance. When one exists already it is returned, not closed: the caller closes it once the
     * services' chains hold the new one (sessions already using it keep it until they end).
     */
    Filter addFilter(ObjectConfig c) {
        FilterModule fm = rt.modules().find(ModuleKind.FILTER, c.module(), FilterModule.class);
        return rt.filters().put(c.name(), fm.create(c.name(), c.params(),
                Runtime.monitorDirectory(rt.config().global(), c.name())));
    }

    /** Creates (or recreates with new parameters and servers) a monitor; it runs unless an operator stopped it. */
    void putMonitor(ObjectConfig c) throws InterruptedException {
        Monitor old = rt.monitors().get(c.name());
        boolean run = old == null || old.isRunning();
        if (old != null) {
            old.stop();
        }
        List<MonitoredServer> watched = new ArrayList<>();
        for (String t : c.targets()) {
            Server s = rt.servers().get(t);
            s.setMonitored(true);
            String monitorName = c.name();
            s.onSuspect(() -> {
                Monitor current = rt.monitors().get(monitorName);
                if (current != null) {
                    current.serverSuspect(s.name());
                }
            });
            watched.add(s);
        }
        MonitorContext ctx = new Runtime.SimpleMonitorContext(c.name(), c.params(), List.copyOf(watched),
                Runtime.monitorDirectory(rt.config().global(), c.name()), rt::passive);
        Monitor m = rt.modules().find(ModuleKind.MONITOR, c.module(), MonitorModule.class).create(ctx);
        rt.monitorContexts().put(c.name(), ctx);
        rt.monitorModules().put(c.name(), c.module());
        rt.monitors().put(c.name(), m);
        unmonitorOrphans();
        if (run) {
            m.start();
            m.tickNow();
        }
    }

    void addService(ObjectConfig c) {
        LiveTargets live = new LiveTargets();
        UserAccountStore users = new UserAccountStore(c.name(), c.params(), live, rt.global());
        Service svc = new Service(c.name(), c.module(), c.params(), servers(c.targets()), users);
        ServiceTarget.link(svc, rt.servers(), rt.branchTargets()::service);
        live.service = svc;
        svc.router(rt.modules().find(ModuleKind.ROUTER, c.module(), RouterModule.class)
                .create(new ServiceRouterContext(svc, rt::classifierCacheBytes)));
        svc.impliedFilters(ImpliedFilters.of(c.name(), svc.router(), rt.modules()));
        svc.filters(filters(c));
        rt.services().put(c.name(), svc);
        rt.publishTargets();
        rt.serviceStartedAt().put(c.name(), System.currentTimeMillis());
        users.start();
    }

    /**
     * Gives a service new parameters, targets and filters. A new router instance is made because routers read
     * their parameters and targets when created; sessions already open keep the router they started with.
     */
    void updateService(ObjectConfig c) {
        Service svc = rt.services().get(c.name());
        List<String> before = svc.targets().stream().map(Server::name).toList();
        svc.params(c.params());
        svc.targets(servers(c.targets()));
        ServiceTarget.link(svc, rt.servers(), rt.branchTargets()::service);
        svc.filters(filters(c));
        svc.router(rt.modules().find(ModuleKind.ROUTER, c.module(), RouterModule.class)
                .create(new ServiceRouterContext(svc, rt::classifierCacheBytes)));
        svc.impliedFilters(ImpliedFilters.of(c.name(), svc.router(), rt.modules()));
        boolean credentials = svc.users().credentials(c.params().string("user"), c.params().string("password"));
        if (credentials || !before.equals(c.targets())) {
            svc.users().refresh(true);
        }
    }

    /**
     * Gives every service whose chain names {@code filter} its chain again, with the filter's current instance;
     * the chain is read when a session starts, so only new sessions see it.
     */
    void refreshFilterChains(GatehouseConfig cfg, String filter) {
        for (ObjectConfig c : cfg.services()) {
            Service svc = rt.services().get(c.name());
            if (svc != null && ConfigLoader.filterNames(c.params()).contains(filter)) {
                svc.filters(filters(c));
            }
        }
    }

    /** Brings every service whose resolved targets changed (a monitor's servers, say) up to date. */
    void syncServices(GatehouseConfig cfg) {
        for (ObjectConfig c : cfg.services()) {
            Service svc = rt.services().get(c.name());
            if (svc != null && !svc.targets().stream().map(Server::name).toList().equals(c.targets())) {
                updateService(c);
            }
        }
    }

    /** Creates a listener; it accepts clients at once unless its service is stopped. */
    void addListener(ObjectConfig c) throws Exception {
        Service svc = rt.services().get(c.targets().get(0));
        Listener l = new Listener(c.name(), c.params(), svc, rt.protocol(c.module()),
                Runtime.monitorDirectory(rt.config().global(), c.name()));
        if (rt.isServiceStarted(svc.name())) {
            l.start(rt.proxy());
        }
        rt.listeners().put(c.name(), l);
    }

    /** Rebinds a listener with new parameters; when the new binding fails the old one is restored. */
    void replaceListener(ObjectConfig c, ObjectConfig previous) throws Exception {
        Listener old = rt.listeners().remove(c.name());
        if (old != null) {
            old.stop();
        }
        try {
            addListener(c);
        } catch (Exception e) {
            if (previous != null) {
                addListener(previous);
            }
            throw e;
        }
    }

    void remove(String type, String name) {
        switch (type) {
            case "server" -> rt.servers().remove(name);
            case "filter" -> {
                Filter f = rt.filters().remove(name);
                if (f != null) {
                    f.close();
                }
            }
            case "listener" -> {
                Listener l = rt.listeners().remove(name);
                if (l != null) {
                    l.stop();
                }
            }
            case "service" -> {
                Service s = rt.services().remove(name);
                rt.serviceStartedAt().remove(name);
                if (s != null) {
                    s.users().close();
                }
            }
            case "monitor" -> {
                Monitor m = rt.monitors().remove(name);
                rt.monitorContexts().remove(name);
                rt.monitorModules().remove(name);
                if (m != null) {
                    m.stop();
                }
                unmonitorOrphans();
            }
            default -> throw new IllegalArgumentException("unknown object type " + type);
        }
        rt.publishTargets();
    }

    /** Servers no monitor watches any more stop being marked monitored (so maintenance is theirs to set). */
    private void unmonitorOrphans() {
        for (Server s : rt.servers().values()) {
            boolean watched = rt.monitorContexts().values().stream()
                    .anyMatch(ctx -> ctx.servers().stream().anyMatch(w -> w.name().equals(s.name())));
            if (!watched) {
                s.setMonitored(false);
                s.onSuspect(null);
            }
        }
    }

    private List<Server> servers(List<String> names) {
        return names.stream().map(rt.servers()::get).filter(Objects::nonNull).toList();
    }

    private List<Filter> filters(ObjectConfig c) {
        return ConfigLoader.filterNames(c.params()).stream().map(rt.filters()::get).toList();
    }

    /**
     * The targets a service's user-account loader reads from, always those the service has now, so that servers
     * linked at runtime are used for loading users.
     */
    private static final class LiveTargets extends AbstractList<Server> {
        private volatile Service service;

        private List<Server> now() {
            Service s = service;
            return s == null ? List.of() : s.targets();
        }

        @Override
        public Server get(int i) {
            return now().get(i);
        }

        @Override
        public int size() {
            return now().size();
        }

        @Override
        public Object[] toArray() {
            return now().toArray();
        }
    }
}
