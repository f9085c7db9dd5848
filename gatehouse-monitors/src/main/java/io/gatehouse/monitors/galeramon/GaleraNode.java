package io.gatehouse.monitors.galeramon;

import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.QueryResult;
import io.gatehouse.protocol.client.ServerErrorException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The monitor's view of one Galera node: a kept-open monitoring connection and the wsrep variables and status the
 * last pass read through it. Used only on the monitor's thread; no buffers.
 */
final class GaleraNode {
    final MonitoredServer server;
    private BlockingClient connection;
    /** disk_space_threshold of this node, checked every disk_space_check_interval. */
    private final io.gatehouse.monitors.diskspace.DiskSpaceCheck disk = new io.gatehouse.monitors.diskspace.DiskSpaceCheck();

    /** True when a disk of the node is used beyond its limit; the node's own threshold wins over the monitor's. */
    boolean diskExhausted(String thresholds, java.time.Duration interval) {
        String own = server.diskSpaceThreshold();
        return disk.exhausted(observed != null && observed.reachable() ? connection : null, server.name(),
                own != null ? own : thresholds, interval);
    }
    private InitialHandshake greeting;
    /** What the last pass read; a down observation when the node did not answer. */
    GaleraRoles.Observation observed;
    String lastError = "";
    long serverId = -1;
    boolean readOnly;
    String gtidCurrentPos = "";
    String gtidBinlogPos = "";
    String nodeName = "";
    /** The node's status variable Uptime in seconds, read with its wsrep status; -1 until read. */
    long uptime = -1;
    String sstDonor = "";

    GaleraNode(MonitoredServer server) {
        this.server = server;
        this.observed = GaleraRoles.Observation.down(server.name(), false, server.priority());
    }

    InitialHandshake greeting() {
        return greeting;
    }

    /** Connects if needed and reads the node's wsrep state; records a failure instead of throwing. */
    void probe(String user, String password, Duration connectTimeout, Duration readTimeout, Duration writeTimeout,
               int attempts) {
        try {
            if (connection == null) {
                connection = connect(user, password, connectTimeout, readTimeout, writeTimeout, attempts);
                greeting = connection.greeting();
            }
            QueryResult status = connection.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state',"
                    + " 'wsrep_local_index', 'wsrep_cluster_state_uuid', 'wsrep_cluster_status', 'wsrep_ready',"
                    + " 'wsrep_cluster_size', 'Uptime')");
            java.util.Map<String, String> st = new java.util.HashMap<>();
            for (java.util.List<String> row : status.rows()) {
                st.put(row.get(0).toLowerCase(Locale.ROOT), row.get(1));
            }
            QueryResult vars = connection.query("SELECT @@server_id, @@read_only, @@gtid_current_pos,"
                    + " @@gtid_binlog_pos, @@wsrep_on, @@wsrep_desync, @@wsrep_reject_queries,"
                    + " @@wsrep_sst_donor_rejects_queries, @@wsrep_node_name, @@wsrep_sst_donor");
            java.util.List<String> v = vars.rows().get(0);
            serverId = parseLong(v.get(0));
            readOnly = "1".equals(v.get(1));
            gtidCurrentPos = nz(v.get(2));
            gtidBinlogPos = nz(v.get(3));
            nodeName = nz(v.get(8));
            uptime = parseLong(st.get("uptime"));
            sstDonor = nz(v.get(9));
            boolean wsrepOn = "1".equals(v.get(4));
            String reject = nz(v.get(6)).toUpperCase(Locale.ROOT);
            observed = new GaleraRoles.Observation(server.name(), true, false, wsrepOn,
                    (int) parseLong(st.get("wsrep_local_state")), (int) parseLong(st.get("wsrep_local_index")),
                    nz(st.get("wsrep_cluster_state_uuid")), "Primary".equalsIgnoreCase(st.get("wsrep_cluster_status")),
                    "ON".equalsIgnoreCase(st.get("wsrep_ready")), "1".equals(v.get(5)),
                    reject.startsWith("ALL"), "1".equals(v.get(7)), server.priority(),
                    (int) parseLong(st.get("wsrep_cluster_size")));
            lastError = "";
        } catch (ServerErrorException e) {
            fail(e.code() == 1045 || e.code() == 1044, e.getMessage());
        } catch (Exception e) {
            fail(false, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private BlockingClient connect(String user, String password, Duration ct, Duration rt, Duration wt, int attempts)
            throws Exception {
        ClientOptions opts = (server.socket() != null
                ? ClientOptions.unixSocket(Path.of(server.socket()), user, password)
                : ClientOptions.tcp(server.address(), server.port(), user, password).withLocalAddress(server.localAddress()))
                .withConnectTimeout(ct).withReadTimeout(rt).withWriteTimeout(wt);
        if (server.socket() == null && server.tlsContext() != null) {
            opts = opts.withTls(server.tlsContext());
        }
        Exception last = null;
        for (int i = 0; i < Math.max(1, attempts); i++) {
            try {
                return ClientOptions.connectPreferring(opts, server.extraPort());
            } catch (ServerErrorException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
        }
        throw last;
    }

    /** Runs a statement through the monitoring connection (set_donor_nodes); throws on any failure. */
    void execute(String sql) throws Exception {
        if (connection == null) {
            throw new IllegalStateException(server.name() + " is not connected");
        }
        connection.execute(sql);
    }

    private void fail(boolean auth, String why) {
        close();
        lastError = why;
        observed = GaleraRoles.Observation.down(server.name(), auth, server.priority());
    }

    void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
