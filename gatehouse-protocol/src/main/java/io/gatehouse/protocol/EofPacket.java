package io.gatehouse.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The EOF packet (0xFE, shorter than 9 bytes) that ends column definitions and rows when DEPRECATE_EOF is off.
 * An immutable value; decoding leaves the caller's buffer indices unchanged and never releases it; {@link #write}
 * returns a new buffer the caller owns.
 */
public record EofPacket(int warnings, int status) {
    public static final int HEADER = 0xFE;
    /** Payload length of the 4.1 form. */
    public static final int LENGTH = 5;

    /**
     * True when the payload is an EOF packet: header 0xFE and shorter than 9 bytes (a row can also start with 0xFE,
     * as an 8-byte length, but is then at least 9 bytes long). Indices unchanged.
     */
    public static boolean isEof(ByteBuf payload) {
        return payload.isReadable() && payload.readableBytes() < 9
                && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
    }

    /** Decodes an EOF payload (no header); the one-byte pre-4.1 form gives zero warnings and status. */
    public static EofPacket decode(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        LenEnc.need(b, 1, "eof.header");
        int header = b.readUnsignedByte();
        if (header != HEADER) {
            throw ProtocolException.field("eof.header", String.format("0x%02X", header), "0xFE");
        }
        if (!b.isReadable()) {
            return new EofPacket(0, 0);
        }
        LenEnc.need(b, 4, "eof.warnings+status");
        int warnings = b.readUnsignedShortLE();
        int status = b.readUnsignedShortLE();
        return new EofPacket(warnings, status);
    }

    /** A complete EOF packet (header included); the caller owns it. */
    public static ByteBuf write(ByteBufAllocator alloc, int sequence, int warnings, int status) {
        ByteBuf out = alloc.buffer(Packets.HEADER_SIZE + LENGTH);
        Packets.writeHeader(out, LENGTH, sequence);
        out.writeByte(HEADER);
        out.writeShortLE(warnings);
        out.writeShortLE(status);
        return out;
    }

    /** Writes the payload (no header) into {@code out}. */
    public void encode(ByteBuf out) {
        out.writeByte(HEADER);
        out.writeShortLE(warnings);
        out.writeShortLE(status);
    }
}
