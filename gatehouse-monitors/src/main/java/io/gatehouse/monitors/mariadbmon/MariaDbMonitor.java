package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.protocol.InitialHandshake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mariadbmon monitor (observing part): every {@code monitor_interval} it probes each server on its own named
 * thread, works out the replication topology and the primary, and publishes each server's status, lag and GTID
 * positions as one immutable {@link ServerState}. State changes are logged as events. A tick never throws: a failed
 * probe marks that server Down. No buffers.
 */
final class MariaDbMonitor implements Monitor {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbMonitor.class);

    private final MonitorContext context;
    private final List<ServerProbe> probes = new ArrayList<>();
    private final ScheduledExecutorService thread;
    private ScheduledFuture<?> task;
    private volatile boolean running;
    private ServerProbe primary;
    private volatile long ticks;
    private volatile String primaryName = "";

    MariaDbMonitor(MonitorContext context) {
        this.context = context;
        for (MonitoredServer s : context.servers()) {
            probes.add(new ServerProbe(s));
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-monitor-" + context.name());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        long interval = context.params().duration("monitor_interval").toMillis();
        // Jitter the first tick so several monitors (or several Gatehouses) do not probe in lock-step.
        long first = ThreadLocalRandom.current().nextLong(Math.max(1, interval / 10));
        task = thread.scheduleWithFixedDelay(this::safeTick, first, interval, TimeUnit.MILLISECONDS);
        LOG.info("Monitor {} started for {}", context.name(), context.servers().stream().map(MonitoredServer::name).toList());
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        task.cancel(false);
        try {
            thread.submit(() -> probes.forEach(ServerProbe::close)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Monitor {} did not stop cleanly: {}", context.name(), e.toString());
        }
        thread.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void tickNow() throws InterruptedException {
        try {
            thread.submit(this::safeTick).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("primary", primaryName.isEmpty() ? null : primaryName);
        d.put("ticks", ticks);
        return d;
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            // A monitor that dies leaves stale states behind; log and carry on with the next tick.
            LOG.error("Monitor {}: tick failed: {}", context.name(), e.toString(), e);
        }
    }

    private void tick() {
        Params p = context.params();
        String user = p.string("user");
        String password = p.string("password");
        Duration ct = p.duration("backend_connect_timeout");
        Duration rt = p.duration("backend_read_timeout");
        Duration wt = p.duration("backend_write_timeout");
        int attempts = (int) p.integer("backend_connect_attempts");
        for (ServerProbe probe : probes) {
            probe.probe(user, password, ct, rt, wt, attempts);
        }
        ServerProbe previous = primary;
        primary = Topology.choosePrimary(probes, primary != null && primary.reachable ? primary : null);
        primaryName = primary == null ? "" : primary.server.name();
        for (ServerProbe probe : probes) {
            publish(probe, previous);
        }
        ticks++;
    }

    private void publish(ServerProbe probe, ServerProbe previousPrimary) {
        MonitoredServer s = probe.server;
        ServerState old = s.state();
        int status = 0;
        long lag = -1;
        long masterId = -1;
        if (probe.reachable) {
            status = ServerStatus.RUNNING;
            if (probe == primary) {
                status |= ServerStatus.MASTER;
                lag = 0;
            } else {
                ServerProbe.SlaveConnection c = replicationTo(probe, previousPrimary, 0);
                if (c != null) {
                    status |= ServerStatus.SLAVE;
                    lag = c.secondsBehind();
                    ServerProbe src = Topology.sourceOf(c, probes);
                    masterId = src == null ? c.masterServerId() : src.serverId;
                }
            }
        } else if (probe.authError) {
            status = ServerStatus.RUNNING | ServerStatus.AUTH_ERROR;
        }
        InitialHandshake g = probe.greeting();
        ServerState next = new ServerState(status, lag, probe.reachable ? probe.serverId : old.serverId(), masterId,
                probe.readOnly, probe.gtidCurrentPos, probe.gtidBinlogPos,
                g != null ? g.serverVersion() : old.versionString(), g != null ? g.capabilities() : old.capabilities(),
                g != null ? g.charset() : old.charset(), probe.lastError);
        s.publish(next);
        int before = old.status() & ServerStatus.MONITOR_BITS;
        if (before != status || ticks == 0) {
            String event = Events.name(before, status, ticks == 0);
            String line = "Server changed state: " + s.name() + "[" + where(s) + "]: " + event + ". ["
                    + ServerStatus.describe(before) + "] -> [" + ServerStatus.describe(status) + "]";
            if (ServerStatus.has(status, ServerStatus.RUNNING)) {
                LOG.info("{}", line);
            } else {
                LOG.warn("{}{}", line, probe.lastError.isEmpty() ? "" : " (" + probe.lastError + ")");
            }
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

    private static String where(MonitoredServer s) {
        return s.socket() != null ? s.socket() : s.address() + ":" + s.port();
    }
}
