package io.gatehouse.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketsTest {
    @Test
    void headerFieldsAreLittleEndianLengthThenSequence() {
        ByteBuf b = Bufs.ALLOC.buffer();
        try {
            Packets.writeHeader(b, 0x123456, 7);
            assertThat(ByteBufUtilHex.of(b)).isEqualTo("56341207");
            assertThat(Packets.payloadLength(b, 0)).isEqualTo(0x123456);
            assertThat(Packets.sequence(b, 0)).isEqualTo(7);
            assertThat(b.readerIndex()).isZero();
        } finally {
            b.release();
        }
    }

    @Test
    void smallPayloadBecomesOnePacketAndThePayloadIsReleasedWithIt() {
        ByteBuf payload = Bufs.of(3, 'S', 'E', 'L');
        ByteBuf framed = Packets.frame(Bufs.ALLOC, 0, payload);
        assertThat(Bufs.drain(framed)).containsExactly(4, 0, 0, 0, 3, 'S', 'E', 'L');
        assertThat(payload.refCnt()).isZero();
    }

    @Test
    void emptyPayloadIsAHeaderOnly() {
        assertThat(Bufs.drain(Packets.frame(Bufs.ALLOC, 9, Bufs.ALLOC.buffer()))).containsExactly(0, 0, 0, 9);
    }

    @Test
    void payloadOfExactlyMaxSizeIsFollowedByAnEmptyPacket() {
        ByteBuf payload = Bufs.ALLOC.buffer(Packets.MAX_PAYLOAD).writeZero(Packets.MAX_PAYLOAD);
        byte[] out = Bufs.drain(Packets.frame(Bufs.ALLOC, 255, payload));
        assertThat(out).hasSize(Packets.MAX_PAYLOAD + 8);
        assertThat(Arrays.copyOf(out, 4)).containsExactly(0xFF, 0xFF, 0xFF, 0xFF);
        assertThat(Arrays.copyOfRange(out, out.length - 4, out.length)).as("sequence wraps to 0")
                .containsExactly(0, 0, 0, 0);
    }

    @Test
    void seventeenMebibytesSplitAndRejoinThroughANettyFrameDecoderFedInRandomPieces() {
        int size = 17 * 1024 * 1024;
        byte[] data = new byte[size];
        new Random(1).nextBytes(data);
        ByteBuf framed = Packets.frame(Bufs.ALLOC, 3, Bufs.of(data));
        EmbeddedChannel ch = new EmbeddedChannel(new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN,
                Packets.MAX_PAYLOAD + Packets.HEADER_SIZE, 0, 3, 1, 0, true));
        Random random = new Random(2);
        try {
            while (framed.isReadable()) {
                int n = Math.min(framed.readableBytes(), 1 + random.nextInt(3 * 1024 * 1024));
                ch.writeInbound(framed.readRetainedSlice(n));
            }
        } finally {
            framed.release();
        }
        List<Integer> lengths = new ArrayList<>();
        List<Integer> sequences = new ArrayList<>();
        ByteBuf joined = Unpooled.buffer(size);
        for (ByteBuf packet; (packet = ch.readInbound()) != null; ) {
            lengths.add(Packets.payloadLength(packet, 0));
            sequences.add(Packets.sequence(packet, 0));
            joined.writeBytes(packet, Packets.HEADER_SIZE, packet.readableBytes() - Packets.HEADER_SIZE);
            packet.release();
        }
        assertThat(ch.finish()).isFalse();
        assertThat(lengths).containsExactly(Packets.MAX_PAYLOAD, size - Packets.MAX_PAYLOAD);
        assertThat(sequences).containsExactly(3, 4);
        assertThat(joined.array()).isEqualTo(data);
        assertThat(Packets.chunkCount(size)).isEqualTo(2);
    }

    @Test
    void headerRejectsOversizedLength() {
        ByteBuf b = Bufs.ALLOC.buffer();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Packets.writeHeader(b, 1 << 24, 0))
                    .isInstanceOf(ProtocolException.class).hasMessageContaining("payloadLength");
        } finally {
            b.release();
        }
    }

    /** Hex of a buffer's readable bytes, without touching indices. */
    static final class ByteBufUtilHex {
        static String of(ByteBuf b) {
            return io.netty.buffer.ByteBufUtil.hexDump(b);
        }
    }
}
