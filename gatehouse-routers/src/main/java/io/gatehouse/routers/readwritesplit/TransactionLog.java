package io.gatehouse.routers.readwritesplit;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The open transaction of one readwritesplit session as {@code transaction_replay} keeps it: a copy of each
 * statement the primary completed (with the client's statement ids) and a checksum of the reply the client saw, so
 * that the transaction can run again on a new primary and be shown to give the same results
 * ({@code transaction_replay_checksum}: full, result_only or no_insert_id). Per session, on its worker thread; owns
 * the statement copies.
 */
final class TransactionLog {
    /** One statement of the transaction and the checksum of its reply. */
    record Entry(ByteBuf packet, int command, long checksum) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final long maxSize;
    private final String mode;
    private long size;
    private boolean overflowed;
    private boolean wrote;
    /** The checksum of the reply's row packets so far, and the packet being read (reply bytes are a stream). */
    private long rowSum;
    private final CRC32C packet = new CRC32C();
    private final byte[] header = new byte[4];
    private int headerRead;
    private int left;
    private int length;
    private final byte[] first = new byte[4];
    private int packetNo;

    TransactionLog(long maxSize, String mode) {
        this.maxSize = maxSize;
        this.mode = mode;
    }

    /** Starts the checksum of a new reply. */
    void replyStarts() {
        rowSum = 0;
        headerRead = 0;
        packetNo = 0;
    }

    /**
     * Reply bytes the client gets (or, during a replay, would get); not consumed. Only row packets count: the column
     * count and definitions may be left out by a server whose client caches metadata, and the status flags and
     * warnings of EOF and OK packets may differ on another server.
     */
    void replyBytes(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (headerRead < 4) {
                header[headerRead++] = buf.getByte(i++);
                if (headerRead == 4) {
                    length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                    left = length;
                    first[0] = 0;
                    packet.reset();
                    if (left == 0) {
                        packetEnds();
                    }
                }
                continue;
            }
            int n = Math.min(left, end - i);
            int at = length - left;                        // where in the payload this chunk starts
            for (int k = 0; at + k < first.length && k < n; k++) {
                first[at + k] = buf.getByte(i + k);
            }
            packet.update(buf.nioBuffer(i, n));
            i += n;
            left -= n;
            if (left == 0) {
                packetEnds();
            }
        }
    }

    private void packetEnds() {
        boolean terminator = length > 0 && length < 0xFFFFFF && first[0] == (byte) 0xFE;
        boolean columnDefinition = length >= 4 && first[0] == 3 && first[1] == 'd' && first[2] == 'e'
                && first[3] == 'f';
        if (packetNo > 0 && !terminator && !columnDefinition) {
            rowSum = rowSum * 1_000_003 + packet.getValue() + length;
        }
        packetNo++;
        headerRead = 0;
    }

    /**
     * The checksum of the completed reply: the bytes of a result set; for an OK its affected rows (and its insert
     * id unless no_insert_id), nothing under result_only; for an error its code. Status flags, warnings and
     * session-tracking data may differ on another server and are left out.
     */
    long replyDone(Reply r) {
        return switch (r.kind()) {
            case RESULT_SET, OTHER -> rowSum ^ ((long) r.kind().ordinal() << 40);
            case OK -> "result_only".equals(mode) ? 1
                    : 31 * r.affectedRows() + ("no_insert_id".equals(mode) ? 0 : r.lastInsertId()) + (2L << 40);
            case ERROR -> r.errorCode() + (3L << 40);
            case PREPARE_OK -> r.parameterCount() + (4L << 40);
        };
    }

    /** Adds a completed statement (a copy of {@code packet} is kept) unless the transaction grew too large. */
    void add(ByteBuf packet, int command, long checksum, boolean writes) {
        wrote |= writes;
        if (overflowed) {
            return;
        }
        size += packet.readableBytes();
        if (size > maxSize) {
            // Too large to keep: it cannot be replayed, and a lost primary ends the session as without replay.
            overflowed = true;
            releaseEntries();
            return;
        }
        entries.add(new Entry(packet.copy(), command, checksum));
    }

    /** True while the transaction can be replayed (nothing was dropped for size). */
    boolean replayable() {
        return !overflowed;
    }

    /** True when a statement of the transaction may have changed data (its COMMIT needs settling if lost). */
    boolean wrote() {
        return wrote;
    }

    boolean isEmpty() {
        return entries.isEmpty() && !overflowed;
    }

    List<Entry> entries() {
        return entries;
    }

    /** The transaction ended (or the session did): forget it. */
    void clear() {
        releaseEntries();
        overflowed = false;
        wrote = false;
        size = 0;
    }

    private void releaseEntries() {
        for (Entry e : entries) {
            e.packet().release();
        }
        entries.clear();
    }
}
