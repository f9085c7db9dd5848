package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.config.Params;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The mariadbmon parameters that govern cluster operations, read once from the validated {@link Params}. Immutable;
 * made on the monitor's thread at each pass so runtime changes apply at the next pass. No buffers.
 */
record ClusterSettings(AutoFailover autoFailover, boolean autoRejoin, int failcount, Duration failoverTimeout,
                       Duration switchoverTimeout, boolean verifyMasterFailure, Duration masterFailureTimeout,
                       Set<String> serversNoPromotion, Path promotionSqlFile, Path demotionSqlFile,
                       String replicationUser, String replicationPassword, boolean replicationMasterSsl,
                       String replicationCustomOptions, boolean enforceReadOnlySlaves, boolean enforceReadOnlyServers,
                       boolean enforceWritableMaster,
                       boolean enforceSimpleTopology, boolean handleEvents, String user, String password,
                       Duration connectTimeout, Duration readTimeout, Duration monitorInterval) {

    /** The three values of {@code auto_failover}. */
    enum AutoFailover {
        OFF, ON, SAFE;

        static AutoFailover parse(String text) {
            String t = text == null ? "false" : text.strip().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "true", "on", "yes", "1" -> ON;
                case "false", "off", "no", "0" -> OFF;
                case "safe" -> SAFE;
                default -> throw new IllegalArgumentException(text);
            };
        }
    }

    static ClusterSettings from(Params p) {
        boolean simple = p.bool("enforce_simple_topology");
        AutoFailover af = AutoFailover.parse(p.string("auto_failover"));
        // enforce_simple_topology means the monitor keeps one primary with direct replicas, so it must also act.
        if (simple && af == AutoFailover.OFF) {
            af = AutoFailover.ON;
        }
        String user = p.string("user");
        String password = p.string("password");
        String replUser = blankToNull(p.string("replication_user"));
        String replPassword = p.string("replication_password");
        return new ClusterSettings(af, p.bool("auto_rejoin") || simple, (int) Math.max(1, p.integer("failcount")),
                p.duration("failover_timeout"), p.duration("switchover_timeout"), p.bool("verify_master_failure"),
                p.duration("master_failure_timeout"), Set.copyOf(p.list("servers_no_promotion")),
                path(p.string("promotion_sql_file")), path(p.string("demotion_sql_file")),
                replUser == null ? user : replUser, replUser == null ? password : replPassword == null ? "" : replPassword,
                p.bool("replication_master_ssl"), blankToNull(p.string("replication_custom_options")),
                p.bool("enforce_read_only_slaves"), p.bool("enforce_read_only_servers"), p.bool("enforce_writable_master"),
                simple,
                p.bool("handle_events"), user, password, p.duration("backend_connect_timeout"),
                p.duration("backend_read_timeout"), p.duration("monitor_interval"));
    }

    /** Whether anything may change the cluster automatically. */
    boolean acts() {
        return autoFailover != AutoFailover.OFF || autoRejoin || enforceReadOnlySlaves || enforceReadOnlyServers
                || enforceWritableMaster;
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
