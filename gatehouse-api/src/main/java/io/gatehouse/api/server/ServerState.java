package io.gatehouse.api.server;

/**
 * What a monitor last observed about one server, published as a whole so readers never see half an update.
 * Immutable; written by the monitor's thread and read by any thread.
 *
 * @param status           the monitor-owned {@link ServerStatus} bits
 * @param replicationLag   seconds behind the primary, 0 for the primary, -1 when unknown
 * @param serverId         {@code @@server_id}, -1 when unknown
 * @param masterId         server_id of the server this one replicates from, -1 when none
 * @param readOnly         {@code @@read_only}
 * @param gtidCurrentPos   {@code @@gtid_current_pos}, empty when unknown
 * @param gtidBinlogPos    {@code @@gtid_binlog_pos}, empty when unknown
 * @param versionString    the version from the server's handshake, empty when never reached
 * @param capabilities     the capabilities from the server's handshake (MariaDB extended ones in the high bits)
 * @param charset          the default collation id from the server's handshake
 * @param lastError        why the last connection attempt failed, empty when it did not
 * @param replicationLagMillis the lag in milliseconds: measured by a replication heartbeat when the monitor writes
 *                         one (sub-second), else {@code replicationLag} in milliseconds; -1 when unknown. Since API 2.4.
 * @param uptime           the server's own status variable {@code Uptime} in seconds as the monitor last read it,
 *                         -1 when never read. Since API 2.5.
 * @param lastEvent        the monitor's last event for this server with MaxScale's name ({@code slave_down},
 *                         {@code master_up}, ...), empty before the first one. Since API 2.5.
 * @param triggeredAt      when {@code lastEvent} happened, in epoch milliseconds; 0 before the first event.
 *                         Since API 2.5.
 */
public record ServerState(int status, long replicationLag, long serverId, long masterId, boolean readOnly,
                          String gtidCurrentPos, String gtidBinlogPos, String versionString, long capabilities,
                          int charset, String lastError, long replicationLagMillis, long uptime, String lastEvent,
                          long triggeredAt) {
    /** The state of a server no monitor has looked at yet. */
    public static final ServerState UNKNOWN = new ServerState(0, -1, -1, -1, false, "", "", "", 0, 0, "");

    /** A state without uptime or event: a monitor that reads neither, or one that adds them with the withers. */
    public ServerState(int status, long replicationLag, long serverId, long masterId, boolean readOnly,
                       String gtidCurrentPos, String gtidBinlogPos, String versionString, long capabilities,
                       int charset, String lastError, long replicationLagMillis) {
        this(status, replicationLag, serverId, masterId, readOnly, gtidCurrentPos, gtidBinlogPos, versionString,
                capabilities, charset, lastError, replicationLagMillis, -1, "", 0);
    }

    /** A state without a heartbeat measurement: the lag in milliseconds is the lag in seconds, converted. */
    public ServerState(int status, long replicationLag, long serverId, long masterId, boolean readOnly,
                       String gtidCurrentPos, String gtidBinlogPos, String versionString, long capabilities,
                       int charset, String lastError) {
        this(status, replicationLag, serverId, masterId, readOnly, gtidCurrentPos, gtidBinlogPos, versionString,
                capabilities, charset, lastError, replicationLag < 0 ? -1 : replicationLag * 1000);
    }

    /** A copy with another replication lag (in seconds; the lag in milliseconds follows it). */
    public ServerState withLag(long lagSeconds) {
        return new ServerState(status, lagSeconds, serverId, masterId, readOnly, gtidCurrentPos, gtidBinlogPos,
                versionString, capabilities, charset, lastError, lagSeconds < 0 ? -1 : lagSeconds * 1000, uptime,
                lastEvent, triggeredAt);
    }

    /** A copy with a heartbeat-measured lag in milliseconds ({@code -1}: keep the one derived from seconds). */
    public ServerState withLagMillis(long lagMillis) {
        return lagMillis < 0 ? this : new ServerState(status, replicationLag, serverId, masterId, readOnly,
                gtidCurrentPos, gtidBinlogPos, versionString, capabilities, charset, lastError, lagMillis, uptime,
                lastEvent, triggeredAt);
    }

    /** A copy with other status bits. */
    public ServerState withStatus(int newStatus) {
        return new ServerState(newStatus, replicationLag, serverId, masterId, readOnly, gtidCurrentPos,
                gtidBinlogPos, versionString, capabilities, charset, lastError, replicationLagMillis, uptime, lastEvent,
                triggeredAt);
    }

    /** A copy with the server's {@code Uptime} in seconds (-1: not read). Since API 2.5. */
    public ServerState withUptime(long seconds) {
        return new ServerState(status, replicationLag, serverId, masterId, readOnly, gtidCurrentPos, gtidBinlogPos,
                versionString, capabilities, charset, lastError, replicationLagMillis, seconds, lastEvent, triggeredAt);
    }

    /**
     * A copy with another last event ({@code name}, empty for none) and its time in epoch milliseconds: the monitor
     * carries the previous state's event into each new one and replaces it when an event happens. Since API 2.5.
     */
    public ServerState withEvent(String name, long atMillis) {
        return new ServerState(status, replicationLag, serverId, masterId, readOnly, gtidCurrentPos, gtidBinlogPos,
                versionString, capabilities, charset, lastError, replicationLagMillis, uptime, name == null ? "" : name,
                atMillis);
    }
}
