package io.gatehouse.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.Charset;

/**
 * Readers and writers for the protocol's length-encoded integers and strings and its NUL-terminated strings.
 * Stateless and thread-safe; every method reads from or writes to the buffer it is given at its reader or writer
 * index, advancing it, and never retains or releases the buffer.
 *
 * <p>Every reader checks the bytes it needs are there and throws {@link ProtocolException} when they are not, so a
 * truncated packet never surfaces as an {@code IndexOutOfBoundsException}.
 */
public final class LenEnc {
    /** The first byte of a length-encoded value that stands for SQL NULL in text-protocol rows. */
    public static final int NULL_MARKER = 0xFB;
    /** What {@link #readInt} returns for {@link #NULL_MARKER}. */
    public static final long NULL = -1;

    private LenEnc() {
    }

    /**
     * Reads a length-encoded integer; returns {@link #NULL} for the 0xFB NULL marker. Values of 2^63 and above
     * (8-byte form) come back negative, as Java has no unsigned long; callers that care use
     * {@link Long#toUnsignedString}.
     */
    public static long readInt(ByteBuf buf) {
        return readInt(buf, "length-encoded integer");
    }

    /** As {@link #readInt(ByteBuf)}, naming {@code field} in the exception when the input is bad. */
    public static long readInt(ByteBuf buf, String field) {
        need(buf, 1, field);
        int first = buf.readUnsignedByte();
        switch (first) {
            case 0xFB:
                return NULL;
            case 0xFC:
                need(buf, 2, field);
                return buf.readUnsignedShortLE();
            case 0xFD:
                need(buf, 3, field);
                return buf.readUnsignedMediumLE();
            case 0xFE:
                need(buf, 8, field);
                return buf.readLongLE();
            case 0xFF:
                throw ProtocolException.field(field, "first byte 0xFF", "0x00-0xFE");
            default:
                return first;
        }
    }

    /** Writes {@code value} as a length-encoded integer (never the NULL marker). */
    public static void writeInt(ByteBuf buf, long value) {
        if (value >= 0 && value < 251) {
            buf.writeByte((int) value);
        } else if (value >= 0 && value < (1 << 16)) {
            buf.writeByte(0xFC);
            buf.writeShortLE((int) value);
        } else if (value >= 0 && value < (1 << 24)) {
            buf.writeByte(0xFD);
            buf.writeMediumLE((int) value);
        } else {
            buf.writeByte(0xFE);
            buf.writeLongLE(value);
        }
    }

    /** The number of bytes {@link #writeInt} writes for {@code value}. */
    public static int sizeOf(long value) {
        if (value >= 0 && value < 251) {
            return 1;
        } else if (value >= 0 && value < (1 << 16)) {
            return 3;
        } else if (value >= 0 && value < (1 << 24)) {
            return 4;
        }
        return 9;
    }

    /** Reads a length-encoded byte string; returns null for the NULL marker. */
    public static byte[] readBytes(ByteBuf buf) {
        return readBytes(buf, "length-encoded string");
    }

    /** As {@link #readBytes(ByteBuf)}, naming {@code field} in the exception when the input is bad. */
    public static byte[] readBytes(ByteBuf buf, String field) {
        if (skipNullMarker(buf)) {
            return null;
        }
        long len = readInt(buf, field);
        if (len < 0 || len > buf.readableBytes()) {
            throw ProtocolException.field(field, "length " + Long.toUnsignedString(len),
                    "at most the " + buf.readableBytes() + " bytes left in the packet");
        }
        byte[] out = new byte[(int) len];
        buf.readBytes(out);
        return out;
    }

    /** Reads a length-encoded string; returns null for the NULL marker. */
    public static String readString(ByteBuf buf, Charset charset) {
        return readString(buf, charset, "length-encoded string");
    }

    /** As {@link #readString(ByteBuf, Charset)}, naming {@code field} in the exception when the input is bad. */
    public static String readString(ByteBuf buf, Charset charset, String field) {
        if (skipNullMarker(buf)) {
            return null;
        }
        long len = readInt(buf, field);
        if (len < 0 || len > buf.readableBytes()) {
            throw ProtocolException.field(field, "length " + Long.toUnsignedString(len),
                    "at most the " + buf.readableBytes() + " bytes left in the packet");
        }
        String s = buf.toString(buf.readerIndex(), (int) len, charset);
        buf.skipBytes((int) len);
        return s;
    }

    /**
     * Consumes a leading NULL marker. Checked on the byte, not on {@link #readInt}'s result, because an 8-byte
     * length of all ones also reads as -1.
     */
    private static boolean skipNullMarker(ByteBuf buf) {
        if (buf.isReadable() && buf.getUnsignedByte(buf.readerIndex()) == NULL_MARKER) {
            buf.skipBytes(1);
            return true;
        }
        return false;
    }

    /** Writes a length-encoded byte string; null is written as the NULL marker. */
    public static void writeBytes(ByteBuf buf, byte[] value) {
        if (value == null) {
            buf.writeByte(NULL_MARKER);
            return;
        }
        writeInt(buf, value.length);
        buf.writeBytes(value);
    }

    /** Writes a length-encoded string; null is written as the NULL marker. */
    public static void writeString(ByteBuf buf, String value, Charset charset) {
        writeBytes(buf, value == null ? null : value.getBytes(charset));
    }

    /** Reads a NUL-terminated string and consumes the NUL; throws when there is no NUL before the end. */
    public static String readNulString(ByteBuf buf, Charset charset) {
        return readNulString(buf, charset, "NUL-terminated string");
    }

    /** As {@link #readNulString(ByteBuf, Charset)}, naming {@code field} in the exception. */
    public static String readNulString(ByteBuf buf, Charset charset, String field) {
        int nul = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (nul < 0) {
            throw ProtocolException.field(field, "no NUL in the " + buf.readableBytes() + " bytes left",
                    "a NUL-terminated string");
        }
        String s = buf.toString(buf.readerIndex(), nul - buf.readerIndex(), charset);
        buf.readerIndex(nul + 1);
        return s;
    }

    /**
     * Reads up to a NUL or to the end of the buffer, whichever comes first. Some clients leave out the last NUL of
     * a handshake response (the plugin name), and servers accept that, so we do too.
     */
    public static String readNulOrEofString(ByteBuf buf, Charset charset) {
        int nul = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        int end = nul < 0 ? buf.writerIndex() : nul;
        String s = buf.toString(buf.readerIndex(), end - buf.readerIndex(), charset);
        buf.readerIndex(nul < 0 ? end : end + 1);
        return s;
    }

    /** Writes {@code value} followed by a NUL; null is written as an empty string. */
    public static void writeNulString(ByteBuf buf, String value, Charset charset) {
        if (value != null) {
            buf.writeBytes(value.getBytes(charset));
        }
        buf.writeByte(0);
    }

    /** Throws a {@link ProtocolException} naming {@code field} unless {@code n} bytes are readable. */
    public static void need(ByteBuf buf, int n, String field) {
        if (buf.readableBytes() < n) {
            throw ProtocolException.truncated(field, n, buf.readableBytes());
        }
    }
}
