package io.gatehouse.benchmarks.protocol;

import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of framing one packet of 16 MiB (payload {@code 0xFFFFFE}, the largest single packet) by the size of the
 * reads it arrives in, through {@link PacketAccumulator} and through the re-copying cumulation the statement
 * pipeline used before it; one benchmark thread, which owns every buffer and releases it within the operation.
 *
 * <p>Each read is modelled as what a socket read does: a buffer of the read's size from Netty's default allocator
 * (the proxy's channels use it; adaptive and direct in Netty 4.2, {@code -Dio.netty.allocator.type=pooled} for the
 * older pooled one), filled by copying from the source bytes. So the single 16 MiB read pays for
 * one 16 MiB allocation and copy, and is the fair baseline for the same bytes arriving 4 KiB at a time.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PacketAccumulatorBenchmark {
    private static final int PAYLOAD = Packets.MAX_PAYLOAD - 1;
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** The size of each read. */
    @Param({"4096", "16777218"})
    public int readSize;

    private byte[] stream;
    /** Where {@link #accumulatorThenRead} reads each packet to. */
    private ByteBuffer sink;

    @Setup(Level.Trial)
    public void setUp() {
        stream = new byte[Packets.HEADER_SIZE + PAYLOAD];
        sink = ByteBuffer.allocateDirect(stream.length);
        stream[0] = (byte) PAYLOAD;
        stream[1] = (byte) (PAYLOAD >>> 8);
        stream[2] = (byte) (PAYLOAD >>> 16);
        for (int i = Packets.HEADER_SIZE; i < stream.length; i++) {
            stream[i] = (byte) i;
        }
    }

    private ByteBuf read(int from) {
        int n = Math.min(readSize, stream.length - from);
        return ALLOC.buffer(n, n).writeBytes(stream, from, n);
    }

    /** The reads alone, released unframed: the floor under both framings. */
    @Benchmark
    public int readsOnly() {
        int read = 0;
        for (int from = 0; from < stream.length; from += readSize) {
            ByteBuf chunk = read(from);
            read += chunk.readableBytes();
            chunk.release();
        }
        return read;
    }

    /** Frames the packet with {@link PacketAccumulator#nextCommand}; returns its length. */
    @Benchmark
    public int accumulator() {
        PacketAccumulator acc = new PacketAccumulator(ALLOC, 64L << 20);
        int framed = 0;
        for (int from = 0; from < stream.length; from += readSize) {
            acc.add(read(from));
            for (ByteBuf p = acc.nextCommand(); p != null; p = acc.nextCommand()) {
                framed += p.readableBytes();
                p.release();
            }
        }
        acc.release();
        return framed;
    }

    /**
     * As {@link #accumulator}, and the consumer then reads every byte of the packet, as a write to a socket does
     * (copied into one reusable direct buffer): a packet in many pieces costs its reader more than one in one piece.
     */
    @Benchmark
    public long accumulatorThenRead() {
        PacketAccumulator acc = new PacketAccumulator(ALLOC, 64L << 20);
        long framed = 0;
        for (int from = 0; from < stream.length; from += readSize) {
            acc.add(read(from));
            for (ByteBuf p = acc.nextCommand(); p != null; p = acc.nextCommand()) {
                sink.clear();
                p.getBytes(p.readerIndex(), sink);
                framed += sink.get(sink.position() - 1);
                p.release();
            }
        }
        acc.release();
        return framed;
    }

    /**
     * The cumulation {@code StatementStream.fromClient} used: every read is appended by copying the whole cumulation
     * into a new buffer, so a packet arriving in n reads costs O(n²) bytes copied.
     */
    @Benchmark
    public int recopyEveryRead() {
        ByteBuf cumulation = null;
        int framed = 0;
        for (int from = 0; from < stream.length; from += readSize) {
            ByteBuf in = read(from);
            if (cumulation == null) {
                cumulation = in;
            } else {
                ByteBuf joined = ALLOC.buffer(cumulation.readableBytes() + in.readableBytes());
                joined.writeBytes(cumulation).writeBytes(in);
                cumulation.release();
                in.release();
                cumulation = joined;
            }
            while (cumulation != null && cumulation.readableBytes() >= 4) {
                int len = cumulation.getUnsignedMediumLE(cumulation.readerIndex());
                if (cumulation.readableBytes() < 4 + len) {
                    break;
                }
                ByteBuf packet = cumulation.readRetainedSlice(4 + len);
                framed += packet.readableBytes();
                packet.release();
                if (!cumulation.isReadable()) {
                    cumulation.release();
                    cumulation = null;
                }
            }
        }
        if (cumulation != null) {
            cumulation.release();
        }
        return framed;
    }
}
