package io.gatehouse.filters.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Statement text of commands of every size, including payloads split at 16 MiB, and the packets built from it. */
class StatementTextTest {
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);

    @Test
    void splitPayloadsAreJoinedAndLongReplacementsSplit() {
        char[] fill = new char[Packets.MAX_PAYLOAD + 10];
        Arrays.fill(fill, 'x');
        String sql = "SELECT '" + new String(fill) + "'";
        ByteBuf packet = StatementText.command(alloc, Commands.COM_QUERY, sql);
        try {
            assertThat(Packets.payloadLength(packet, 0)).isEqualTo(Packets.MAX_PAYLOAD);
            assertThat(Packets.sequence(packet, 0)).isZero();
            int second = Packets.HEADER_SIZE + Packets.MAX_PAYLOAD;
            assertThat(Packets.payloadLength(packet, second)).isEqualTo(sql.length() + 1 - Packets.MAX_PAYLOAD);
            assertThat(Packets.sequence(packet, second)).isEqualTo(1);
            assertThat(StatementText.of(packet, Commands.COM_QUERY)).isEqualTo(sql);
            assertThat(StatementText.of(packet, Commands.COM_PING)).isNull();
        } finally {
            packet.release();
        }
    }

    @Test
    void prefixGoesBetweenCommandByteAndStatement() {
        ByteBuf packet = StatementText.command(alloc, Commands.COM_QUERY, "SELECT 1");
        ByteBuf out = StatementText.withPrefix(alloc, packet, "/* x */".getBytes(StandardCharsets.US_ASCII));
        try {
            assertThat(Packets.payloadLength(out, 0)).isEqualTo(out.readableBytes() - Packets.HEADER_SIZE);
            assertThat(StatementText.of(out, Commands.COM_QUERY)).isEqualTo("/* x */SELECT 1");
        } finally {
            packet.release();
            out.release();
        }
    }

    @Test
    void truncatedPacketsAndOtherCommandsHaveNoText() {
        ByteBuf shortPacket = alloc.buffer().writeMediumLE(100).writeByte(0).writeByte(Commands.COM_QUERY);
        try {
            assertThat(StatementText.of(shortPacket, Commands.COM_QUERY)).isNull();
        } finally {
            shortPacket.release();
        }
        assertThat(StatementText.readable(StatementText.bytewise("caf\u00e9 \u20ac"))).isEqualTo("caf\u00e9 \u20ac");
        assertThat(StatementText.bytewise("\u00e9").getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo("\u00e9".getBytes(StandardCharsets.UTF_8));
    }
}
