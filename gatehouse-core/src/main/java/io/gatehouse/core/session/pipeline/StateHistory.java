package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.CommandCodes;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.core.session.PinReason;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Operation;
import io.gatehouse.sql.QueryType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The session state one {@link SharedEndpoint} built on its server, kept so that it can be re-applied on another
 * connection: the commands that succeeded and only changed session state (USE and COM_INIT_DB, SET of session and
 * user variables, SET NAMES, autocommit, named and binary prepared statements, COM_SET_OPTION), in the order they
 * ran, and the map from the statement ids the client knows (virtual) to the ids of the current connection. Confined
 * to the session's worker thread; it keeps copies of command bytes (byte arrays), never a buffer.
 */
final class StateHistory implements CommandCodes {
    /** The most entries kept; past it the session is pinned rather than lose state. */
    static final int LIMIT = 2000;

    /** One state-changing command: its payload (command byte first) and, for COM_STMT_PREPARE, the virtual id. */
    record Entry(int command, byte[] payload, long virtualId, boolean replaceable) {
        /** The command as a packet to send (sequence 0), allocated from {@code alloc}. */
        ByteBuf packet(ByteBufAllocator alloc) {
            ByteBuf b = alloc.buffer(4 + payload.length);
            b.writeMediumLE(payload.length);
            b.writeByte(0);
            b.writeBytes(payload);
            return b;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    /** The command written last whose success adds it to the history, or null. */
    private Entry pending;
    private boolean pendingReset;
    /** Virtual statement id (what the client and the router know) to the current connection's id. */
    private final Map<Long, Long> realOf = new HashMap<>();
    /** Virtual ids with an open cursor, and with long data sent that no execute has consumed. */
    private final Set<Long> cursors = new HashSet<>();
    private final Set<Long> longData = new HashSet<>();
    /** Per virtual id: its parameter count, and the parameter types its client last sent with an execute. */
    private final Map<Long, Integer> parameterCounts = new HashMap<>();
    private final Map<Long, byte[]> parameterTypes = new HashMap<>();
    /** Virtual ids re-prepared on a new connection whose server has not been sent their parameter types yet. */
    private final Set<Long> typesUnsent = new HashSet<>();
    private boolean full;
    private boolean unmapped;
    private boolean untracked;
    /** The virtual id the pending COM_STMT_PREPARE's reply was given. */
    private long preparedVirtual = -1;

    /** The entries to re-apply, oldest first (a copy). */
    List<Entry> entries() {
        return List.copyOf(entries);
    }

    int size() {
        return entries.size();
    }

    /** The pin reasons this endpoint's own state gives: open cursors, unsent long data, a history too long. */
    int pins() {
        return (cursors.isEmpty() ? 0 : PinReason.OPEN_CURSOR.bit())
                | (longData.isEmpty() ? 0 : PinReason.LONG_DATA.bit())
                | (full ? PinReason.HISTORY_FULL.bit() : 0)
                | (unmapped ? PinReason.STATEMENT_ID.bit() : 0)
                | (untracked ? PinReason.UNTRACKED_STATE.bit() : 0);
    }

    /**
     * The router writes {@code packet} (not consumed; {@code c} its classification for a COM_QUERY, or null): notes
     * what its success would add or remove.
     */
    void sending(ByteBuf packet, int command, Classification c) {
        pending = null;
        pendingReset = false;
        int ri = packet.readerIndex();
        boolean carriesId = command == COM_STMT_CLOSE || command == COM_STMT_RESET
                || command == COM_STMT_SEND_LONG_DATA || command == COM_STMT_EXECUTE;
        if (carriesId && packet.readableBytes() < 9) {
            return;                                  // too short to name a statement: the server refuses it
        }
        switch (command) {
            case COM_INIT_DB, COM_SET_OPTION -> pending = entry(packet, command, -1, true);
            case COM_QUERY -> {
                if (c != null && recorded(c)) {
                    boolean replaceable = (c.typeMask() & (QueryType.USERVAR_READ | QueryType.SYSVAR_READ)) == 0
                            && c.operation() != Operation.PREPARE && c.operation() != Operation.DEALLOCATE;
                    pending = entry(packet, command, -1, replaceable);
                }
            }
            case COM_STMT_PREPARE -> pending = entry(packet, command, -1, false);
            case COM_STMT_CLOSE -> {
                long id = packet.getUnsignedIntLE(ri + 5);
                // realOf keeps the id until closed(id): the close itself still goes out under the real id.
                entries.removeIf(e -> e.command() == COM_STMT_PREPARE && e.virtualId() == id);
                cursors.remove(id);
                longData.remove(id);
                parameterCounts.remove(id);
                parameterTypes.remove(id);
                typesUnsent.remove(id);
            }
            case COM_STMT_RESET -> {
                long id = packet.getUnsignedIntLE(ri + 5);
                cursors.remove(id);
                longData.remove(id);
            }
            case COM_STMT_SEND_LONG_DATA -> longData.add(packet.getUnsignedIntLE(ri + 5));
            case COM_STMT_EXECUTE -> {
                long id = packet.getUnsignedIntLE(ri + 5);
                longData.remove(id);
                if (packet.readableBytes() > 9 && (packet.getUnsignedByte(ri + 9) & 0x07) != 0) {
                    cursors.add(id);                 // CURSOR_TYPE_READ_ONLY and friends: rows stay on the server
                }
                int n = parameterCounts.getOrDefault(id, 0);
                int bound = ri + 14 + (n + 7) / 8;
                if (n > 0 && packet.writerIndex() >= bound + 1 + 2 * n && packet.getByte(bound) == 1) {
                    byte[] types = new byte[2 * n];
                    packet.getBytes(bound + 1, types);
                    parameterTypes.put(id, types);
                    typesUnsent.remove(id);
                }
            }
            case COM_RESET_CONNECTION -> pendingReset = true;
            default -> {
            }
        }
    }

    /** True for a statement that only changes session state that a replay can set again as written. */
    static boolean recorded(Classification c) {
        if (c.isMultiStatement()) {
            return false;
        }
        Operation op = c.operation();
        int m = c.typeMask();
        if (op == Operation.SET) {
            return (m & (QueryType.SESSION_WRITE | QueryType.USERVAR_WRITE)) != 0 && (m & QueryType.NEXT_TRX) == 0;
        }
        return op == Operation.USE || (m & (QueryType.PREPARE_NAMED_STMT | QueryType.DEALLOC_PREPARE)) != 0;
    }

    private static Entry entry(ByteBuf packet, int command, long virtualId, boolean replaceable) {
        byte[] payload = new byte[packet.readableBytes() - 4];
        packet.getBytes(packet.readerIndex() + 4, payload);
        return new Entry(command, payload, virtualId, replaceable);
    }

    /**
     * The first bytes of the reply to a COM_STMT_PREPARE this endpoint's client side sent, before the router sees
     * them: the statement id the server gave is replaced by a virtual one when it collides with an id the client
     * already uses for another statement; the reply's end records it.
     */
    void prepareReplyStarts(ByteBuf buf) {
        preparedVirtual = -1;
        int ri = buf.readerIndex();
        if (buf.readableBytes() < 5 || buf.getUnsignedByte(ri + 4) != 0x00) {
            return;                                          // an error: nothing to map
        }
        if (buf.readableBytes() < 9) {
            unmapped = true;                                 // the id arrives in the next chunk: keep it as is
            return;
        }
        long real = buf.getUnsignedIntLE(ri + 5);
        long virtual = real;
        while (realOf.containsKey(virtual)) {
            virtual = virtual + 1 == 0xFFFFFFFFL ? 1 : virtual + 1;
        }
        if (virtual != real) {
            buf.setIntLE(ri + 5, (int) virtual);
        }
        preparedVirtual = virtual;
    }

    /** The reply to the last command ended: a successful state change joins the history. Returns the reply to pass on. */
    Reply replied(Reply r) {
        Entry p = pending;
        pending = null;
        if (pendingReset) {
            pendingReset = false;
            if (!r.isError()) {
                clear();
            }
            return r;
        }
        if (p == null && !r.isError() && changesSession(r.sessionTrack())) {
            untracked = true;                        // the server says state changed that no replay would set
        }
        if (p == null || r.isError()) {
            return r;
        }
        if (p.command() == COM_STMT_PREPARE) {
            long virtual = preparedVirtual < 0 ? r.statementId() : preparedVirtual;
            preparedVirtual = -1;
            realOf.put(virtual, r.statementId());
            parameterCounts.put(virtual, r.parameterCount());
            add(new Entry(p.command(), p.payload(), virtual, false));
            return virtual == r.statementId() ? r : new Reply(r.command(), r.kind(), r.resultSets(), r.rows(),
                    r.affectedRows(), r.lastInsertId(), r.warnings(), r.status(), r.errorCode(), r.sqlState(),
                    r.errorMessage(), r.sessionTrack(), virtual, r.parameterCount());
        }
        add(p);
        return r;
    }

    /**
     * True when session-state-change bytes report a system variable (type 0) or the default database (type 1):
     * entries of a type byte, a length-encoded length and that many bytes.
     */
    static boolean changesSession(byte[] track) {
        if (track == null) {
            return false;
        }
        int at = 0;
        while (at < track.length) {
            int type = track[at++] & 0xFF;
            if (type == 0 || type == 1) {
                return true;
            }
            if (at >= track.length) {
                return false;
            }
            int first = track[at++] & 0xFF;
            long len;
            int width = first == 0xFC ? 2 : first == 0xFD ? 3 : first == 0xFE ? 8 : 0;
            if (width == 0) {
                len = first;
            } else {
                len = 0;
                for (int i = 0; i < width && at < track.length; i++) {
                    len |= (long) (track[at++] & 0xFF) << (8 * i);
                }
            }
            if (len < 0 || len > track.length - at) {
                return false;
            }
            at += (int) len;
        }
        return false;
    }

    /**
     * Bytes this history keeps: the payloads of its entries and of the pending one, and the parameter types of
     * prepared statements (map bookkeeping not counted); worker thread.
     */
    long bytes() {
        long n = pending == null ? 0 : pending.payload().length;
        for (Entry e : entries) {
            n += e.payload().length;
        }
        for (byte[] types : parameterTypes.values()) {
            n += types.length;
        }
        return n;
    }

    private void add(Entry e) {
        if (e.replaceable()) {
            // The same statement again (SET NAMES at every checkout of an application's pool): the earlier one goes,
            // unless a statement after it could have depended on it (a prepare, one that reads variables).
            for (int i = entries.size() - 1; i >= 0 && entries.get(i).replaceable(); i--) {
                Entry old = entries.get(i);
                if (old.command() == e.command() && Arrays.equals(old.payload(), e.payload())) {
                    entries.remove(i);
                    break;
                }
            }
        }
        if (entries.size() >= LIMIT) {
            full = true;
            return;
        }
        entries.add(e);
    }

    /**
     * A COM_STMT_EXECUTE (owned) as the current connection needs it: a client sends its parameters' types only
     * when they change, so the first execute of a statement re-prepared on a new connection gets the types the
     * client sent before (a new packet; the old one is released). Otherwise the packet itself.
     */
    ByteBuf withParameterTypes(ByteBuf packet, ByteBufAllocator alloc) {
        int ri = packet.readerIndex();
        long id = packet.getUnsignedIntLE(ri + 5);
        if (!typesUnsent.remove(id)) {
            return packet;
        }
        int n = parameterCounts.getOrDefault(id, 0);
        byte[] types = parameterTypes.get(id);
        int bound = ri + 14 + (n + 7) / 8;
        if (n == 0 || types == null || packet.writerIndex() < bound + 1 || packet.getByte(bound) != 0
                || packet.readableBytes() - 4 + types.length >= 0xFFFFFF) {
            return packet;
        }
        ByteBuf out = alloc.buffer(packet.readableBytes() + types.length);
        out.writeMediumLE(packet.readableBytes() - 4 + types.length);
        out.writeBytes(packet, ri + 3, bound - (ri + 3));
        out.writeByte(1);
        out.writeBytes(types);
        out.writeBytes(packet, bound + 1, packet.writerIndex() - bound - 1);
        packet.release();
        return out;
    }

    /** A statement id the router writes (virtual), as the current connection knows it. */
    /** The client closed statement {@code virtual} and its close went out: its id is free again. */
    void closed(long virtual) {
        realOf.remove(virtual);
    }

    long realId(long virtual) {
        Long real = realOf.get(virtual);
        return real == null ? virtual : real;
    }

    /** The current connection is gone: re-applying starts with no statement prepared on the next one. */
    void connectionChanged() {
        realOf.clear();
        pending = null;
        pendingReset = false;
        preparedVirtual = -1;
    }

    /** A re-applied COM_STMT_PREPARE of {@code virtual} got {@code real} on the new connection. */
    void remapped(long virtual, long real) {
        realOf.put(virtual, real);
        if (parameterCounts.getOrDefault(virtual, 0) > 0) {
            typesUnsent.add(virtual);
        }
    }

    /** The server forgot the session's state (COM_RESET_CONNECTION, COM_CHANGE_USER). */
    void clear() {
        entries.clear();
        realOf.clear();
        cursors.clear();
        longData.clear();
        parameterCounts.clear();
        parameterTypes.clear();
        typesUnsent.clear();
        full = false;
        unmapped = false;
        untracked = false;
    }
}
