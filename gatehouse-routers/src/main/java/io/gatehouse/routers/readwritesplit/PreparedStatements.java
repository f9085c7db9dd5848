package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_STMT_EXECUTE;
import static io.gatehouse.protocol.Commands.COM_STMT_SEND_LONG_DATA;
import static io.gatehouse.protocol.Packets.MAX_PAYLOAD;

import io.gatehouse.api.router.Endpoint;
import io.gatehouse.sql.Classification;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.HashMap;
import java.util.Map;

/**
 * A session's binary-protocol prepared statements: the id the client knows (the primary's, or the first
 * backend's), each backend's own id for the same statement, the statement's classification and where it last
 * ran. Confined to the session's worker thread.
 */
final class PreparedStatements {
    /**
     * The execute packet for {@code target}: a client sends parameter types only with the first execution (or when
     * they change), and a connection that has not seen them would refuse the execution (error 1210), so they are
     * put back in for it. Takes ownership of {@code packet} and returns the packet to send.
     */
    static ByteBuf withTypes(ByteBuf packet, Entry en, Endpoint target,
                                             ByteBufAllocator alloc) {
        if (en == null || en.parameters == 0 || target == null) {
            return packet;
        }
        int base = packet.readerIndex() + 4;
        int flagAt = base + 10 + (en.parameters + 7) / 8;
        int payload = packet.readableBytes() - 4;
        if (flagAt >= packet.writerIndex() || payload >= MAX_PAYLOAD) {
            return packet;
        }
        if (packet.getByte(flagAt) == 1) {
            int n = 2 * en.parameters;
            if (flagAt + 1 + n <= packet.writerIndex()) {
                en.types = new byte[n];
                packet.getBytes(flagAt + 1, en.types);
                en.typesKnown.clear();
                en.typesKnown.add(target);
            }
            return packet;
        }
        if (en.types == null || en.typesKnown.contains(target) || payload + en.types.length >= MAX_PAYLOAD) {
            return packet;
        }
        ByteBuf out = alloc.buffer(packet.readableBytes() + en.types.length);
        out.writeMediumLE(payload + en.types.length).writeByte(packet.getByte(packet.readerIndex() + 3));
        out.writeBytes(packet, base, flagAt - base);
        out.writeByte(1).writeBytes(en.types);
        out.writeBytes(packet, flagAt + 1, packet.writerIndex() - flagAt - 1);
        packet.release();
        en.typesKnown.add(target);
        return out;
    }

    /** One prepared statement. */
    static final class Entry {
        final Map<Endpoint, Long> ids;
        final Classification classification;
        final int parameters;
        Endpoint lastExecuted;
        /** The connection that holds the long data sent since the last execution or reset, if any. */
        Endpoint longDataTarget;
        /** The parameter types the client sent last, and the connections that have been told them. */
        byte[] types;
        final java.util.Set<Endpoint> typesKnown =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        Entry(Map<Endpoint, Long> ids, Classification classification, int parameters) {
            this.ids = ids;
            this.classification = classification;
            this.parameters = parameters;
        }
    }

    /** MariaDB's "the statement prepared last" id, which pipelining clients send right after a prepare. */
    static final long LAST_PREPARED = 0xFFFFFFFFL;

    private final Map<Long, Entry> byClientId = new HashMap<>();
    private Entry last;

    void add(long clientId, Map<Endpoint, Long> ids, Classification c, int parameters) {
        // Connections are compared by identity: an identity map looks one up without hashCode() and a node.
        last = new Entry(new java.util.IdentityHashMap<>(ids), c, parameters);
        byClientId.put(clientId, last);
    }

    Entry get(long clientId) {
        return clientId == LAST_PREPARED ? last : byClientId.get(clientId);
    }

    void remove(long clientId) {
        Entry e = byClientId.remove(clientId);
        if (e == last) {
            last = null;
        }
    }

    void forget(Endpoint e) {
        for (Entry en : byClientId.values()) {
            en.ids.remove(e);
            en.typesKnown.remove(e);
            if (en.lastExecuted == e) {
                en.lastExecuted = null;
            }
        }
    }

    void clear() {
        last = null;
        byClientId.clear();
    }

    /**
     * A restart: the statements of the session this one replaces move here, under the ids the client knows, with each
     * connection's own id ({@link #forget} those of connections not carried over); {@code from} is left empty.
     */
    void takeOver(PreparedStatements from) {
        byClientId.putAll(from.byClientId);
        last = from.last;
        from.clear();
    }

    static long statementId(ByteBuf packet) {
        return packet.readableBytes() >= 9 ? packet.getUnsignedIntLE(packet.readerIndex() + 5) : -1;
    }


    /**
     * COM_STMT_SEND_LONG_DATA goes only to the connection that will run the next execution of the statement (chosen
     * now and kept until that execution or a COM_STMT_RESET): a server keeps long data until it executes, so a copy
     * on any other connection would be used by a later execution there in place of that execution's own value.
     * No reply. Takes ownership of {@code packet}.
     */
    void sendLongData(ByteBuf packet, Endpoint primary, TargetChoice targets) {
        Entry en = get(statementId(packet));
        if (en == null) {
            // An unknown statement: the primary answers the execution with the server's own error.
            if (primary != null && primary.isReady()) {
                primary.write(packet, COM_STMT_SEND_LONG_DATA);
            } else {
                packet.release();
            }
            return;
        }
        if (en.longDataTarget == null) {
            en.longDataTarget = targets.execution(en, COM_STMT_EXECUTE);
        }
        Endpoint target = en.longDataTarget;
        if (target == null || !target.isReady() || !en.ids.containsKey(target)) {
            // The execution reports the lost connection.
            packet.release();
            return;
        }
        target.write(withStatementId(packet, en, target), COM_STMT_SEND_LONG_DATA);
    }

    /** COM_STMT_CLOSE to every connection, each with its own statement id; no reply. Takes ownership of {@code packet}. */
    static void closeEverywhere(ByteBuf packet, int cmd, Entry en) {
        if (en != null) {
            for (Map.Entry<Endpoint, Long> id : en.ids.entrySet()) {
                if (id.getKey().isReady()) {
                    ByteBuf copy = packet.copy();
                    copy.setIntLE(copy.readerIndex() + 5, id.getValue().intValue());
                    id.getKey().write(copy, cmd);
                }
            }
        }
        packet.release();
    }

    /** The packet with the target connection's own id for the statement. */
    static ByteBuf withStatementId(ByteBuf packet, Entry en, Endpoint target) {
        if (en == null || target == null) {
            return packet;
        }
        Long id = en.ids.get(target);
        // The "last prepared" id means the same statement on every connection: it stays as it is.
        if (id != null && packet.readableBytes() >= 9 && statementId(packet) != LAST_PREPARED) {
            packet.setIntLE(packet.readerIndex() + 5, id.intValue());
        }
        return packet;
    }
}
