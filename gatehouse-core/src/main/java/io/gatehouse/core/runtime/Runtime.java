package io.gatehouse.core.runtime;

import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.monitor.MonitorModule;
import io.gatehouse.api.router.RouterModule;
import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.core.config.GatehouseConfig;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.module.ModuleRegistry;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.ProxyContext;
import io.gatehouse.core.session.SessionRegistry;
import io.gatehouse.core.session.backend.BackendKiller;
import io.gatehouse.core.session.backend.BackendPool;
import io.gatehouse.core.users.UserAccountStore;
import io.gatehouse.core.stats.StatementStats;
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
 * in dependency order and stopped in reverse. Started and stopped from the main thread; after start its object maps
 * change only on the admin thread ({@link RuntimeChanges} creates and destroys objects there) and are read there;
 * workers never read them. Holds no buffers.
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
    private final Map<String, io.gatehouse.api.filter.Filter> filters = new LinkedHashMap<>();
    private final SessionRegistry sessions = new SessionRegistry();
    private final BackendKiller killer = new BackendKiller();
    private final io.gatehouse.core.session.BranchTargets branchTargets = new io.gatehouse.core.session.BranchTargets();
    private final Map<String, MonitorContext> monitorContexts = new LinkedHashMap<>();
    private final Map<String, Long> serviceStartedAt = new LinkedHashMap<>();
    private final Map<String, java.nio.file.Path> persistedFiles = new java.util.concurrent.ConcurrentHashMap<>();
    private Workers workers;
    private WorkerBalancer balancer;
    /** Each worker's share of query_classifier_cache_size, in bytes; changed at runtime by {@link LiveGlobals}. */
    private volatile long classifierCacheBytes;
    /** The global parameters as they are now, runtime changes included ({@link #global()}). */
    private volatile Params global;
    /** Told of each runtime change of the global parameters (the daemon's logging); any thread may add. */
    private final List<java.util.function.Consumer<Params>> globalListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private ProxyContext proxy;
    private final long startedAt = System.currentTimeMillis();
    /** The global {@code passive}, as changed at runtime: read by monitors at each pass without any lock. */
    private volatile boolean passive;
    /** config_sync_cluster: the shared configuration, or null when this instance keeps its own. */
    private volatile ConfigSync configSync;

    public Runtime(GatehouseConfig config, ModuleRegistry modules) {
        this.config = config;
        this.modules = modules;
    }

    /** Builds and starts everything; on failure stops what was started and rethrows. */
    public void start() throws Exception {
        try {
            Params g = config.global();
            global = g;
            passive = g.bool("passive");
            for (var s : config.servers()) {
                servers.put(s.name(), new Server(s.name(), s.params(), localAddress(g)));
            }
            for (var m : config.monitors()) {
                MonitorModule mod = modules.find(ModuleKind.MONITOR, m.module(), MonitorModule.class);
                List<MonitoredServer> watched = new ArrayList<>();
                for (String t : m.targets()) {
                    Server s = servers.get(t);
                    s.setMonitored(true);
                    watched.add(s);
                }
                MonitorContext ctx = new SimpleMonitorContext(m.name(), m.params(), List.copyOf(watched),
                        monitorDirectory(g, m.name()), this::passive);
                Monitor monitor = mod.create(ctx);
                // Looked up at call time: the admin API may replace the monitor instance (new parameters, restart).
                String monitorName = m.name();
                for (MonitoredServer w : watched) {
                    ((Server) w).onSuspect(() -> {
                        Monitor current = monitors.get(monitorName);
                        if (current != null) {
                            current.serverSuspect(w.name());
                        }
                    });
                }
                monitors.put(m.name(), monitor);
                monitorContexts.put(m.name(), ctx);
                monitorModules.put(m.name(), m.module());
            }
            for (var fc : config.filters()) {
                io.gatehouse.api.filter.FilterModule fm = modules.find(ModuleKind.FILTER, fc.module(),
                        io.gatehouse.api.filter.FilterModule.class);
                filters.put(fc.name(), fm.create(fc.name(), fc.params(), monitorDirectory(g, fc.name())));
            }
            classifierCacheBytes = io.gatehouse.core.worker.ClassifierBudget.perWorker(
                    g.size("query_classifier_cache_size"), threads(g));
            for (var sc : config.services()) {
                List<Server> targets = sc.targets().stream().map(servers::get).toList();
                UserAccountStore users = new UserAccountStore(sc.name(), sc.params(), targets, g);
                Service svc = new Service(sc.name(), sc.module(), sc.params(), targets, users);
                io.gatehouse.core.service.ServiceTarget.link(svc, servers, branchTargets::service);
                RouterModule rm = modules.find(ModuleKind.ROUTER, sc.module(), RouterModule.class);
                svc.router(rm.create(new ServiceRouterContext(svc, this::classifierCacheBytes)));
                svc.impliedFilters(io.gatehouse.core.service.ImpliedFilters.of(sc.name(), svc.router(), modules));
                svc.filters(io.gatehouse.core.config.ConfigLoader.filterNames(sc.params()).stream()
                        .map(filters::get).toList());
                services.put(sc.name(), svc);
                serviceStartedAt.put(sc.name(), System.currentTimeMillis());
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
            workers = new Workers(threads(g), (int) g.integer("threads_max"));
            balancer = new WorkerBalancer(workers, sessions, g);
            long high = g.size("writeq_high_water");
            long low = g.size("writeq_low_water");
            proxy = new ProxyContext(sessions, workers, killer, new BackendPool(), (int) Math.min(high, Integer.MAX_VALUE),
                    (int) Math.min(low, high), new io.gatehouse.core.session.login.HostBlocker(
                            (int) g.integer("max_auth_errors_until_block"), g.duration("auth_block_time")),
                    new io.gatehouse.core.session.StatementHistory.Policy((int) Math.min(g.integer("retain_last_statements"),
                            10_000), io.gatehouse.core.session.StatementHistory.Dump.parse(g.string("dump_last_statements"))),
                    g.bool("log_warn_super_user"), branchTargets,
                    g.bool("statement_statistics") ? new StatementStats() : null);
            publishTargets();
            for (var lc : config.listeners()) {
                Listener l = new Listener(lc.name(), lc.params(), services.get(lc.targets().get(0)), protocol(lc.module()),
                        monitorDirectory(g, lc.name()));
                l.start(proxy);
                listeners.put(lc.name(), l);
            }
            if (g.has("config_sync_cluster") && !g.string("config_sync_cluster").isBlank()) {
                configSync = new ConfigSync(this, g);
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * The global {@code local_address} resolved (null when unset); connections to servers, the monitors' included,
     * are made from it.
     */
    public static java.net.InetAddress localAddress(Params global) {
        String text = global.string("local_address");
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(text.trim());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("[" + global.section() + "] local_address: '" + text
                    + "' (expected: an address of this machine)", e);
        }
    }

    public GatehouseConfig config() {
        return config;
    }

    /** The loaded protocol module a listener's configuration named (checked when it was loaded). */
    public io.gatehouse.api.protocol.ProtocolModule protocol(String name) {
        io.gatehouse.api.protocol.ProtocolModule m = modules.find(ModuleKind.PROTOCOL,
                name == null || name.isEmpty() ? io.gatehouse.core.listener.MariaDBClientProtocol.NAME : name,
                io.gatehouse.api.protocol.ProtocolModule.class);
        if (m == null) {
            throw new IllegalArgumentException("no protocol module named '" + name + "'");
        }
        return m;
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

    /** The filter instances by name; services hold them in their chains. */
    public Map<String, io.gatehouse.api.filter.Filter> filters() {
        return filters;
    }

    /** Lets sessions find the servers and services as they are now (tee branches); after every creation or removal. */
    void publishTargets() {
        branchTargets.publish(servers, services);
    }

    /** The published servers and services by name, which service targets look their service up in. */
    io.gatehouse.core.session.BranchTargets branchTargets() {
        return branchTargets;
    }

    /** What listeners started at runtime need: workers, registry, pools. */
    ProxyContext proxy() {
        return proxy;
    }

    Map<String, MonitorContext> monitorContexts() {
        return monitorContexts;
    }

    Map<String, String> monitorModules() {
        return monitorModules;
    }

    Map<String, Long> serviceStartedAt() {
        return serviceStartedAt;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /** Each worker's classifier cache size in bytes (query_classifier_cache_size divided among the workers). */
    public long classifierCacheBytes() {
        return classifierCacheBytes;
    }

    /** Sets each worker's classifier cache size after a runtime change. */
    void classifierCacheBytes(long bytes) {
        classifierCacheBytes = bytes;
    }

    /** The global parameters as they are now, runtime changes included; the file's before {@link #start}. */
    public Params global() {
        Params g = global;
        return g == null ? config.global() : g;
    }

    /**
     * Applies changed global parameters to the running proxy ({@link LiveGlobals}) and tells the listeners; on
     * the admin thread, after {@link RuntimeChanges} has validated and persisted them.
     */
    public void global(Params g) {
        Params old = global();
        global = g;
        LiveGlobals.apply(this, old, g);
        for (var l : globalListeners) {
            l.accept(g);
        }
    }

    /** Runs {@code listener} at each runtime change of the global parameters (on the admin thread). */
    public void onGlobalChange(java.util.function.Consumer<Params> listener) {
        globalListeners.add(listener);
    }

    public Workers workers() {
        return workers;
    }

    /** The thread balancer (loads, draining, rebalancing), or null when the proxy is not running. */
    public WorkerBalancer balancer() {
        return balancer;
    }

    /** {@code threads} as a number: auto is one per core, but never more than {@code threads_max}. */
    public static int threads(Params global) {
        return (int) Math.min(Workers.parseThreads(global.string("threads")), global.integer("threads_max"));
    }

    /** The statement statistics, or null when {@code statement_statistics} is off or the proxy is not running. */
    public StatementStats statementStats() {
        return proxy == null ? null : proxy.statementStats();
    }

    public long startedAtMillis() {
        return startedAt;
    }

    /** The monitor's module instance state: true while it is running (not stopped by an operator). */
    public boolean isMonitorRunning(String name) {
        Monitor m = monitors.get(name);
        return m != null && m.isRunning();
    }

    /**
     * Stops a monitor (operator request). The servers keep the state it last published. Called from the admin
     * thread.
     */
    public synchronized void stopMonitor(String name) {
        Monitor m = require(monitors, name, "monitor");
        m.stop();
    }

    /**
     * Starts a stopped monitor again. A monitor instance cannot restart once stopped (its thread is gone), so a new
     * one is created from the same module and context.
     */
    public synchronized void startMonitor(String name) throws InterruptedException {
        Monitor m = require(monitors, name, "monitor");
        if (m.isRunning()) {
            return;
        }
        MonitorModule mod = modules.find(ModuleKind.MONITOR, monitorModules.get(name), MonitorModule.class);
        Monitor fresh = mod.create(monitorContexts.get(name));
        monitors.put(name, fresh);
        fresh.start();
        fresh.tickNow();
    }

    /** The parameters a monitor runs with now (runtime changes included). */
    public Params monitorParams(String name) {
        MonitorContext c = monitorContexts.get(name);
        return c == null ? null : c.params();
    }

    /**
     * Gives a monitor new parameters: a new instance is made with them (a monitor reads its parameters when it is
     * created) and started if the old one was running. Called from the admin thread.
     */
    public synchronized void replaceMonitorParams(String name, Params params) throws InterruptedException {
        Monitor old = require(monitors, name, "monitor");
        MonitorContext ctx = monitorContexts.get(name);
        MonitorContext fresh = new SimpleMonitorContext(name, params, ctx.servers(), ctx.dataDirectory(), this::passive);
        boolean wasRunning = old.isRunning();
        old.stop();
        monitorContexts.put(name, fresh);
        MonitorModule mod = modules.find(ModuleKind.MONITOR, monitorModules.get(name), MonitorModule.class);
        Monitor m = mod.create(fresh);
        monitors.put(name, m);
        if (wasRunning) {
            m.start();
            m.tickNow();
        }
    }

    /** The names of the servers a monitor watches. */
    public List<String> monitorServers(String name) {
        MonitorContext c = monitorContexts.get(name);
        return c == null ? List.of() : c.servers().stream().map(MonitoredServer::name).toList();
    }

    /** The monitor a service takes its servers from ({@code cluster=}), or null. */
    public String serviceCluster(String service) {
        // The live service: a runtime change may have created it or moved it from a cluster to servers.
        Service s = services.get(service);
        return s == null ? null : s.params().string("cluster");
    }

    /** The listeners feeding a service. */
    public List<Listener> listenersOf(String service) {
        return listeners.values().stream().filter(l -> l.service().name().equals(service)).toList();
    }

    /** True unless an operator stopped the service. */
    public boolean isServiceStarted(String name) {
        return serviceStartedAt.get(name) != null;
    }

    /** When the service was last started, or 0 while it is stopped. */
    public long serviceStartedAtMillis(String name) {
        Long t = serviceStartedAt.get(name);
        return t == null ? 0 : t;
    }

    /**
     * Stops a service: its listeners stop accepting new clients; sessions already open continue. Called from the
     * admin thread.
     */
    public synchronized void stopService(String name) {
        require(services, name, "service");
        for (Listener l : listenersOf(name)) {
            l.stop();
        }
        serviceStartedAt.put(name, null);
    }

    /** Starts a stopped service: its listeners bind again. */
    public synchronized void startService(String name) throws Exception {
        require(services, name, "service");
        if (isServiceStarted(name)) {
            return;
        }
        for (Listener l : listenersOf(name)) {
            if (!l.isRunning()) {
                l.start(proxy);
            }
        }
        serviceStartedAt.put(name, System.currentTimeMillis());
    }

    /** Closes one listener's socket (new clients are refused, open sessions go on); its service stays started. */
    public synchronized void stopListener(String name) {
        require(listeners, name, "listener").stop();
    }

    /** Binds a stopped listener again; a running one is left as it is. */
    public synchronized void startListener(String name) throws Exception {
        Listener l = require(listeners, name, "listener");
        if (!l.isRunning()) {
            l.start(proxy);
        }
    }

    /** The persisted file an object's current definition comes from, or null when it is the static configuration. */
    public java.nio.file.Path persistedFile(String name) {
        return persistedFiles.get(name);
    }

    /** Records that an object's definition now lives in {@code file} (null: back to the static configuration). */
    public void persistedFile(String name, java.nio.file.Path file) {
        if (file == null) {
            persistedFiles.remove(name);
        } else {
            persistedFiles.put(name, file);
        }
    }

    private static <T> T require(Map<String, T> map, String name, String what) {
        T t = map.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no " + what + " named '" + name + "'");
        }
        return t;
    }

    /**
     * Reads the certificate files of every TLS listener and server again (MaxScale's {@code reload tls}): new
     * connections use them, open sessions keep their own. Admin thread. An object whose files cannot be used keeps
     * its previous certificates while the others take their new ones; the exception then names each such object.
     */
    public void reloadTls() throws Exception {
        List<String> failures = new ArrayList<>();
        Exception first = null;
        for (Listener l : listeners.values()) {
            try {
                l.reloadTls();
            } catch (Exception e) {
                failures.add("[" + l.name() + "] " + e.getMessage());
                first = first == null ? e : first;
            }
        }
        for (Server s : servers.values()) {
            if (s.tls() != null) {
                try {
                    s.tls().reload();
                } catch (Exception e) {
                    failures.add("[" + s.name() + "] " + e.getMessage());
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw new Exception(String.join("; ", failures), first);
        }
    }

    /**
     * Stops accepting, closes every session, stops monitors and workers. Sessions get no new work once listeners are
     * closed; open ones are closed, which ends their backend connections.
     */
    /** True while this instance is passive: it routes, but its monitors leave the cluster alone. */
    public boolean passive() {
        return passive;
    }

    /** Sets {@code passive} after a runtime change of the global parameter. */
    public void passive(boolean on) {
        passive = on;
    }

    /** The configuration shared with other instances ({@code config_sync_cluster}), or null. */
    public ConfigSync configSync() {
        return configSync;
    }

    /** Replaces the configuration sharing after a runtime change; returns the one it replaced (to be closed). */
    ConfigSync configSync(ConfigSync replacement) {
        ConfigSync old = configSync;
        configSync = replacement;
        return old;
    }

    @Override
    public void close() {
        ConfigSync sync = configSync;
        if (sync != null) {
            sync.close();
        }
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
        // After the sessions: a filter that holds files (qlafilter's unified log) writes them out and closes them.
        for (var f : filters.values()) {
            try {
                f.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing a filter: {}", e.toString());
            }
        }
        if (balancer != null) {
            balancer.close();
            balancer = null;
        }
        if (workers != null) {
            workers.close();
            workers = null;
        }
        killer.close();
    }

    record SimpleMonitorContext(String name, Params params, List<MonitoredServer> servers,
                                java.nio.file.Path dataDirectory, java.util.function.BooleanSupplier passiveNow)
            implements MonitorContext {
        @Override
        public boolean passive() {
            return passiveNow.getAsBoolean();
        }
    }

    /**
     * {@code <datadir>/<monitor>}: each monitor (and each filter: section names are unique) its own directory, so two
     * monitors (or two Gatehouses with their own datadir) never share a journal. Characters that could leave the directory or that file systems refuse become
     * {@code _}.
     */
    static java.nio.file.Path monitorDirectory(Params global, String monitor) {
        String safe = monitor.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (safe.isEmpty() || safe.chars().allMatch(ch -> ch == '.')) {
            safe = "_" + safe;
        }
        return java.nio.file.Path.of(global.string("datadir")).toAbsolutePath().normalize().resolve(safe);
    }
}
