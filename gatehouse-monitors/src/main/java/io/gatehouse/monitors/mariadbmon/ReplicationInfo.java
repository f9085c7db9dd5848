package io.gatehouse.monitors.mariadbmon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MaxScale's {@code server_info} part of mariadbmon's diagnostics: for each monitored server its id, read_only, GTID
 * positions and replication connections as SHOW ALL SLAVES STATUS last showed them, the source named by the
 * monitored server it is ({@code master_server_name}) when one matches. maxctrl's {@code show replication} reads
 * it. Built on the monitor's thread after each pass as immutable maps the admin thread may read.
 */
final class ReplicationInfo {
    private ReplicationInfo() {
    }

    static List<Map<String, Object>> of(List<ServerProbe> probes) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ServerProbe p : probes) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", p.server.name());
            s.put("server_id", p.serverId);
            s.put("read_only", p.readOnly);
            s.put("gtid_current_pos", p.gtidCurrentPos);
            s.put("gtid_binlog_pos", p.gtidBinlogPos);
            List<Map<String, Object>> conns = new ArrayList<>();
            for (ServerProbe.SlaveConnection c : p.slaves) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("connection_name", c.name());
                m.put("master_host", c.masterHost());
                m.put("master_port", c.masterPort());
                m.put("master_server_id", c.masterServerId());
                String source = sourceName(probes, c);
                m.put("master_server_name", source);
                m.put("slave_io_running", c.ioRunning() ? "Yes" : c.ioConnecting() ? "Connecting" : "No");
                m.put("slave_sql_running", c.sqlRunning() ? "Yes" : "No");
                m.put("seconds_behind_master", c.secondsBehind() < 0 ? null : c.secondsBehind());
                m.put("gtid_io_pos", c.gtidIoPos());
                m.put("using_gtid", c.usingGtid());
                m.put("last_io_error", c.lastIoError());
                m.put("last_sql_error", c.lastSqlError());
                conns.add(java.util.Collections.unmodifiableMap(m));
            }
            s.put("slave_connections", List.copyOf(conns));
            out.add(java.util.Collections.unmodifiableMap(s));
        }
        return List.copyOf(out);
    }

    /** The monitored server the connection replicates from: by server id, else by address and port; or null. */
    private static String sourceName(List<ServerProbe> probes, ServerProbe.SlaveConnection c) {
        for (ServerProbe p : probes) {
            if (c.masterServerId() > 0 && p.serverId == c.masterServerId()) {
                return p.server.name();
            }
        }
        for (ServerProbe p : probes) {
            if (p.server.port() == c.masterPort() && String.valueOf(p.server.address()).equals(c.masterHost())) {
                return p.server.name();
            }
        }
        return null;
    }
}
