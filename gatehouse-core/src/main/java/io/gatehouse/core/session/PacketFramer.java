package io.gatehouse.core.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Collects bytes until whole packets are available, for the handshake phases where every packet is read whole and
 * is small. Confined to one channel's event loop. It owns its cumulation buffer and releases it in
 * {@link #release}; {@link #add} takes ownership of the chunk it is given; {@link #next} hands the caller a new
 * buffer (header included) that the caller must release.
 */
public final class PacketFramer {
    private final int maxPacket;
    private ByteBuf cumulation;

    public PacketFramer(int maxPacket) {
        this.maxPacket = maxPacket;
    }

    /** Appends a chunk; the chunk is released here. */
    public void add(ByteBufAllocator alloc, ByteBuf chunk) {
        try {
            if (cumulation == null) {
                cumulation = alloc.buffer(Math.max(64, chunk.readableBytes()));
            }
            cumulation.writeBytes(chunk);
        } finally {
            chunk.release();
        }
    }

    /**
     * The next whole packet including its 4-byte header, or null when more bytes are needed.
     *
     * @throws IllegalStateException when a packet announces more than the allowed size
     */
    public ByteBuf next() {
        if (cumulation == null || cumulation.readableBytes() < 4) {
            return null;
        }
        int r = cumulation.readerIndex();
        int len = cumulation.getUnsignedMediumLE(r);
        if (len > maxPacket) {
            throw new IllegalStateException("packet length: " + len + " (expected: at most " + maxPacket
                    + " bytes during the handshake)");
        }
        if (cumulation.readableBytes() < 4 + len) {
            return null;
        }
        ByteBuf packet = cumulation.readRetainedSlice(4 + len);
        if (!cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        }
        return packet;
    }

    /** How many bytes are held, not yet framed. */
    public int heldBytes() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    /** Hands over the bytes not yet framed (may be null), leaving the framer empty. */
    public ByteBuf drain() {
        ByteBuf rest = cumulation;
        cumulation = null;
        return rest;
    }

    public void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
