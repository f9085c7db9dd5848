package io.gatehouse.routers.schemarouter;

import io.gatehouse.api.router.Endpoint;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements of one session: each server numbers its own statements, so the client is given ids of
 * the router's making, each standing for one connection and the id there. Confined to the session's worker
 * thread; it rewrites ids in packets it is shown but never keeps or releases them.
 */
final class ShardStatements {
    /** MariaDB's "the statement prepared last" id of direct execution (prepare and execute sent together). */
    static final long LAST_PREPARED = 0xFFFFFFFFL;

    /** Where one statement lives. */
    record Statement(Endpoint endpoint, long backendId) {
    }

    private final Map<Long, Statement> byClientId = new HashMap<>();
    private long nextId = 1;
    private Statement last;

    /** The statement id of a COM_STMT_* packet (header included), or -1 when it is too short. */
    static long id(ByteBuf packet) {
        return packet.readableBytes() >= 9 ? packet.getUnsignedIntLE(packet.readerIndex() + 5) : -1;
    }

    /** The statement a COM_STMT_* packet names, or null when unknown or its connection is gone. */
    Statement find(ByteBuf packet) {
        long id = id(packet);
        Statement s = id == LAST_PREPARED ? last : byClientId.get(id);
        return s == null || !s.endpoint().isReady() ? null : s;
    }

    /** Gives {@code packet} the id its statement has on its server (the "last prepared" id stays as it is). */
    static void toServerId(ByteBuf packet, Statement s) {
        if (id(packet) != LAST_PREPARED) {
            packet.setIntLE(packet.readerIndex() + 5, (int) s.backendId());
        }
    }

    /** A statement was prepared on {@code endpoint} as {@code backendId}: the id the client gets for it. */
    long prepared(Endpoint endpoint, long backendId) {
        long id = nextId++;
        last = new Statement(endpoint, backendId);
        byClientId.put(id, last);
        return id;
    }

    /** The statements {@code previous} knows, for a session that replaces its own (their connections carry over). */
    void takeOver(ShardStatements previous) {
        byClientId.putAll(previous.byClientId);
        last = previous.last;
        nextId = Math.max(nextId, previous.nextId);
    }

    void remove(long clientId) {
        byClientId.remove(clientId);
    }

    /** The connection is gone, and with it its statements. */
    void forget(Endpoint e) {
        byClientId.values().removeIf(s -> s.endpoint() == e);
        if (last != null && last.endpoint() == e) {
            last = null;
        }
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER: the servers dropped every statement. */
    void clear() {
        byClientId.clear();
        last = null;
    }
}
