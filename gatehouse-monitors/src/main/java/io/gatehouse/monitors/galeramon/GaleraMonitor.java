package io.gatehouse.monitors.galeramon;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.api.server.ServerState;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.monitors.common.ServerEvents;
import io.gatehouse.monitors.common.MonitorThread;
import io.gatehouse.protocol.InitialHandshake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The galeramon monitor: on its own named thread it probes each Galera node every {@code monitor_interval}, works
 * out with {@link GaleraRoles} which nodes are Synced members, which one is the Master and which are Slaves, and
 * publishes each node's status as one immutable {@link ServerState}; with {@code set_donor_nodes} it then sets
 * {@code wsrep_sst_donor} on the nodes. A pass never throws. No buffers.
 */
final class GaleraMonitor implements Monitor {
    private static final Logger LOG = LoggerFactory.getLogger(GaleraMonitor.class);

    private final MonitorContext context;
    private final List<GaleraNode> nodes = new ArrayList<>();
    private final MonitorThread thread;
    private volatile long ticks;
    private volatile String masterName = "";
    private volatile String clusterUuid = "";

    /** The Master across restarts, for disable_master_failback. */
    private final GaleraJournal journal;

    GaleraMonitor(MonitorContext context) {
        this.context = context;
        this.journal = new GaleraJournal(context.dataDirectory());
        this.masterName = journal.readMaster(context.params().duration("journal_max_age"));
        for (MonitoredServer s : context.servers()) {
            nodes.add(new GaleraNode(s));
        }
        this.thread = new MonitorThread(context.name(), this::tick,
                () -> context.params().duration("monitor_interval").toMillis());
    }

    @Override
    public synchronized void start() {
        if (thread.isRunning()) {
            return;
        }
        thread.start(context.params().duration("monitor_interval").toMillis());
        LOG.info("Monitor {} started for {}", context.name(),
                context.servers().stream().map(MonitoredServer::name).toList());
    }

    /** A broken proxy connection: one extra pass at once (at most one per 100 ms). */
    @Override
    public void serverSuspect(String server) {
        thread.suspect();
    }

    @Override
    public synchronized void stop() {
        thread.stop(() -> nodes.forEach(GaleraNode::close));
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
        d.put("master", masterName.isEmpty() ? null : masterName);
        d.put("cluster_uuid", clusterUuid.isEmpty() ? null : clusterUuid);
        d.put("ticks", ticks);
        Map<String, Object> perNode = new LinkedHashMap<>();
        for (GaleraNode n : nodes) {
            GaleraRoles.Observation o = n.observed;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node_name", n.nodeName);
            m.put("local_index", o.localIndex());
            m.put("local_state", o.localState());
            m.put("cluster_size", o.clusterSize());
            m.put("cluster_uuid", o.clusterUuid());
            perNode.put(n.server.name(), m);
        }
        d.put("server_info", perNode);
        return d;
    }

    private void tick() {
        Params p = context.params();
        Duration ct = p.duration("backend_connect_timeout");
        Duration rt = p.duration("backend_read_timeout");
        Duration wt = p.duration("backend_write_timeout");
        int attempts = (int) p.integer("backend_connect_attempts");
        List<GaleraRoles.Observation> seen = new ArrayList<>();
        for (GaleraNode n : nodes) {
            n.probe(p.string("user"), p.string("password"), ct, rt, wt, attempts);
            seen.add(n.observed);
        }
        GaleraRoles.Settings s = new GaleraRoles.Settings(p.bool("disable_master_failback"),
                p.bool("available_when_donor"), p.bool("disable_master_role_setting"), p.bool("use_priority"),
                p.bool("root_node_as_master"));
        Map<String, Integer> status = GaleraRoles.assign(seen, s, masterName.isEmpty() ? null : masterName);
        String master = "";
        for (GaleraNode n : nodes) {
            int bits = status.get(n.server.name());
            if (ServerStatus.has(bits, ServerStatus.MASTER)) {
                master = n.server.name();
            }
            if (n.diskExhausted(p.string("disk_space_threshold"), p.duration("disk_space_check_interval"))) {
                bits |= ServerStatus.DISK_SPACE_EXHAUSTED;
            }
            publish(n, bits);
        }
        if (!master.equals(masterName)) {
            LOG.info("Monitor {}: the Master is now {}", context.name(), master.isEmpty() ? "none" : master);
        }
        masterName = master;
        if (!master.isEmpty()) {
            journal.writeMaster(master);         // a pass without a Master keeps the last one for the next start
        }
        clusterUuid = GaleraRoles.majorityCluster(seen, s);
        ticks++;
        if (p.bool("set_donor_nodes")) {
            setDonorNodes(seen, status, s);
        }
    }

    /** Sets wsrep_sst_donor on each Synced node to the preferred donor list, where it differs. */
    private void setDonorNodes(List<GaleraRoles.Observation> seen, Map<String, Integer> status,
                               GaleraRoles.Settings s) {
        Map<String, String> names = new HashMap<>();
        for (GaleraNode n : nodes) {
            names.put(n.server.name(), n.nodeName);
        }
        List<String> donors = GaleraRoles.donorOrder(seen, status, s, names);
        if (donors.isEmpty()) {
            return;
        }
        String value = String.join(",", donors);
        for (GaleraNode n : nodes) {
            if (!ServerStatus.has(status.get(n.server.name()), ServerStatus.SYNCED) || value.equals(n.sstDonor)) {
                continue;
            }
            try {
                n.execute("SET GLOBAL wsrep_sst_donor = '" + value.replace("\\", "\\\\").replace("'", "''") + "'");
                n.sstDonor = value;
                LOG.info("Monitor {}: wsrep_sst_donor = '{}' on {}", context.name(), value, n.server.name());
            } catch (Exception e) {
                LOG.warn("Monitor {}: cannot set wsrep_sst_donor on {}: {}", context.name(), n.server.name(),
                        e.toString());
            }
        }
    }

    private void publish(GaleraNode n, int status) {
        MonitoredServer s = n.server;
        ServerState old = s.state();
        boolean up = n.observed.reachable();
        InitialHandshake g = n.greeting();
        ServerState next = new ServerState(status, ServerStatus.has(status, ServerStatus.SYNCED) ? 0 : -1,
                up ? n.serverId : old.serverId(), -1, n.readOnly, n.gtidCurrentPos, n.gtidBinlogPos,
                g != null ? g.serverVersion() : old.versionString(), g != null ? g.capabilities() : old.capabilities(),
                g != null ? g.charset() : old.charset(), n.lastError)
                .withUptime(up ? n.uptime : old.uptime()).withEvent(old.lastEvent(), old.triggeredAt());
        int before = old.status() & ServerStatus.MONITOR_BITS;
        String event = before != status || ticks == 0 ? ServerEvents.name(before, status, ticks == 0) : null;
        if (event != null && ServerEvents.recorded(event)) {
            next = next.withEvent(event, System.currentTimeMillis());
        }
        s.publish(next);
        if (event != null) {
            String line = "Server changed state: " + s.name() + "[" + s.address() + ":" + s.port() + "]: " + event
                    + ". [" + ServerStatus.describe(before) + "] -> [" + ServerStatus.describe(status) + "]";
            if (up) {
                LOG.info("{}", line);
            } else {
                LOG.warn("{}{}", line, n.lastError.isEmpty() ? "" : " (" + n.lastError + ")");
            }
        }
    }
}
