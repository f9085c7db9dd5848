package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.monitors.common.ServerEvents;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.monitors.common.MonitorThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mariadbmon monitor: on its own named thread it probes each server every {@code monitor_interval}, works out the
 * replication topology and the primary, publishes each server's status, lag and GTID positions as one immutable
 * {@link ServerState}, and then acts on the cluster as configured (automatic failover, rejoin, read_only
 * enforcement). The operations of module commands ({@link MonitorCommands}: switchover, failover, rejoin,
 * reset-replication, release-locks, waited for or queued) run on the same thread, so passes and commands never
 * interleave. While the primary is failing, passes come faster so that {@code failcount} is reached in a fraction of
 * {@code monitor_interval} × {@code failcount}. A pass never throws. No buffers.
 */
final class MariaDbMonitor implements Monitor {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbMonitor.class);
    private static final long MIN_FAST_INTERVAL_MILLIS = 50;

    private final MonitorContext context;
    private final List<ServerProbe> probes = new ArrayList<>();
    private final CooperativeLocks locks;
    private final ClusterOperations ops;
    private final LowDiskSwitchover lowDisk;
    private final MonitorThread thread;
    private final Journal journal;
    private final WriteTest writeTest;
    private final MonitorCommands manualCommands;
    /** replication_heartbeat: lag in milliseconds, measured each pass when the parameter is on. */
    private final Heartbeat heartbeat;
    private ServerProbe primary;
    /** The last server seen as primary; kept while it is down, since failover starts from it. */
    private ServerProbe masterOfRecord;
    private volatile long ticks;
    /** Each server's replication connections as of the last pass (MaxScale's server_info), for the admin thread. */
    private volatile List<Map<String, Object>> serverInfo = List.of();
    private volatile String primaryName = "";
    private volatile String lastOperation = "";
    private volatile String failoverRefusal = "";
    private final Map<String, String> rejoinRefusals = new java.util.concurrent.ConcurrentHashMap<>();

    MariaDbMonitor(MonitorContext context) {
        this.context = context;
        this.locks = new CooperativeLocks(context);
        for (MonitoredServer s : context.servers()) {
            probes.add(new ServerProbe(s));
        }
        this.ops = new ClusterOperations(probes);
        this.lowDisk = new LowDiskSwitchover(context.name(), ops);
        this.journal = new Journal(context.dataDirectory());
        this.writeTest = new WriteTest(context.name());
        this.heartbeat = new Heartbeat(context.name());
        this.thread = new MonitorThread(context.name(), this::tick, this::nextDelayMillis);
        java.util.Set<String> names = new java.util.HashSet<>();
        context.servers().forEach(srv -> names.add(srv.name()));
        this.manualCommands = new MonitorCommands(context.name(), thread, names, this::operate);
    }

    @Override
    public synchronized void start() {
        if (thread.isRunning()) {
            return;
        }
        Journal.Entry e = journal.read(context.params().duration("journal_max_age"));
        if (e != null) {
            for (ServerProbe p : probes) {
                if (p.server.name().equals(e.primary()) && p.server.port() == e.port()
                        && String.valueOf(p.server.address()).equals(e.address())) {
                    masterOfRecord = p;
                    p.gtidBinlogPos = e.gtidBinlogPos();
                    p.enabledEvents = e.events();
                    LOG.info("Monitor {}: journal says the primary was {}", context.name(), p.server.name());
                }
            }
        }
        thread.start(context.params().duration("monitor_interval").toMillis());
        LOG.info("Monitor {} started for {}", context.name(), context.servers().stream().map(MonitoredServer::name).toList());
    }

    /** The normal interval, or a fast one while the primary is failing and failover may follow. */
    private long nextDelayMillis() {
        Params p = context.params();
        long interval = p.duration("monitor_interval").toMillis();
        ServerProbe m = masterOfRecord;
        if (m != null && !m.reachable && m.consecutiveFailures <= p.integer("failcount")) {
            return Math.min(interval, Math.max(MIN_FAST_INTERVAL_MILLIS, interval / 5));
        }
        return interval;
    }

    /** A broken proxy connection: one extra pass at once (at most one per 100 ms), then the fast rate applies. */
    @Override
    public void serverSuspect(String server) {
        thread.suspect();
    }

    @Override
    public synchronized void stop() {
        thread.stop(() -> probes.forEach(ServerProbe::close));
    }

    @Override
    public boolean isRunning() {
        return thread.isRunning();
    }

    @Override
    public void tickNow() throws InterruptedException {
        thread.call(() -> {
            thread.pass();
            return null;
        });
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("primary", primaryName.isEmpty() ? null : primaryName);
        d.put("ticks", ticks);
        d.put("server_info", serverInfo);
        d.put("cooperative_primary", locks.primary());
        d.put("last_operation", lastOperation.isEmpty() ? null : lastOperation);
        d.put("failover_refused", failoverRefusal.isEmpty() ? null : failoverRefusal);
        d.put("rejoin_refused", Map.copyOf(rejoinRefusals));
        d.put("journal", journal.file().toString());
        d.put("write_tests", writeTest.performed());
        d.put("write_test_failures", writeTest.failures());
        // Gatehouse extension: each server's lag in milliseconds (heartbeat-measured with replication_heartbeat).
        Map<String, Object> lagMs = new LinkedHashMap<>();
        for (ServerProbe p : probes) {
            lagMs.put(p.server.name(), p.server.state().replicationLagMillis());
        }
        d.put("replication_lag_ms", lagMs);
        return d;
    }

    @Override
    public List<String> commands() {
        return MonitorCommands.NAMES;
    }

    /** See {@link MonitorCommands}: the operation runs on the monitor thread, fetch-cmd-result and cancel-cmd do not. */
    @Override
    public Object call(String command, List<String> args) throws InterruptedException {
        return manualCommands.call(command, args);
    }

    /**
     * Runs one manual operation on the monitor thread, then a monitoring pass so the result is published at once;
     * says what was done, or throws IllegalStateException with the reason it was refused or failed.
     */
    private String operate(String op, List<String> a) throws InterruptedException {
        // MaxScale runs manual cluster operations only in active mode. Checked here, on the monitor thread, so a
        // command queued before passive was switched on is refused too. Releasing locks changes no server's role.
        if (context.passive() && !op.equals("release-locks")) {
            throw new IllegalStateException(op + " refused: this instance is passive (global passive=true); only an"
                    + " active instance changes the cluster");
        }
        ClusterSettings s = ClusterSettings.from(context.params());
        String result;
        try {
            result = switch (op) {
                case "failover", "failover-safe" -> "new primary: "
                        + ops.failover(masterOfRecord, false, op.equals("failover-safe"), s).server.name();
                case "rejoin" -> {
                    ServerProbe p = ops.find(a.get(0));
                    ops.rejoin(p, primary, s);
                    yield p.server.name() + " replicates from " + primary.server.name();
                }
                case "reset-replication" -> {
                    ServerProbe neu = a.isEmpty() ? primary : ops.find(a.get(0));
                    List<String> problems = ResetReplication.run(probes, neu, masterOfRecord, s);
                    masterOfRecord = neu;
                    yield "new primary: " + neu.server.name() + (problems.isEmpty() ? "" : "; problems: " + problems);
                }
                case "release-locks" -> locks.release(probes);
                default -> "new primary: " + ops.switchover(a.isEmpty() ? null : a.get(0),
                        a.size() < 2 ? null : a.get(1), primary, op.endsWith("-force"), s).server.name();
            };
        } catch (ClusterOperations.Refused e) {
            throw new IllegalStateException(e.getMessage());
        } finally {
            thread.pass();
        }
        lastOperation = op + ": " + result;
        return result;
    }

    private void tick() {
        ClusterSettings s = ClusterSettings.from(context.params());
        observe(s);
        // The lock majority is settled at every pass, acting or not: the other monitors follow the primary one's
        // choice (primary_monitor_master) through the lock it holds on that server.
        boolean leads = locks.majority(probes, primary);
        // A passive instance watches and routes; the active one changes the cluster.
        boolean acts = s.acts() || LowDiskSwitchover.enabled(context.params());
        if (acts && leads && !context.passive() && act(s)) {
            observe(s);
        }
        if (leads && !context.passive() && writeTest.failsOver(primary, context.params(), s) && failOverUnwritable(s)) {
            observe(s);
        }
        ServerProbe m = masterOfRecord;
        if (m != null) {
            journal.write(new Journal.Entry(m.server.name(), String.valueOf(m.server.address()), m.server.port(),
                    m.gtidBinlogPos, m.enabledEvents, System.currentTimeMillis()), Duration.ofMinutes(1));
        }
    }

    /**
     * The primary failed the write test and write_test_fail_action=failover: it goes into maintenance (routers stop
     * using it, and it is never chosen again until an operator clears it) and a replica takes over.
     */
    private boolean failOverUnwritable(ClusterSettings s) {
        ServerProbe old = primary;
        old.server.enterMaintenance();
        try {
            ServerProbe neu = ops.failoverFromUnwritable(old, s);
            // The old primary still runs: without this the next pass would keep it as the primary it was.
            primary = neu;
            masterOfRecord = neu;
            lastOperation = "failover: new primary: " + neu.server.name() + " (" + old.server.name()
                    + " failed the write test)";
            return true;
        } catch (ClusterOperations.Refused | IllegalStateException e) {
            LOG.error("Monitor {}: {}", context.name(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void observe(ClusterSettings settings) {
        Params p = context.params();
        Duration ct = p.duration("backend_connect_timeout");
        Duration rt = p.duration("backend_read_timeout");
        Duration wt = p.duration("backend_write_timeout");
        int attempts = (int) p.integer("backend_connect_attempts");
        for (ServerProbe probe : probes) {
            probe.probe(settings.user(), settings.password(), ct, rt, wt, attempts);
            probe.checkDisk(p.string("disk_space_threshold"), p.duration("disk_space_check_interval"));
        }
        ServerProbe sticky = primary != null && primary.reachable ? primary
                : masterOfRecord != null && masterOfRecord.reachable ? masterOfRecord : null;
        ServerProbe previous = primary != null ? primary : masterOfRecord;
        primary = Topology.choosePrimary(probes, sticky);
        if (primary != null) {
            masterOfRecord = primary;
            if (settings.handleEvents()) {
                primary.readEnabledEvents();
            }
        }
        primaryName = primary == null ? "" : primary.server.name();
        conditions = new RoleConditions(p);
        primaryIsMaster = primary != null && conditions.masterOk(primary, probes, locks.secondary());
        heartbeat.beat(p.bool("replication_heartbeat") ? primary : null, probes);
        List<ScriptHook.Event> events = new ArrayList<>();
        for (ServerProbe probe : probes) {
            publish(probe, previous, events);
        }
        serverInfo = ReplicationInfo.of(probes);
        ticks++;
        String script = p.string("script");
        if (script != null && !script.isBlank() && !context.passive()) {
            for (ScriptHook.Event e : events) {
                ScriptHook.run(script, p.mask("events"), p.duration("script_timeout").toMillis(), e,
                        context.servers(), settings.user(), settings.password());
            }
        }
    }

    /** master_conditions and slave_conditions as of this pass, and whether the primary met the former. */
    private RoleConditions conditions;
    private boolean primaryIsMaster;

    /** Automatic actions after a pass; true when the cluster was changed and must be observed again. */
    private boolean act(ClusterSettings s) {
        ServerProbe m = masterOfRecord;
        if (s.autoFailover() != ClusterSettings.AutoFailover.OFF && primary == null && m != null && !m.reachable
                && m.consecutiveFailures >= s.failcount()
                && !ServerStatus.has(m.server.status(), ServerStatus.MAINTENANCE)) {
            boolean safe = s.autoFailover() == ClusterSettings.AutoFailover.SAFE;
            String why = ops.failoverRefusal(m, true, safe, s);
            if (why != null) {
                if (!why.equals(failoverRefusal)) {
                    LOG.error("Monitor {}: automatic failover not done: {}", context.name(), why);
                }
                failoverRefusal = why;
                return false;
            }
            failoverRefusal = "";
            try {
                ServerProbe neu = ops.failover(m, true, safe, s);
                masterOfRecord = neu;
                lastOperation = "failover: new primary: " + neu.server.name();
                return true;
            } catch (ClusterOperations.Refused | IllegalStateException e) {
                failoverRefusal = e.getMessage();
                LOG.error("Monitor {}: {}", context.name(), e.getMessage());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (LowDiskSwitchover.enabled(context.params())) {
            try {
                ServerProbe neu = lowDisk.act(primary, s);
                if (neu != null) {
                    masterOfRecord = neu;
                    lastOperation = "switchover: new primary: " + neu.server.name() + " (low disk space)";
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        boolean changed = false;
        if (s.autoRejoin() && primary != null && primary.reachable) {
            for (ServerProbe p : probes) {
                if (needsRejoin(p, s)) {
                    changed |= autoRejoin(p, s);
                }
            }
        }
        if (changed) {
            return true;
        }
        return enforceReadOnly(s);
    }

    /**
     * A running server, not the primary nor in maintenance, that replicates from nothing or from a server outside
     * the primary's tree (any server other than the primary, with enforce_simple_topology).
     */
    private boolean needsRejoin(ServerProbe p, ClusterSettings s) {
        if (p == primary || !p.reachable || ServerStatus.has(p.server.status(), ServerStatus.MAINTENANCE)) {
            rejoinRefusals.remove(p.server.name());
            return false;
        }
        if (p.slaves.isEmpty()) {
            return true;
        }
        for (ServerProbe.SlaveConnection c : p.slaves) {
            ServerProbe src = Topology.sourceOf(c, probes);
            if (src == primary) {
                return s.enforceSimpleTopology() && p.slaves.size() > 1;
            }
            if (src != null && !s.enforceSimpleTopology() && src.reachable
                    && ServerStatus.has(src.server.status(), ServerStatus.SLAVE)) {
                return false;
            }
        }
        return true;
    }

    private boolean autoRejoin(ServerProbe p, ClusterSettings s) {
        String name = p.server.name();
        String why = ops.rejoinRefusal(p, primary);
        if (why != null) {
            if (!why.equals(rejoinRefusals.put(name, why))) {
                LOG.error("Monitor {}: {} is not rejoined: {}", context.name(), name, why);
            }
            return false;
        }
        rejoinRefusals.remove(name);
        try {
            ops.rejoin(p, primary, s);
            lastOperation = "rejoin: " + name + " replicates from " + primary.server.name();
            return true;
        } catch (ClusterOperations.Refused | IllegalStateException e) {
            rejoinRefusals.put(name, e.getMessage());
            LOG.error("Monitor {}: {}", context.name(), e.getMessage());
            return false;
        }
    }

    private boolean enforceReadOnly(ClusterSettings s) {
        boolean changed = false;
        for (ServerProbe p : probes) {
            int st = p.server.status();
            String sql = null;
            boolean notPrimary = p != primary && !p.readOnly;
            // enforce_read_only_servers covers standalone servers too, but only once there is a primary to protect.
            if (notPrimary && (s.enforceReadOnlySlaves() && ServerStatus.has(st, ServerStatus.SLAVE)
                    || s.enforceReadOnlyServers() && primary != null && p.reachable)) {
                sql = "SET GLOBAL read_only = ON";
            } else if (s.enforceWritableMaster() && p == primary && p.reachable && p.readOnly) {
                sql = "SET GLOBAL read_only = OFF";
            }
            if (sql != null && !ServerStatus.has(st, ServerStatus.MAINTENANCE)) {
                try {
                    p.execute(sql);
                    LOG.info("Monitor {}: {} on {}", context.name(), sql, p.server.name());
                    changed = true;
                } catch (Exception e) {
                    LOG.warn("Monitor {}: '{}' on {} failed: {}", context.name(), sql, p.server.name(), e.toString());
                }
            }
        }
        return changed;
    }

    private void publish(ServerProbe probe, ServerProbe previousPrimary, List<ScriptHook.Event> events) {
        MonitoredServer s = probe.server;
        ServerState old = s.state();
        int status = 0;
        long lag = -1;
        long masterId = -1;
        ServerProbe parent = null;
        if (probe.reachable) {
            status = ServerStatus.RUNNING;
            if (probe == primary) {
                if (primaryIsMaster) {
                    status |= ServerStatus.MASTER;
                } else if (conditions.failedPrimaryMayRead(probe, locks.secondary())) {
                    status |= ServerStatus.SLAVE;
                }
                lag = 0;
            } else {
                ServerProbe.SlaveConnection c = replicationTo(probe, previousPrimary, 0);
                if (c != null && conditions.slaveOk(probe, primary, primaryIsMaster, probes, locks.secondary())) {
                    status |= ServerStatus.SLAVE;
                    lag = c.secondsBehind();
                    parent = Topology.sourceOf(c, probes);
                    masterId = parent == null ? c.masterServerId() : parent.serverId;
                }
            }
        } else if (probe.authError) {
            status = ServerStatus.RUNNING | ServerStatus.AUTH_ERROR;
        }
        if (probe.diskExhausted) {
            status |= ServerStatus.DISK_SPACE_EXHAUSTED;
            // A full replica leaves the pool of readable servers until an operator clears it, as MaxScale does;
            // the primary and relays keep serving, the cluster would stop otherwise.
            if (probe.reachable && probe != primary && Topology.directReplicas(probe, probes).isEmpty()
                    && MariaDbMonitorModule.maintenanceOnLowDisk(context.params())
                    && !ServerStatus.has(s.status(), ServerStatus.MAINTENANCE)) {
                LOG.warn("Monitor {}: {} is out of disk space; setting it into maintenance"
                        + " (maintenance_on_low_disk_space)", context.name(), s.name());
                s.enterMaintenance();
            }
        }
        InitialHandshake g = probe.greeting();
        ServerState next = new ServerState(status, lag, probe.reachable ? probe.serverId : old.serverId(), masterId,
                probe.readOnly, probe.gtidCurrentPos, probe.gtidBinlogPos,
                g != null ? g.serverVersion() : old.versionString(), g != null ? g.capabilities() : old.capabilities(),
                g != null ? g.charset() : old.charset(), probe.lastError)
                .withUptime(probe.reachable ? probe.uptime : old.uptime()).withEvent(old.lastEvent(), old.triggeredAt());
        int before = old.status() & ServerStatus.MONITOR_BITS;
        String event = before != status || ticks == 0 ? Events.name(before, status, ticks == 0) : null;
        if (event != null && ServerEvents.recorded(event)) {
            next = next.withEvent(event, System.currentTimeMillis());
        }
        s.publish(ServerStatus.has(status, ServerStatus.SLAVE) ? next.withLagMillis(heartbeat.lagMillis(probe))
                : next);
        if (event != null) {
            String line = "Server changed state: " + s.name() + "[" + ScriptHook.where(s) + "]: " + event + ". ["
                    + ServerStatus.describe(before) + "] -> [" + ServerStatus.describe(status) + "]";
            if (ServerStatus.has(status, ServerStatus.RUNNING)) {
                LOG.info("{}", line);
            } else {
                LOG.warn("{}{}", line, probe.lastError.isEmpty() ? "" : " (" + probe.lastError + ")");
            }
            List<String> children = new ArrayList<>();
            for (ServerProbe r : Topology.directReplicas(probe, probes)) {
                children.add(ScriptHook.where(r.server));
            }
            events.add(new ScriptHook.Event(event, s, parent == null ? null : ScriptHook.where(parent.server), children));
        }
        lagEvent(probe, lag, parent, events);
    }

    /**
     * script_max_replication_lag: rlag_above when a replica's lag passes the limit, rlag_below when it is back under
     * it (or the server stopped being a measurable replica).
     */
    private void lagEvent(ServerProbe probe, long lag, ServerProbe parent, List<ScriptHook.Event> events) {
        long limit = MariaDbMonitorModule.scriptMaxLag(context.params());
        boolean above = limit >= 0 && probe != primary && lag > limit;
        if (above != probe.lagAbove) {
            probe.lagAbove = above;
            LOG.info("Monitor {}: replication lag of {} is {} s, {} script_max_replication_lag ({} s)", context.name(),
                    probe.server.name(), lag, above ? "above" : "back within", limit);
            events.add(new ScriptHook.Event(above ? "rlag_above" : "rlag_below", probe.server,
                    parent == null ? null : ScriptHook.where(parent.server), List.of()));
        }
    }

    /**
     * The replication connection that makes {@code probe} a replica: to the primary, or to a replica of it (relay),
     * or, while the primary is down, to the last known primary when the SQL thread still runs, so reads can go on.
     */
    private ServerProbe.SlaveConnection replicationTo(ServerProbe probe, ServerProbe lastPrimary, int depth) {
        if (depth > probes.size()) {
            return null;
        }
        for (ServerProbe.SlaveConnection c : probe.slaves) {
            ServerProbe src = Topology.sourceOf(c, probes);
            if (src == null || !c.sqlRunning()) {
                continue;
            }
            boolean linkUp = c.ioRunning() || !src.reachable;
            if (!linkUp) {
                continue;
            }
            if (src == primary || (primary == null && src == lastPrimary)
                    || (src.reachable && replicationTo(src, lastPrimary, depth + 1) != null)) {
                return c;
            }
        }
        return null;
    }
}
