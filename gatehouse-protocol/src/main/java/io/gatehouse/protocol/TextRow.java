package io.gatehouse.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.Charset;
import java.util.List;

/**
 * Reads and writes text-protocol result rows: one length-encoded string per column, 0xFB for NULL. Stateless and
 * thread-safe; decoding leaves the caller's buffer indices unchanged and never releases it; {@link #write} returns a
 * new buffer the caller owns.
 */
public final class TextRow {
    private TextRow() {
    }

    /** The values of a row payload (no header) with {@code columns} columns; null entries are SQL NULL. */
    public static String[] decode(ByteBuf payload, int columns, Charset charset) {
        ByteBuf b = payload.duplicate();
        String[] values = new String[columns];
        for (int i = 0; i < columns; i++) {
            values[i] = LenEnc.readString(b, charset, "row.column[" + i + "]");
        }
        if (b.isReadable()) {
            throw ProtocolException.field("row", b.readableBytes() + " bytes after the last column",
                    "exactly " + columns + " columns");
        }
        return values;
    }

    /** Writes a row payload (no header); null values become NULL markers. */
    public static void encode(ByteBuf out, List<String> values, Charset charset) {
        for (String v : values) {
            LenEnc.writeString(out, v, charset);
        }
    }

    /** A complete row packet (header included, split if 16 MiB or larger); the caller owns it. */
    public static ByteBuf write(ByteBufAllocator alloc, int sequence, List<String> values, Charset charset) {
        ByteBuf payload = alloc.buffer();
        try {
            encode(payload, values, charset);
        } catch (RuntimeException e) {
            payload.release();
            throw e;
        }
        return Packets.frame(alloc, sequence, payload);
    }
}
