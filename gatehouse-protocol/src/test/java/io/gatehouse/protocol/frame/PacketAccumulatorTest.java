package io.gatehouse.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.Bufs;
import io.gatehouse.protocol.PacketTooLargeException;
import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Framing of plain buffers however the stream is split; every buffer is pooled and leak-tracked. */
class PacketAccumulatorTest {
    private static final int MAX = Packets.MAX_PAYLOAD;

    /** One packet: header with {@code length} and {@code seq}, then a recognisable payload. */
    private static byte[] packet(int length, int seq) {
        byte[] p = new byte[4 + length];
        p[0] = (byte) length;
        p[1] = (byte) (length >>> 8);
        p[2] = (byte) (length >>> 16);
        p[3] = (byte) seq;
        for (int i = 0; i < length; i++) {
            p[4 + i] = (byte) (i * 31 + seq);
        }
        return p;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Feeds {@code stream} in chunks ending at {@code cuts}, calling next() after every chunk. */
    private static List<byte[]> frame(PacketAccumulator acc, byte[] stream, int... cuts) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        int[] ends = Arrays.copyOf(cuts, cuts.length + 1);
        ends[cuts.length] = stream.length;
        for (int end : ends) {
            acc.add(Bufs.of(Arrays.copyOfRange(stream, from, end)));
            from = end;
            for (ByteBuf p = acc.next(); p != null; p = acc.next()) {
                out.add(Bufs.drain(p));
            }
        }
        return out;
    }

    private static final byte[] P0 = packet(0, 0);
    private static final byte[] P1 = packet(1, 1);
    private static final byte[] P2 = packet(9, 2);

    @Test
    void severalPacketsInOneChunkAreSlicesOfIt() {
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
        ByteBuf chunk = Bufs.of(concat(P0, P1, P2));
        acc.add(chunk);
        ByteBuf a = acc.next();
        ByteBuf b = acc.next();
        ByteBuf c = acc.next();
        assertThat(acc.next()).isNull();
        assertThat(acc.bufferedBytes()).isZero();
        // Zero copy: the packets share the chunk's memory (the slices keep it alive).
        chunk.setByte(P0.length + P1.length + 4, 0x7F);
        assertThat(c.getByte(c.readerIndex() + 4)).isEqualTo((byte) 0x7F);
        assertThat(Bufs.drain(a)).isEqualTo(P0);
        assertThat(Bufs.drain(b)).isEqualTo(P1);
        byte[] expected = P2.clone();
        expected[4] = 0x7F;
        assertThat(Bufs.drain(c)).isEqualTo(expected);
        acc.release();
    }

