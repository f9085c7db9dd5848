package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Capabilities.DEPRECATE_EOF;
import static io.gatehouse.protocol.Commands.COM_QUERY;

import io.gatehouse.api.router.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code causal_reads}: with {@code local} a session reads its own writes even on a replica: after a write, the
 * session's GTID ({@code @@last_gtid}) is fetched from the primary; with {@code universal} every read first fetches
 * the primary's {@code @@gtid_binlog_pos}, so it sees everything committed before it, by any session; and a replica runs a read only after
 * {@code MASTER_GTID_WAIT} confirmed it has applied that GTID; a replica that does not catch up in time makes the
 * read go to the primary. Per session, on its worker thread; owns the reply bytes of its own internal queries.
 */
final class CausalReads {
    private final boolean enabled;
    private final boolean universal;
    private final long timeoutSeconds;
    private boolean writtenSinceFetch;
    private String lastGtid = "";
    private final Set<Endpoint> caughtUp = new HashSet<>();
    private CompositeByteBuf collected;

    /** {@code mode} is causal_reads: none, local (own writes) or universal (everything committed before). */
    CausalReads(String mode, long timeoutSeconds) {
        this.enabled = !mode.equals("none");
        this.universal = mode.equals("universal");
        this.timeoutSeconds = Math.max(1, timeoutSeconds);
    }

    /** A write on the primary succeeded: replicas must prove they have it before serving reads. */
    void wrote() {
        if (enabled) {
            writtenSinceFetch = true;
            caughtUp.clear();
        }
    }

    /** True when the session's last GTID must be fetched before reading on a replica. */
    boolean needsGtid() {
        return universal || enabled && writtenSinceFetch;
    }

    /** True when {@code replica} must first wait for the session's last GTID. */
    boolean needsWait(Endpoint replica) {
        return enabled && !lastGtid.isEmpty() && !caughtUp.contains(replica);
    }

    void caughtUp(Endpoint replica) {
        caughtUp.add(replica);
    }

    void forget(Endpoint e) {
        caughtUp.remove(e);
    }

    /** The query that reads the GTID of the session's last transaction. */
    ByteBuf gtidQuery(ByteBufAllocator alloc) {
        // universal: everything the primary has committed so far, from any session.
        return query(alloc, universal ? "SELECT @@gtid_binlog_pos" : "SELECT @@last_gtid");
    }

    /** A statement that succeeds once the replica has applied the GTID, and fails (error 1644) on timeout. */
    ByteBuf waitQuery(ByteBufAllocator alloc) {
        return query(alloc, "IF (MASTER_GTID_WAIT('" + lastGtid.replace("'", "") + "', " + timeoutSeconds
                + ") <> 0) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'replica did not catch up'; END IF");
    }

    /** Collects reply bytes of an internal query; takes ownership of {@code buf}. */
    void collect(ByteBufAllocator alloc, ByteBuf buf) {
        if (collected == null) {
            collected = alloc.compositeBuffer();
        }
        collected.addComponent(true, buf);
    }

    /** Reads the GTID out of the collected {@code SELECT @@last_gtid} result and releases the bytes. */
    void gtidFetched(long capabilities) {
        writtenSinceFetch = false;
        caughtUp.clear();
        lastGtid = collected == null ? "" : firstValue(collected, (capabilities & DEPRECATE_EOF) != 0);
        release();
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
