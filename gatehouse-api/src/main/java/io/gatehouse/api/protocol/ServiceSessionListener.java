package io.gatehouse.api.protocol;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;

/**
 * What a protocol hears from a {@link ServiceSession} it opened. Called on the client channel's worker event loop;
 * every buffer handed over belongs to the callee, which must release it (or pass it on) on every path.
 */
public interface ServiceSessionListener {
    /** The session logged in: commands written are now routed. */
    void ready(ServiceSession session);

    /**
     * One whole MariaDB packet of a reply (4-byte header included, owned by the callee), in order. {@code reply} is
     * null except on the reply's last packet, where it describes the whole reply (OK, error, result set, row count,
     * affected rows ...). A payload of 16 MiB or more arrives as its separate wire packets.
     *
     * <p>The session logs in without DEPRECATE_EOF, so a result set has the classic layout: the column count, one
     * column definition per column, an EOF packet, the rows, and an EOF packet (or an ERR packet when the statement
     * fails midway); several result sets (CALL, several statements in one COM_QUERY) follow one another, each but
     * the last ended by an EOF whose status has SERVER_MORE_RESULTS_EXIST.
     */
    void packet(ServiceSession session, ByteBuf packet, Reply reply);

    /**
     * The session was refused at login or ended (its backends failed, a filter or KILL ended it, the service
     * stopped); no further calls follow for it and commands not yet answered get no reply. {@code code},
     * {@code sqlState} and {@code message} are the MariaDB error that says why.
     */
    void failed(ServiceSession session, int code, String sqlState, String message);
}
