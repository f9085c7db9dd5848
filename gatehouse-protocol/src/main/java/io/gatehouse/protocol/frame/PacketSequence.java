package io.gatehouse.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * Sets the sequence numbers of whole packets in a buffer, for replies a proxy makes or reshapes itself (a filter's
 * answer, a result set cut short): the client checks that they count up without a gap. Stateless; it changes the
 * given buffer in place and neither keeps nor releases it.
 */
public final class PacketSequence {
    private PacketSequence() {
    }

    /**
     * Numbers every packet between the reader and writer index of {@code buf} from {@code first} up (modulo 256)
     * and returns the number the next packet gets. A trailing partial packet is left alone.
     */
    public static int renumber(ByteBuf buf, int first) {
        int seq = first;
        int at = buf.readerIndex();
        int end = buf.writerIndex();
        while (end - at >= 4) {
            int length = buf.getUnsignedMediumLE(at);
            buf.setByte(at + 3, seq);
            seq = (seq + 1) & 0xff;
            at += 4 + length;
        }
        return seq;
    }
}
