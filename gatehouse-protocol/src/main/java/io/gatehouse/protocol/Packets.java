package io.gatehouse.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Framing helpers for MariaDB packets: a 3-byte little-endian payload length and a 1-byte sequence number, with
 * payloads of 16 MiB - 1 bytes and more split into full-size chunks plus a shorter (possibly empty) final chunk.
 * Stateless and thread-safe; the header readers never change buffer indices, and {@link #frame} takes ownership of
 * the payload it is given.
 */
public final class Packets {
    public static final int HEADER_SIZE = 4;
    /** The largest payload one packet carries; a packet of exactly this size means "continued in the next one". */
    public static final int MAX_PAYLOAD = 0xFFFFFF;

    private Packets() {
    }

    /** The payload length in the header starting at {@code headerIndex} (absolute; indices unchanged). */
    public static int payloadLength(ByteBuf buf, int headerIndex) {
        return buf.getUnsignedMediumLE(headerIndex);
    }

    /** The sequence number in the header starting at {@code headerIndex} (absolute; indices unchanged). */
    public static int sequence(ByteBuf buf, int headerIndex) {
        return buf.getUnsignedByte(headerIndex + 3);
    }

    /** Writes a 4-byte header at the writer index. */
    public static void writeHeader(ByteBuf out, int payloadLength, int sequence) {
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD) {
            throw ProtocolException.field("payloadLength", payloadLength, "0.." + MAX_PAYLOAD);
        }
        out.writeMediumLE(payloadLength);
        out.writeByte(sequence & 0xFF);
    }

    /**
     * Wraps the readable bytes of {@code payload} into one or more packets starting at {@code sequence}; payloads
     * of {@link #MAX_PAYLOAD} bytes or more are split, and the sequence number goes up by one per chunk (wrapping at
     * 256). Takes ownership of {@code payload} (released here or by the returned buffer); the caller owns the
     * result. The payload bytes are not copied.
     */
    public static ByteBuf frame(ByteBufAllocator alloc, int sequence, ByteBuf payload) {
        try {
            int length = payload.readableBytes();
            int chunks = length / MAX_PAYLOAD + 1;
            CompositeByteBuf out = alloc.compositeBuffer(chunks * 2);
            try {
                int offset = payload.readerIndex();
                for (int i = 0; i < chunks; i++) {
                    int size = Math.min(MAX_PAYLOAD, payload.writerIndex() - offset);
                    ByteBuf header = alloc.buffer(HEADER_SIZE, HEADER_SIZE);
                    writeHeader(header, size, sequence + i);
                    out.addComponent(true, header);
                    if (size > 0) {
                        out.addComponent(true, payload.retainedSlice(offset, size));
                    }
                    offset += size;
                }
                return out;
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
        } finally {
            payload.release();
        }
    }

    /** The number of packets {@link #frame} produces for a payload of {@code payloadLength} bytes. */
    public static int chunkCount(long payloadLength) {
        return (int) (payloadLength / MAX_PAYLOAD + 1);
    }
}
