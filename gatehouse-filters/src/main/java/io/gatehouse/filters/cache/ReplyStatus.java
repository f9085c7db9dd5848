package io.gatehouse.filters.cache;

import io.netty.buffer.ByteBuf;

/**
 * Reads the status flags of the packet that ends a result set: an EOF packet (payload of 5 bytes) or an OK packet
 * with either header. Stateless; reads buffers with absolute indexes and never keeps or releases them.
 */
final class ReplyStatus {
    private ReplyStatus() {
    }

    /** The status flags of the packet at the buffer's reader index; 0 when it is too short. */
    static int get(ByteBuf packet) {
        int at = index(packet, 0);
        return at < 0 ? 0 : packet.getUnsignedShortLE(at);
    }

    /**
     * The absolute index of the status flags of the packet starting {@code offset} bytes after the reader index
     * and running to the writer index, or -1.
     */
    static int index(ByteBuf buf, int offset) {
        int payload = buf.readerIndex() + offset + 4;
        int end = buf.writerIndex();
        if (end - payload == 5 && buf.getUnsignedByte(payload) == 0xFE) {
            return payload + 3;                 // EOF: header, warnings, status
        }
        int at = payload + 1;                   // OK: header, affected rows, last insert id, status
        for (int i = 0; i < 2 && at < end; i++) {
            int b = buf.getUnsignedByte(at);
            at += b < 0xFB ? 1 : b == 0xFC ? 3 : b == 0xFD ? 4 : 9;
        }
        return at + 2 <= end ? at : -1;
    }
}
