package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Capabilities.DEPRECATE_EOF;
import static io.gatehouse.protocol.Commands.COM_QUERY;

import io.gatehouse.api.router.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code causal_reads} bookkeeping of one session: the GTID position its reads must see and which replicas are
 * known to have it. The position is the session's own last write ({@code local}, {@code fast}: {@code @@last_gtid}
 * fetched from the primary after a write), the service's latest write ({@code global}, {@code fast_global}: the
 * {@link ServiceGtid} every session of the service advances) or everything the primary has committed
 * ({@code universal}, {@code fast_universal}: {@code @@gtid_binlog_pos} fetched before each read). Waiting modes make a
 * replica run {@code MASTER_GTID_WAIT} first; fast modes only pick a replica the monitor saw at that position. Per
 * session, on its worker thread; owns the reply bytes of its own internal queries.
 */
final class CausalReads {
    private final CausalMode mode;
    private final ServiceGtid service;
    private final long timeoutSeconds;
    private boolean writtenSinceFetch;
    private GtidPosition own = GtidPosition.EMPTY;
    /** The position each replica was seen to reach with MASTER_GTID_WAIT. */
    private final Map<Endpoint, GtidPosition> confirmed = new HashMap<>();
    private CompositeByteBuf collected;

    CausalReads(CausalMode mode, ServiceGtid service, long timeoutSeconds) {
        this.mode = mode;
        this.service = service;
        this.timeoutSeconds = Math.max(1, timeoutSeconds);
    }

    CausalMode mode() {
        return mode;
    }

    /** A write on the primary succeeded: the session's own position must be fetched before its next read. */
    void wrote() {
        if (mode == CausalMode.LOCAL || mode == CausalMode.FAST) {
            writtenSinceFetch = true;
        }
    }

    /**
     * True when a completed write's GTID must reach the service-wide position before the client hears of the write,
     * so that a read any session sends after that answer sees it.
     */
    boolean fetchesAfterWrite() {
        return mode.serviceWide();
    }

    /** True when a GTID must be fetched from the primary before reading on a replica. */
    boolean needsGtid() {
        return mode.universal() || writtenSinceFetch;
    }

    /** The position a read must see now (empty: any replica will do). */
    GtidPosition target() {
        return mode.serviceWide() ? service.get() : own;
    }

    /** True when {@code replica} must first wait for the position (waiting modes only). */
    boolean needsWait(Endpoint replica) {
        if (mode == CausalMode.NONE || mode.fast()) {
            return false;
        }
        GtidPosition t = target();
        GtidPosition seen = confirmed.get(replica);
        return !t.isEmpty() && (seen == null || !seen.covers(t));
    }

    /** True when the monitor last saw {@code replica}'s server at the position a read must see (fast modes). */
    boolean reached(Endpoint replica) {
        GtidPosition t = target();
        return t.isEmpty() || GtidPosition.parse(replica.server().state().gtidCurrentPos()).covers(t);
    }

    /** {@code replica} finished MASTER_GTID_WAIT for the current target. */
    void caughtUp(Endpoint replica) {
        confirmed.put(replica, target());
    }

    void forget(Endpoint e) {
        confirmed.remove(e);
    }

    /**
     * A restart: the replaced session's own position (its last write's GTID, and whether one must still be fetched)
     * and what its replicas were seen to reach; {@link #forget} the connections not carried over.
     */
    void takeOver(CausalReads from) {
        own = from.own;
        writtenSinceFetch = from.writtenSinceFetch;
        confirmed.putAll(from.confirmed);
        from.confirmed.clear();
    }

    /** The query that reads the position: the session's last GTID, or (universal) everything the primary has. */
    ByteBuf gtidQuery(ByteBufAllocator alloc) {
        return query(alloc, mode.universal() ? "SELECT @@gtid_binlog_pos" : "SELECT @@last_gtid");
    }

    /** A statement that succeeds once the replica has applied the position, and fails (error 1644) on timeout. */
    ByteBuf waitQuery(ByteBufAllocator alloc) {
        return query(alloc, "IF (MASTER_GTID_WAIT('" + target() + "', " + timeoutSeconds
                + ") <> 0) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'replica did not catch up'; END IF");
    }

    /** Collects reply bytes of an internal query; takes ownership of {@code buf}. */
    void collect(ByteBufAllocator alloc, ByteBuf buf) {
        if (collected == null) {
            collected = alloc.compositeBuffer();
        }
        collected.addComponent(true, buf);
    }

    /** Reads the GTID out of the collected result, records it (and, service-wide, advances the service's) and releases the bytes. */
    void gtidFetched(long capabilities) {
        writtenSinceFetch = false;
        GtidPosition p = GtidPosition.parse(collected == null ? ""
                : firstValue(collected, (capabilities & DEPRECATE_EOF) != 0));
        release();
        if (mode.serviceWide()) {
            service.advance(p);
        } else if (mode.universal() || !p.isEmpty()) {
            // A write that made no GTID (nothing changed) leaves the session's position where it was.
            own = mode.universal() ? p : own.merge(p);
        }
    }

    void release() {
        if (collected != null) {
            collected.release();
            collected = null;
        }
    }

    /** The first column of the first row of a one-row text result, or "" when there is none. */
    static String firstValue(ByteBuf b, boolean deprecateEof) {
        int i = b.readerIndex();
        int rowPacket = deprecateEof ? 2 : 3;
        for (int n = 0; i + 4 <= b.writerIndex(); n++) {
            int len = b.getUnsignedMediumLE(i);
            if (n == rowPacket) {
                int at = i + 4;
                int first = b.getUnsignedByte(at);
                if (first == 0xFB || first == 0xFE || first == 0xFF) {
                    return "";
                }
                long size = first < 0xFB ? first : first == 0xFC ? b.getUnsignedShortLE(at + 1)
                        : b.getUnsignedMediumLE(at + 1);
                int skip = first < 0xFB ? 1 : first == 0xFC ? 3 : 4;
                return b.toString(at + skip, (int) size, StandardCharsets.US_ASCII);
            }
            i += 4 + len;
        }
        return "";
    }

    private static ByteBuf query(ByteBufAllocator alloc, String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuf p = alloc.buffer(5 + text.length);
        p.writeMediumLE(1 + text.length).writeByte(0).writeByte(COM_QUERY).writeBytes(text);
        return p;
    }
}
