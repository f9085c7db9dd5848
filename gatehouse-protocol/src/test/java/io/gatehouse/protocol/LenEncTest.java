package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class LenEncTest {
    @Test
    void integersRoundTripAtEveryWidthBoundary() {
        long[] values = {0, 1, 250, 251, 0xFFFF, 0x10000, 0xFFFFFF, 0x1000000, Integer.MAX_VALUE, Long.MAX_VALUE};
        int[] sizes = {1, 1, 1, 3, 3, 4, 4, 9, 9, 9};
        for (int i = 0; i < values.length; i++) {
            long v = values[i];
            byte[] wire = Bufs.bytes(b -> LenEnc.writeInt(b, v));
            assertThat(wire).as("encoding of %d", v).hasSize(sizes[i]);
            assertThat(LenEnc.sizeOf(v)).isEqualTo(sizes[i]);
            assertThat(Bufs.decode(wire, (ByteBuf b) -> LenEnc.readInt(b.duplicate()))).isEqualTo(v);
        }
    }

    @Test
    void knownEncodingsFromTheProtocolDocumentation() {
        assertThat(Bufs.bytes(b -> LenEnc.writeInt(b, 251))).containsExactly(0xFC, 0xFB, 0x00);
        assertThat(Bufs.bytes(b -> LenEnc.writeInt(b, 0x123456))).containsExactly(0xFD, 0x56, 0x34, 0x12);
    }

    @Test
    void nullMarkerReadsAsNull() {
        ByteBuf b = Bufs.of(0xFB, 0xFB, 0xFB);
        try {
            assertThat(LenEnc.readInt(b)).isEqualTo(LenEnc.NULL);
            assertThat(LenEnc.readBytes(b)).isNull();
            assertThat(LenEnc.readString(b, UTF_8)).isNull();
        } finally {
            b.release();
        }
    }

    @Test
    void stringsAndNulStringsRoundTrip() {
        byte[] wire = Bufs.bytes(b -> {
            LenEnc.writeString(b, "héllo", UTF_8);
            LenEnc.writeNulString(b, "db", UTF_8);
            LenEnc.writeString(b, null, UTF_8);
        });
        ByteBuf b = Bufs.of(wire);
        try {
            assertThat(LenEnc.readString(b, UTF_8)).isEqualTo("héllo");
            assertThat(LenEnc.readNulString(b, UTF_8)).isEqualTo("db");
            assertThat(LenEnc.readString(b, UTF_8)).isNull();
            assertThat(b.isReadable()).isFalse();
        } finally {
            b.release();
        }
    }

    @Test
    void truncatedInputNamesTheFieldAndTheRule() {
        ByteBuf b = Bufs.of(0xFC, 0x01);
        try {
            assertThatThrownBy(() -> LenEnc.readInt(b, "ok.affectedRows"))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessage("ok.affectedRows: 1 bytes left (expected: at least 2 bytes)");
        } finally {
            b.release();
        }
        ByteBuf s = Bufs.of(5, 'a', 'b');
        try {
            assertThatThrownBy(() -> LenEnc.readString(s, UTF_8, "column.name"))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessage("column.name: length 5 (expected: at most the 2 bytes left in the packet)");
        } finally {
            s.release();
        }
    }

    @Test
    void firstByte0xFFAndMissingNulAreRejected() {
        ByteBuf b = Bufs.of(0xFF, 'a', 'b');
        try {
            assertThatThrownBy(() -> LenEnc.readInt(b)).isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("first byte 0xFF");
            assertThatThrownBy(() -> LenEnc.readNulString(b, UTF_8)).isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("expected: a NUL-terminated string");
            assertThat(LenEnc.readNulOrEofString(b, UTF_8)).isEqualTo("ab");
        } finally {
            b.release();
        }
    }

    @Test
    void hugeEightByteLengthIsRejectedNotAllocated() {
        Bufs.assertNeverCrashes(new byte[] {(byte) 0xFE, -1, -1, -1, -1, -1, -1, -1, 127, 'x'},
                b -> LenEnc.readBytes(b));
        ByteBuf b = Bufs.of(0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 'x');
        try {
            assertThatThrownBy(() -> LenEnc.readBytes(b)).isInstanceOf(ProtocolException.class);
        } finally {
            b.release();
        }
    }
}
