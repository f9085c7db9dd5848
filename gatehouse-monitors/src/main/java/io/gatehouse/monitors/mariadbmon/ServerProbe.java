package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.QueryResult;
import io.gatehouse.protocol.client.ServerErrorException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitor's view of one server: a kept-open monitoring connection and what the last pass read through it
 * (variables, replication connections). Used only on the monitor's thread; no buffers.
 */
final class ServerProbe {
    /** One row of SHOW ALL SLAVES STATUS, the parts topology needs. */
    record SlaveConnection(String name, String masterHost, int masterPort, long masterServerId, boolean ioRunning,
                           boolean ioConnecting, boolean sqlRunning, long secondsBehind, String gtidIoPos,
                           long heartbeats, String lastSqlError, String usingGtid, String lastIoError) {
    }

    final MonitoredServer server;
    private BlockingClient connection;
    private InitialHandshake greeting;
    boolean reachable;
    /** Whether its replication lag was last seen above script_max_replication_lag (rlag_above sent). */
    boolean lagAbove;
    boolean authError;
    String lastError = "";
    long serverId = -1;
    boolean readOnly;
    String gtidCurrentPos = "";
    String gtidBinlogPos = "";
    String gtidBinlogState = "";
    /** The server's status variable Uptime in seconds, read with the variables in the same query; -1 until read. */
    long uptime = -1;
    boolean logSlaveUpdates;
    List<SlaveConnection> slaves = List.of();
    int consecutiveFailures;
    /** Events enabled on this server ({@code schema.name}, quoted), read while it is the primary. */
    List<ScheduledEvent> enabledEvents = List.of();
    /** When a replication connection last showed progress (new GTIDs or heartbeats), by connection name. */
    private final java.util.Map<String, Long> ioProgressAt = new java.util.HashMap<>();
    private final java.util.Map<String, String> ioProgressMark = new java.util.HashMap<>();

    ServerProbe(MonitoredServer server) {
        this.server = server;
    }

    InitialHandshake greeting() {
        return greeting;
    }

    /** disk_space_threshold of this server, checked every disk_space_check_interval. */
    private final io.gatehouse.monitors.diskspace.DiskSpaceCheck disk = new io.gatehouse.monitors.diskspace.DiskSpaceCheck();
    /** True while a disk of the server is used beyond its limit (as last seen). */
    boolean diskExhausted;

    /** Checks the disks when the interval has passed; {@code thresholds} is the monitor's, the server's own wins. */
    void checkDisk(String thresholds, Duration interval) {
        String own = server.diskSpaceThreshold();
        diskExhausted = disk.exhausted(reachable ? connection : null, server.name(), own != null ? own : thresholds,
                interval);
    }

    /** True while this monitor holds the cooperative-monitoring lock on the server (it lives with the connection). */
    boolean holdsLock;

    /** Takes the cooperative-monitoring lock {@code name} on this server if it is free; never waits. */
    void lock(String name) {
        if (connection == null || holdsLock) {
            holdsLock &= connection != null;
            return;
        }
        try {
            holdsLock = "1".equals(connection.query("SELECT GET_LOCK(" + Sql.literal(name) + ", 0)").scalar());
        } catch (Exception e) {
            holdsLock = false;
        }
    }

    /** True while this monitor holds {@link RoleConditions#MASTER_LOCK} on the server. */
    private boolean holdsMasterLock;

    /**
     * Holds or gives back {@link RoleConditions#MASTER_LOCK}: the primary monitor of cooperating monitors marks the
     * server it chose, so that the others can follow it ({@code primary_monitor_master}).
     */
    void markChosenPrimary(boolean chosen) {
        if (connection == null) {
            holdsMasterLock = false;
            return;
        }
        if (chosen == holdsMasterLock) {
            return;
        }
        try {
            String sql = chosen ? "SELECT GET_LOCK(" + Sql.literal(RoleConditions.MASTER_LOCK) + ", 0)"
                    : "SELECT RELEASE_LOCK(" + Sql.literal(RoleConditions.MASTER_LOCK) + ")";
            String r = connection.query(sql).scalar();
            holdsMasterLock = chosen && "1".equals(r);
        } catch (Exception e) {
            holdsMasterLock = false;
        }
    }

    /** True when another monitor's connection holds {@link RoleConditions#MASTER_LOCK} on this server. */
    boolean masterLockedByOther() {
        if (connection == null) {
            return false;
        }
        try {
            String lock = Sql.literal(RoleConditions.MASTER_LOCK);
            return "1".equals(connection.query("SELECT IS_USED_LOCK(" + lock + ") IS NOT NULL AND IS_USED_LOCK("
                    + lock + ") <> CONNECTION_ID()").scalar());
        } catch (Exception e) {
            return false;
        }
    }

    /** Gives the lock back, so that another monitor can gather a majority; true when it was held. */
    boolean unlock(String name) {
        boolean held = connection != null && holdsLock;
        if (held) {
            try {
                connection.query("SELECT RELEASE_LOCK(" + Sql.literal(name) + ")");
            } catch (Exception e) {
                // The lock goes with the connection anyway.
            }
        }
        holdsLock = false;
        return held;
    }

    /** Gives back {@link RoleConditions#MASTER_LOCK} (release-locks); true when it was held. */
    boolean releaseMasterLock() {
        boolean held = connection != null && holdsMasterLock;
        markChosenPrimary(false);
        return held;
    }

