package io.gatehouse.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/** Test helpers: leak-tracked buffers from byte arrays and back, and the "never crash on bad input" check. */
public final class Bufs {
    /** Pooled, so paranoid leak detection tracks every buffer the tests allocate. */
    public static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private Bufs() {
    }

    public static ByteBuf of(byte[] bytes) {
        return ALLOC.buffer(bytes.length).writeBytes(bytes);
    }

    public static ByteBuf of(int... bytes) {
        ByteBuf b = ALLOC.buffer(bytes.length);
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    /** The bytes {@code writer} writes, via a tracked buffer that is released. */
    public static byte[] bytes(Consumer<ByteBuf> writer) {
        ByteBuf b = ALLOC.buffer();
        try {
            writer.accept(b);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** The bytes of {@code buf}, which is released. */
    public static byte[] drain(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Decodes {@code bytes} through a tracked buffer that is released, checking the indices stayed put. */
    public static <T> T decode(byte[] bytes, Function<ByteBuf, T> decoder) {
        ByteBuf b = of(bytes);
        try {
            T value = decoder.apply(b);
            assertThat(b.readerIndex()).as("decode leaves the reader index").isZero();
            return value;
        } finally {
            b.release();
        }
    }

    /**
     * Feeds every strict prefix of {@code full} and a few hundred random byte strings to {@code decoder}: each must
     * decode or throw {@link ProtocolException}, never anything else (IndexOutOfBounds, NegativeArraySize ...).
     */
    public static void assertNeverCrashes(byte[] full, Function<ByteBuf, ?> decoder) {
        for (int len = 0; len < full.length; len++) {
            byte[] prefix = java.util.Arrays.copyOf(full, len);
            tryDecode(prefix, decoder, "prefix of " + len + " bytes");
        }
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            byte[] mutated = full.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            tryDecode(mutated, decoder, "mutated sample " + i);
            byte[] garbage = new byte[random.nextInt(48)];
            random.nextBytes(garbage);
            tryDecode(garbage, decoder, "random sample " + i);
        }
    }

    private static void tryDecode(byte[] input, Function<ByteBuf, ?> decoder, String what) {
        ByteBuf b = of(input);
        try {
            decoder.apply(b);
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).as(what).contains("(expected: ");
        } catch (RuntimeException e) {
            fail(what + " " + ByteBufUtil.hexDump(input) + " threw " + e, e);
        } finally {
            b.release();
        }
    }
}
