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
    record SlaveConnection(String masterHost, int masterPort, long masterServerId, boolean ioRunning,
                           boolean ioConnecting, boolean sqlRunning, long secondsBehind, String gtidIoPos) {
    }

    final MonitoredServer server;
    private BlockingClient connection;
    private InitialHandshake greeting;
    boolean reachable;
    boolean authError;
    String lastError = "";
    long serverId = -1;
    boolean readOnly;
    String gtidCurrentPos = "";
    String gtidBinlogPos = "";
    List<SlaveConnection> slaves = List.of();
    int consecutiveFailures;

    ServerProbe(MonitoredServer server) {
        this.server = server;
    }

    InitialHandshake greeting() {
        return greeting;
    }

    /** Connects if needed and reads the server's state; records a failure instead of throwing. */
    void probe(String user, String password, Duration connectTimeout, Duration readTimeout, Duration writeTimeout,
               int attempts) {
        try {
            if (connection == null) {
                connection = connect(user, password, connectTimeout, readTimeout, writeTimeout, attempts);
                greeting = connection.greeting();
            }
            QueryResult vars = connection.query(
                    "SELECT @@server_id, @@read_only, @@gtid_current_pos, @@gtid_binlog_pos");
            List<String> row = vars.rows().get(0);
            serverId = Long.parseLong(row.get(0));
            readOnly = "1".equals(row.get(1));
            gtidCurrentPos = nz(row.get(2));
            gtidBinlogPos = nz(row.get(3));
            slaves = readSlaves(connection.query("SHOW ALL SLAVES STATUS"));
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

    private BlockingClient connect(String user, String password, Duration ct, Duration rt, Duration wt, int attempts)
            throws Exception {
        ClientOptions opts = (server.socket() != null
                ? ClientOptions.unixSocket(Path.of(server.socket()), user, password)
                : ClientOptions.tcp(server.address(), server.port(), user, password))
                .withConnectTimeout(ct).withReadTimeout(rt).withWriteTimeout(wt);
        Exception last = null;
        for (int i = 0; i < Math.max(1, attempts); i++) {
            try {
                return BlockingClient.connect(opts);
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
            out.add(new SlaveConnection(nz(q.value(r, "Master_Host")), parseInt(q.value(r, "Master_Port")),
                    parseLong(q.value(r, "Master_Server_Id")), io.equals("Yes"), io.equals("Connecting"),
                    "Yes".equals(q.value(r, "Slave_SQL_Running")), behind == null ? -1 : parseLong(behind),
                    nz(q.value(r, "Gtid_IO_Pos"))));
        }
        return out;
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