    @Test
    void oneByteAtATime() {
        byte[] big = packet(PacketAccumulator.MIN_SEGMENT * 3 + 17, 3);
        byte[] stream = concat(P0, P1, big, P2);
        int[] cuts = new int[stream.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
        assertThat(frame(acc, stream, cuts)).containsExactly(P0, P1, big, P2);
        assertThat(acc.bufferedBytes()).isZero();
        acc.release();
    }

    @Test
    void everySplitIntoTwoAndThreeChunks() {
        byte[] stream = concat(P0, P1, P2, packet(5, 4));
        for (int i = 0; i <= stream.length; i++) {
            PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
            assertThat(frame(acc, stream, i)).as("split at %d", i).containsExactly(P0, P1, P2, packet(5, 4));
            acc.release();
            for (int j = i; j <= stream.length; j++) {
                PacketAccumulator acc3 = new PacketAccumulator(Bufs.ALLOC, MAX);
                assertThat(frame(acc3, stream, i, j)).as("split at %d and %d", i, j)
                        .containsExactly(P0, P1, P2, packet(5, 4));
                acc3.release();
            }
        }
    }

    @Test
    void largePiecesOfASpanningPacketAreKeptWithoutACopy() {
        int cut = PacketAccumulator.ADOPT_MIN + 100;
        byte[] big = packet(2 * cut, 1);
        ByteBuf a = Bufs.of(Arrays.copyOfRange(big, 0, cut)).retain();
        ByteBuf b = Bufs.of(Arrays.copyOfRange(big, cut, big.length)).retain();
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
        acc.add(a);
        assertThat(acc.next()).isNull();
        acc.add(b);
        ByteBuf p = acc.next();
        a.setByte(10, 0x55);
        b.setByte(10, 0x66);
        byte[] expected = big.clone();
        expected[10] = 0x55;
        expected[cut + 10] = 0x66;
        assertThat(Bufs.drain(p)).as("the packet shares the reads' memory").isEqualTo(expected);
        a.release();
        b.release();
        acc.release();
    }

    @Test
    void smallPiecesOfMostlyEmptyReadBuffersAreCopied() {
        byte[] big = packet(3000, 1);
        List<ByteBuf> reads = new ArrayList<>();
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
        for (int from = 0; from < big.length; from += 1500) {
            // Like a 1500-byte read into a 64 KiB read buffer: keeping it would pin 64 KiB for 1500 bytes.
            ByteBuf read = Bufs.ALLOC.buffer(65536).writeBytes(big, from, Math.min(1500, big.length - from));
            reads.add(read.retain());
            acc.add(read);
        }
        ByteBuf p = acc.next();
        for (ByteBuf read : reads) {
            read.setByte(0, 0x55);
            read.release();
        }
        assertThat(Bufs.drain(p)).isEqualTo(big);
        acc.release();
    }

    @Test
    void chunksAddedBeforeAskingAreFramedInOrder() {
        byte[] big = packet(100_000, 7);
        byte[] stream = concat(P1, big, P2);
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
        for (int from = 0; from < stream.length; from += 3000) {
            acc.add(Bufs.of(Arrays.copyOfRange(stream, from, Math.min(stream.length, from + 3000))));
        }
        assertThat(acc.bufferedBytes()).isEqualTo(stream.length);
        assertThat(Bufs.drain(acc.next())).isEqualTo(P1);
        assertThat(Bufs.drain(acc.next())).isEqualTo(big);
        assertThat(Bufs.drain(acc.next())).isEqualTo(P2);
        assertThat(acc.next()).isNull();
        acc.release();
    }

    @Test
    void sixteenMebibytesInFourKibibyteReadsJoinIntoOneCommand() {
        byte[] first = packet(MAX, 0);
        byte[] last = packet(1000, 1);
        byte[] stream = concat(first, last, P2);
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, 32L << 20);
        List<byte[]> commands = new ArrayList<>();
        long fed = 0;
        ByteBuf middle = null;
        for (int from = 0; from < stream.length; from += 4096) {
            int to = Math.min(stream.length, from + 4096);
            ByteBuf read = Bufs.of(Arrays.copyOfRange(stream, from, to));
            if (from == 4096 * 1000) {
                middle = read.retain();
            }
            acc.add(read);
            fed += to - from;
            if (middle != null) {
                // Small reads are copied and freed at once: 16 MiB of read buffers are never pinned.
                assertThat(middle.refCnt()).as("references to a 4 KiB read once added").isEqualTo(1);
                middle.setByte(0, ~stream[4096 * 1000]);
                middle.release();
                middle = null;
            }
            for (ByteBuf c = acc.nextCommand(); c != null; c = acc.nextCommand()) {
                fed -= c.readableBytes();
                commands.add(Bufs.drain(c));
            }
            assertThat(acc.bufferedBytes()).isEqualTo(fed);
        }
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0)).isEqualTo(concat(Arrays.copyOf(stream, first.length + last.length)));
        assertThat(commands.get(1)).isEqualTo(P2);
        acc.release();
    }

    @Test
    void aPayloadOfExactlyTheMaximumEndsWithAnEmptyPacket() {
        byte[] first = packet(MAX, 5);
        byte[] empty = packet(0, 6);
        byte[] stream = concat(first, empty, P1);
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
        Random random = new Random(42);
        List<byte[]> commands = new ArrayList<>();
        for (int from = 0; from < stream.length; ) {
            int to = Math.min(stream.length, from + 1 + random.nextInt(3 << 20));
            acc.add(Bufs.of(Arrays.copyOfRange(stream, from, to)));
            from = to;
            for (ByteBuf c = acc.nextCommand(); c != null; c = acc.nextCommand()) {
                commands.add(Bufs.drain(c));
            }
        }
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0)).isEqualTo(concat(first, empty));
        assertThat(commands.get(1)).isEqualTo(P1);
        acc.release();
    }

    @Test
    void nextRefusesToMixWithAHalfReadCommand() {
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, 64L << 20);
        acc.add(Bufs.of(packet(MAX, 0)));
        assertThat(acc.nextCommand()).isNull();
        assertThat(acc.bufferedBytes()).isEqualTo(4L + MAX);
        assertThatThrownBy(acc::next).isInstanceOf(IllegalStateException.class);
        acc.release();
        assertThat(acc.bufferedBytes()).isZero();
    }

    @Test
    void oversizedHeaderIsRefusedBeforeItsPayloadArrives() {
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, 1000);
        acc.add(Bufs.of(P1));
        assertThat(Bufs.drain(acc.next())).isEqualTo(P1);
        byte[] header = Arrays.copyOf(packet(1001, 9), 4);
        acc.add(Bufs.of(header[0], header[1]));
        assertThat(acc.next()).isNull();
        acc.add(Bufs.of(header[2], header[3]));
        assertThatThrownBy(acc::next).isInstanceOfSatisfying(PacketTooLargeException.class, e -> {
            assertThat(e.payloadLength()).isEqualTo(1001);
            assertThat(e.limit()).isEqualTo(1000);
            assertThat(e.sequence()).isEqualTo(9);
            assertThat(e).hasMessage("payload length: 1001 (expected: at most 1000 bytes, the largest packet"
                    + " accepted)");
        });
        assertThat(acc.bufferedBytes()).isZero();
        acc.add(Bufs.of(new byte[500]));
        assertThat(acc.bufferedBytes()).as("later bytes are dropped, not buffered").isZero();
        assertThat(acc.next()).isNull();
        acc.release();
    }

    @Test
    void aCommandIsRefusedAtTheHeaderThatTakesItOverTheLimit() {
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX + 10L);
        acc.add(Bufs.of(concat(packet(MAX, 0), Arrays.copyOf(packet(11, 1), 4))));
        assertThatThrownBy(acc::nextCommand).isInstanceOfSatisfying(PacketTooLargeException.class, e -> {
            assertThat(e.payloadLength()).isEqualTo(MAX + 11L);
            assertThat(e.sequence()).isEqualTo(1);
        });
        assertThat(acc.bufferedBytes()).isZero();
        acc.release();
    }

    @Test
    void theLimitCanBeLiftedForLocalInfileData() {
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, 4);
        acc.maxPayload(Long.MAX_VALUE);
        byte[] data = packet(5000, 2);
        assertThat(frame(acc, data, 1000)).containsExactly(data);
        acc.release();
    }

    @Test
    void drainHandsOverTheUnframedBytesInOrder() {
        byte[] big = packet(200_000, 3);
        byte[] stream = concat(P1, big);
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
        acc.add(Bufs.of(Arrays.copyOfRange(stream, 0, 90_000)));
        assertThat(Bufs.drain(acc.next())).isEqualTo(P1);
        assertThat(acc.next()).isNull();
        acc.add(Bufs.of(Arrays.copyOfRange(stream, 90_000, 150_000)));
        acc.add(Bufs.of(Arrays.copyOfRange(stream, 150_000, 150_010)));
        assertThat(acc.bufferedBytes()).isEqualTo(150_010 - P1.length);
        ByteBuf rest = acc.drain();
        assertThat(ByteBufUtil.getBytes(rest)).isEqualTo(Arrays.copyOfRange(stream, P1.length, 150_010));
        rest.release();
        assertThat(acc.bufferedBytes()).isZero();
        assertThat(acc.drain()).isNull();
        // Still usable after a drain.
        assertThat(frame(acc, P2, 3)).containsExactly(P2);
        acc.release();
    }

    @Test
    void releaseFreesEverythingHeldAndLaterChunks() {
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, 64L << 20);
        acc.add(Bufs.of(packet(MAX, 0)));
        assertThat(acc.nextCommand()).isNull();
        acc.add(Bufs.of(Arrays.copyOf(packet(70_000, 1), 30_000)));
        assertThat(acc.nextCommand()).isNull();
        acc.add(Bufs.of(new byte[10]));
        acc.release();
        acc.release();
        acc.add(Bufs.of(P1));
        assertThat(acc.bufferedBytes()).isZero();
        assertThat(acc.next()).isNull();
    }

    /**
     * A chunk that holds exactly one packet (a client's usual read) is handed over as it is: no slice, the caller
     * owns the only reference; a chunk with two packets still gives slices, each with only its packet's bytes.
     */
    @Test
    void chunkOfExactlyOnePacketIsHandedOverItself() {
        PacketAccumulator acc = new PacketAccumulator(Bufs.ALLOC, MAX);
        ByteBuf chunk = Bufs.of(packet(5, 0));
        acc.add(chunk);
        ByteBuf p = acc.next();
        assertThat(p).isSameAs(chunk);
        assertThat(p.refCnt()).isEqualTo(1);
        assertThat(acc.bufferedBytes()).isZero();
        assertThat(Bufs.drain(p)).isEqualTo(packet(5, 0));

        ByteBuf two = Bufs.of(concat(packet(3, 0), packet(2, 1)));
        acc.add(two);
        ByteBuf first = acc.next();
        ByteBuf second = acc.next();
        assertThat(first).isNotSameAs(two);
        assertThat(Bufs.drain(first)).isEqualTo(packet(3, 0));
        assertThat(Bufs.drain(second)).isEqualTo(packet(2, 1));
        assertThat(acc.next()).isNull();
    }
}