    /** Connects if needed and reads the server's state; records a failure instead of throwing. */
    void probe(String user, String password, Duration connectTimeout, Duration readTimeout, Duration writeTimeout,
               int attempts) {
        try {
            if (connection == null) {
                holdsLock = false;
                connection = connect(user, password, connectTimeout, readTimeout, writeTimeout, attempts);
                greeting = connection.greeting();
            }
            QueryResult vars = connection.query("SELECT @@server_id, @@read_only, @@gtid_current_pos,"
                    + " @@gtid_binlog_pos, @@gtid_binlog_state, @@log_slave_updates, (SELECT VARIABLE_VALUE"
                    + " FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME')");
            List<String> row = vars.rows().get(0);
            serverId = Long.parseLong(row.get(0));
            readOnly = "1".equals(row.get(1));
            gtidCurrentPos = nz(row.get(2));
            gtidBinlogPos = nz(row.get(3));
            gtidBinlogState = nz(row.get(4));
            logSlaveUpdates = "1".equals(row.get(5));
            uptime = parseLong(row.get(6));
            slaves = readSlaves(connection.query("SHOW ALL SLAVES STATUS"));
            long now = System.nanoTime();
            for (SlaveConnection c : slaves) {
                String mark = c.gtidIoPos() + "/" + c.heartbeats() + "/" + c.ioRunning();
                if (!mark.equals(ioProgressMark.put(c.name(), mark))) {
                    ioProgressAt.put(c.name(), now);
                }
            }
            reachable = true;
            authError = false;
            lastError = "";
            consecutiveFailures = 0;
        } catch (ServerErrorException e) {
            fail(e.code() == 1045 || e.code() == 1044, e.getMessage());
        } catch (Exception e) {
            fail(false, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /**
     * Connects with the server's own {@code monitoruser}/{@code monitorpw} when its section has them, else with the
     * monitor's {@code user} and {@code password}, as MaxScale does.
     */
    private BlockingClient connect(String monitorUser, String monitorPassword, Duration ct, Duration rt, Duration wt,
                                   int attempts) throws Exception {
        String user = server.monitorUser() != null ? server.monitorUser() : monitorUser;
        String password = server.monitorUser() != null ? nz(server.monitorPassword()) : monitorPassword;
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

    private void fail(boolean auth, String why) {
        close();
        reachable = false;
        authError = auth;
        lastError = why;
        consecutiveFailures++;
        slaves = List.of();
    }

    private static List<SlaveConnection> readSlaves(QueryResult q) {
        List<SlaveConnection> out = new ArrayList<>();
        for (int r = 0; r < q.rowCount(); r++) {
            String io = nz(q.value(r, "Slave_IO_Running"));
            String behind = q.value(r, "Seconds_Behind_Master");
            out.add(new SlaveConnection(nz(q.value(r, "Connection_name")), nz(q.value(r, "Master_Host")),
                    parseInt(q.value(r, "Master_Port")), parseLong(q.value(r, "Master_Server_Id")), io.equals("Yes"),
                    io.equals("Connecting"), "Yes".equals(q.value(r, "Slave_SQL_Running")),
                    behind == null ? -1 : parseLong(behind), nz(q.value(r, "Gtid_IO_Pos")),
                    parseLong(q.value(r, "Slave_received_heartbeats")), nz(q.value(r, "Last_SQL_Error")),
                    nz(q.value(r, "Using_Gtid")), nz(q.value(r, "Last_IO_Error"))));
        }
        return out;
    }

    /**
     * True when replication connection {@code c} is connected and has shown progress (a new GTID or a heartbeat)
     * within {@code window}: that replica still hears from its source.
     */
    boolean hearsSource(SlaveConnection c, Duration window) {
        Long at = ioProgressAt.get(c.name());
        return c.ioRunning() && at != null && System.nanoTime() - at <= window.toNanos();
    }

    /** Reads the events enabled here, so that a promoted replica can enable the same ones. */
    void readEnabledEvents() {
        if (connection == null) {
            return;
        }
        try {
            QueryResult q = connection.query("SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS"
                    + " WHERE STATUS = 'ENABLED'");
            List<ScheduledEvent> names = new ArrayList<>();
            for (List<String> r : q.rows()) {
                names.add(new ScheduledEvent(r.get(0), r.get(1)));
            }
            enabledEvents = List.copyOf(names);
        } catch (Exception e) {
            // Not fatal: the next pass reads them again; promotion then enables what is known.
        }
    }

    /** Runs a statement through the monitoring connection (enforcement of read_only); throws on any failure. */
    void execute(String sql) throws Exception {
        if (connection == null) {
            throw new IllegalStateException(server.name() + " is not connected");
        }
        connection.execute(sql);
    }

    /** The first column of the first row {@code sql} returns through the monitoring connection, or null for none. */
    String queryValue(String sql) throws Exception {
        if (connection == null) {
            throw new IllegalStateException(server.name() + " is not connected");
        }
        List<List<String>> rows = connection.query(sql).rows();
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /** The id of the monitoring connection on the server, or -1; switchover must not kill it. */
    long connectionId() {
        return connection == null ? -1 : connection.connectionId();
    }

    /**
     * Opens a separate connection for a cluster operation, with a read timeout long enough for the slow statements
     * an operation runs (STOP SLAVE, SET GLOBAL read_only); the caller closes it.
     */
    BlockingClient admin(String user, String password, Duration connectTimeout, Duration readTimeout)
            throws Exception {
        return connect(user, password, connectTimeout, readTimeout, readTimeout, 1);
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

    private static int parseInt(String s) {
        return (int) parseLong(s);
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
