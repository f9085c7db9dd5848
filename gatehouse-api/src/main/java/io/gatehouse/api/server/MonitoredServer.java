package io.gatehouse.api.server;

/**
 * A server as its monitor sees it: a {@link ServerView} the monitor can publish observations to. Thread-safe;
 * meant to be written only by the one monitor that owns the server.
 */
public interface MonitoredServer extends ServerView {
    /** Replaces the monitor-owned state; operator-owned bits are kept. */
    void publish(ServerState state);

    /**
     * The server section's own monitor account ({@code monitoruser}), used by its monitor instead of the monitor's
     * {@code user}; null when the section has none.
     */
    default String monitorUser() {
        return null;
    }

    /**
     * The server section's {@code priority}: among replicas that are equally up to date, the one a failover or
     * switchover promotes (positive values first, the lowest first). 0 when not set.
     */
    default long priority() {
        return 0;
    }

    /**
     * The address connections to this server are made from (MaxScale's global {@code local_address}), for the
     * monitor's connections too; null lets the operating system choose.
     */
    default java.net.InetAddress localAddress() {
        return null;
    }

    /**
     * The address the servers use to replicate from this one ({@code private_address}), when it differs from the
     * address Gatehouse connects to; null when the section has none.
     */
    default String privateAddress() {
        return null;
    }

    /**
     * The server's {@code extra_port}: monitors connect there first and use the normal port when it fails; 0 when
     * not set.
     */
    default int extraPort() {
        return 0;
    }

    /**
     * Extra CHANGE MASTER options used when this server is made to replicate ({@code replication_custom_options}
     * of its section, which replaces the monitor's); null when the section has none.
     */
    default String replicationCustomOptions() {
        return null;
    }

    /** The password of {@link #monitorUser()} ({@code monitorpw}); null when the section has none. */
    default String monitorPassword() {
        return null;
    }

    /**
     * The server section's own {@code disk_space_threshold} ({@code path:percent,...}, {@code *} for any disk), which
     * replaces the monitor's; null when the section has none. Since API 2.4.
     */
    default String diskSpaceThreshold() {
        return null;
    }

    /**
     * Puts the server into maintenance on the monitor's own decision (mariadbmon's
     * {@code maintenance_on_low_disk_space}); an operator clears it as any maintenance. Since API 2.4.
     */
    default void enterMaintenance() {
    }
}
