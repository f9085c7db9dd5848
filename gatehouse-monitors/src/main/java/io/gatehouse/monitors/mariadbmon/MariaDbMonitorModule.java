package io.gatehouse.monitors.mariadbmon;

import static io.gatehouse.api.config.ParamSpec.of;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.monitor.MonitorModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mariadbmon module: monitors a MariaDB primary and its replicas and, when configured or commanded, changes the
 * cluster (failover, switchover, rejoin). Parameter names and defaults are MaxScale's. Stateless.
 */
public final class MariaDbMonitorModule implements MonitorModule {
    /** Event names accepted by {@code events}, as MaxScale names them. */
    static final List<String> EVENT_NAMES = List.of("all", "master_down", "master_up", "slave_down", "slave_up",
            "server_down", "server_up", "synced_down", "synced_up", "lost_master", "lost_slave", "lost_synced",
            "new_master", "new_slave", "new_synced", "rlag_above", "rlag_below");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("mariadbmon", ModuleKind.MONITOR,
            Maturity.GA, ApiVersion.CURRENT, "A MariaDB Primary/Replica replication monitor", "1.1.0", List.of(
                    of("failcount", ParamType.COUNT, "5", true,
                            "Failed monitoring passes before a primary counts as failed"),
                    of("auto_failover", ParamType.STRING, "false", true,
                            "Automatic failover: true, false or safe (only when no transaction would be lost)"),
                    of("auto_rejoin", ParamType.BOOL, "false", true,
                            "Make returning servers and replicas of the wrong primary replicate from the primary"),
                    of("failover_timeout", ParamType.DURATION, "90s", true, "Time limit of a failover"),
                    of("switchover_timeout", ParamType.DURATION, "90s", true, "Time limit of a switchover"),
                    of("verify_master_failure", ParamType.BOOL, "true", true,
                            "Fail over only when no replica still hears from the primary"),
                    of("master_failure_timeout", ParamType.DURATION, "10s", true,
                            "How recently a replica must have heard from the primary to count as seeing it"),
                    of("servers_no_promotion", ParamType.TARGET_LIST, null, true,
                            "Servers never promoted by failover or automatic switchover"),
                    of("promotion_sql_file", ParamType.PATH, null, true, "SQL run on a server being promoted"),
                    of("demotion_sql_file", ParamType.PATH, null, true, "SQL run on a primary being demoted"),
                    of("replication_user", ParamType.STRING, null, true,
                            "User for CHANGE MASTER; default: the monitor's user"),
                    of("replication_password", ParamType.PASSWORD, null, true, "Password of replication_user"),
                    of("replication_master_ssl", ParamType.BOOL, "false", true, "Set MASTER_SSL=1 on CHANGE MASTER"),
                    of("replication_custom_options", ParamType.STRING, null, true,
                            "Extra options appended to CHANGE MASTER TO"),
                    of("enforce_read_only_slaves", ParamType.BOOL, "false", true, "Set read_only=ON on replicas"),
                    of("assume_unique_hostnames", ParamType.BOOL, "true", true,
                            "Match replicas to servers by host and port; only true"),
                    of("switchover_on_low_disk_space", ParamType.BOOL, "false", true,
                            "Switch over to a replica with disk space left when the primary is beyond its disk_space_threshold"),
                    of("enforce_read_only_servers", ParamType.BOOL, "false", true,
                            "Set read_only=ON on every running server other than the primary, replica or not; nothing"
                                    + " is changed while there is no primary"),
                    of("enforce_writable_master", ParamType.BOOL, "false", true, "Set read_only=OFF on the primary"),
                    of("replication_heartbeat", ParamType.BOOL, "false", true,
                            "Gatehouse extension: write a heartbeat on the primary each pass and read it on the"
                                    + " replicas, for replication lag in milliseconds"),
                    of("enforce_simple_topology", ParamType.BOOL, "false", true,
                            "Keep one primary with direct replicas; implies auto_failover and auto_rejoin"),
                    of("handle_events", ParamType.BOOL, "true", true,
                            "Enable on a promoted server the events the old primary ran; disable them on demotion"),
                    of("script", ParamType.STRING, null, true, "Command run on server events, with placeholders"),
                    ParamSpec.oneOf("events", ParamType.ENUM_MASK, "all", true, EVENT_NAMES,
                            "Events that run the script"),
                    of("script_timeout", ParamType.DURATION, "90s", true, "Time limit of the script"),
                    of("script_max_replication_lag", ParamType.STRING, "-1s", true,
                            "Replication lag above which the script runs with rlag_above (rlag_below when it drops"
                                    + " back); -1s disables"),
                    ParamSpec.oneOf("cooperative_monitoring_locks", ParamType.ENUM, "none", true,
                            List.of("none", "majority_of_all", "majority_of_running"),
                            "Several monitors of one cluster: only the one holding the lock on a majority of the"
                                    + " servers changes the cluster"),
                    of("maintenance_on_low_disk_space", ParamType.BOOL, "true", true,
                            "Put a replica whose disk is fuller than disk_space_threshold into maintenance"),
                    ParamSpec.oneOf("master_conditions", ParamType.ENUM_MASK, "primary_monitor_master,disk_space_ok",
                            true, List.of("none", "connecting_slave", "connected_slave", "running_slave",
                                    "primary_monitor_master", "disk_space_ok"),
                            "What the primary candidate must also show to be Master"),
                    ParamSpec.oneOf("slave_conditions", ParamType.ENUM_MASK, "none", true,
                            List.of("none", "linked_master", "running_master", "writable_master",
                                    "primary_monitor_master"),
                            "What a replica must also show to be Slave"),
                    of("write_test_interval", ParamType.DURATION, "0s", true,
                            "Insert a row on the primary when its binary log has been still this long (0s: never)"),
                    of("write_test_table", ParamType.STRING, "mxs.maxscale_write_test", true,
                            "The table (database.table) the write test inserts into; created when missing"),
                    ParamSpec.oneOf("write_test_fail_action", ParamType.ENUM, "log", true,
                            List.of("log", "failover"),
                            "What a failed write test does: log it, or also fail over from the primary")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        String af = params.string("auto_failover");
        try {
            ClusterSettings.AutoFailover.parse(af);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + params.section() + "] auto_failover: '" + af
                    + "' (expected: true, false or safe)");
        }
        try {
            scriptMaxLag(params);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + params.section() + "] script_max_replication_lag: '"
                    + params.string("script_max_replication_lag") + "' (expected: a duration such as 30s, or -1s)");
        }
        for (String name : List.of("promotion_sql_file", "demotion_sql_file")) {
            String f = params.string(name);
            if (f != null && !f.isBlank() && !Files.isReadable(Path.of(f))) {
                throw new IllegalArgumentException("[" + params.section() + "] " + name + ": '" + f
                        + "' (expected: a readable file)");
            }
        }
        String badTable = WriteTest.invalidTable(params.string("write_test_table"));
        if (badTable != null) {
            throw new IllegalArgumentException("[" + params.section() + "] " + badTable
                    + " (expected: a database and a table, as in mxs.maxscale_write_test)");
        }
        List<String> servers = params.list("servers");
        for (String s : params.list("servers_no_promotion")) {
            if (!servers.isEmpty() && !servers.contains(s)) {
                throw new IllegalArgumentException("[" + params.section() + "] servers_no_promotion: '" + s
                        + "' (expected: servers of this monitor: " + String.join(", ", servers) + ")");
            }
        }
    }

    @Override
    public Monitor create(MonitorContext context) {
        validate(context.params());
        return new MariaDbMonitor(context);
    }

    /** script_max_replication_lag in seconds, or -1 when disabled (a negative value, as MaxScale's default -1s). */
    static long scriptMaxLag(Params params) {
        String text = params.string("script_max_replication_lag");
        String t = text == null ? "-1s" : text.strip();
        if (t.startsWith("-")) {
            io.gatehouse.api.config.ValueParser.parseDuration(t.substring(1));
            return -1;
        }
        return io.gatehouse.api.config.ValueParser.parseDuration(t).toSeconds();
    }

    /** {@code maintenance_on_low_disk_space}. */
    static boolean maintenanceOnLowDisk(Params p) {
        return !p.has("maintenance_on_low_disk_space") || p.bool("maintenance_on_low_disk_space");
    }
}
