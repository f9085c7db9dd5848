package io.gatehouse.core.runtime;

import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.monitor.MonitorModule;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterModule;
import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.api.server.ServerView;
import io.gatehouse.core.config.GatehouseConfig;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.module.ModuleRegistry;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.BackendKiller;
import io.gatehouse.core.session.BackendPool;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.ProxyContext;
import io.gatehouse.core.session.SessionRegistry;
import io.gatehouse.core.users.UserAccountStore;
import io.gatehouse.core.worker.Workers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy built from a {@link GatehouseConfig}: servers, monitors, services, listeners and workers, started
 * in dependency order and stopped in reverse. Started and stopped from the main thread; its object maps are
 * read-only after start and safe to read from the admin thread. Holds no buffers.
 */
public final class Runtime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Runtime.class);

    private final GatehouseConfig config;
    private final ModuleRegistry modules;
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private final Map<String, Monitor> monitors = new LinkedHashMap<>();
    private final Map<String, String> monitorModules = new LinkedHashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private final SessionRegistry sessions = new SessionRegistry();
    private final BackendKiller killer = new BackendKiller();
    private Workers workers;
    private final long startedAt = System.currentTimeMillis();

    public Runtime(GatehouseConfig config, ModuleRegistry modules) {
        this.config = config;
        this.modules = modules;
    }

    /** Builds and starts everything; on failure stops what was started and rethrows. */
    public void start() throws Exception {
        try {
            Params g = config.global();
            for (var s : config.servers()) {
                servers.put(s.name(), new Server(s.name(), s.params()));
            }
            for (var m : config.monitors()) {
                MonitorModule mod = modules.find(ModuleKind.MONITOR, m.module(), MonitorModule.class);
                List<MonitoredServer> watched = new ArrayList<>();
                for (String t : m.targets()) {
                    Server s = servers.get(t);
                    s.setMonitored(true);
                    watched.add(s);
                }
                Monitor monitor = mod.create(new SimpleMonitorContext(m.name(), m.params(), List.copyOf(watched)));
                monitors.put(m.name(), monitor);
                monitorModules.put(m.name(), m.module());
            }
            for (var sc : config.services()) {
                List<Server> targets = sc.targets().stream().map(servers::get).toList();
                UserAccountStore users = new UserAccountStore(sc.name(), sc.params(), targets, g);
                Service svc = new Service(sc.name(), sc.module(), sc.params(), targets, users);
                RouterModule rm = modules.find(ModuleKind.ROUTER, sc.module(), RouterModule.class);
                svc.router(rm.create(new ServiceRouterContext(svc)));
                services.put(sc.name(), svc);
            }
            for (Monitor m : monitors.values()) {
                m.start();
            }
            // One pass first so that sessions arriving right after start see server roles.
            for (Monitor m : monitors.values()) {
                m.tickNow();
            }
            for (Service s : services.values()) {
                s.users().start();
            }
            workers = new Workers(Workers.parseThreads(g.string("threads")));
            long high = g.size("writeq_high_water");
            long low = g.size("writeq_low_water");
            ProxyContext proxy = new ProxyContext(sessions, workers, killer, new BackendPool(), (int) Math.min(high, Integer.MAX_VALUE),
                    (int) Math.min(low, high));
            for (var lc : config.listeners()) {
                Listener l = new Listener(lc.name(), lc.params(), services.get(lc.targets().get(0)));
                l.start(proxy);
                listeners.put(lc.name(), l);
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    public GatehouseConfig config() {
        return config;
    }

    public ModuleRegistry modules() {
        return modules;
    }

    public Map<String, Server> servers() {
        return servers;
    }

    public Map<String, Monitor> monitors() {
        return monitors;
    }

    public String monitorModule(String name) {
        return monitorModules.get(name);
    }

    public Map<String, Service> services() {
        return services;
    }

    public Map<String, Listener> listeners() {
        return listeners;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public Workers workers() {
        return workers;
    }

    public long startedAtMillis() {
        return startedAt;
    }

    /**
     * Stops accepting, closes every session, stops monitors and workers. Sessions get no new work once listeners are
     * closed; open ones are closed, which ends their backend connections.
     */
    @Override
    public void close() {
        for (Listener l : listeners.values()) {
            try {
                l.stop();
            } catch (RuntimeException e) {
                LOG.warn("Stopping listener {}: {}", l.name(), e.getMessage());
            }
        }
        for (ClientSession s : sessions.all()) {
            s.closeFromAnyThread();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sessions.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Monitor m : monitors.values()) {
            m.stop();
        }
        for (Service s : services.values()) {
            s.users().close();
        }
        if (workers != null) {
            workers.close();
            workers = null;
        }
        killer.close();
    }

    private record SimpleMonitorContext(String name, Params params, List<MonitoredServer> servers)
            implements MonitorContext {
    }

    private record ServiceRouterContext(Service service) implements RouterContext {
        @Override
        public String serviceName() {
            return service.name();
        }

        @Override
        public Params params() {
            return service.params();
        }

        @Override
        public List<ServerView> targets() {
            return java.util.Collections.unmodifiableList(service.targets());
        }
    }
}
