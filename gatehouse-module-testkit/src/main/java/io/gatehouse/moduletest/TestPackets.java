package io.gatehouse.moduletest;

import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Client and server packets of the MariaDB protocol as a module sees them, built for scripted tests: whole packets
 * with their 4-byte header. Stateless; any thread. Every buffer returned is owned by the caller.
 */
public final class TestPackets {
    /** COM_QUERY. */
    public static final int COM_QUERY = 0x03;
    /** COM_PING. */
    public static final int COM_PING = 0x0E;

    private TestPackets() {
    }

    /** A COM_QUERY packet carrying {@code sql} in UTF-8. */
    public static ByteBuf query(ByteBufAllocator alloc, String sql) {
        return command(alloc, COM_QUERY, sql.getBytes(StandardCharsets.UTF_8));
    }

    /** A command packet: the command byte followed by {@code body}, sequence number 0. */
    public static ByteBuf command(ByteBufAllocator alloc, int command, byte[] body) {
        int len = body.length + 1;
        ByteBuf buf = alloc.buffer(4 + len);
        buf.writeMediumLE(len).writeByte(0).writeByte(command).writeBytes(body);
        return buf;
    }

    /** The command byte of a whole packet. */
    public static int commandOf(ByteBuf packet) {
        return packet.getUnsignedByte(packet.readerIndex() + 4);
    }

    /** The statement text of a COM_QUERY (or any command's body as UTF-8), without changing the buffer. */
    public static String sqlOf(ByteBuf packet) {
        int start = packet.readerIndex() + 5;
        return packet.toString(start, packet.writerIndex() - start, StandardCharsets.UTF_8);
    }

    /** An OK packet with this sequence number and autocommit status. */
    public static ByteBuf ok(ByteBufAllocator alloc, int sequence) {
        ByteBuf buf = alloc.buffer(11);
        // header, 0x00, affected rows 0, insert id 0, status AUTOCOMMIT, warnings 0
        buf.writeMediumLE(7).writeByte(sequence).writeByte(0x00).writeByte(0).writeByte(0)
                .writeShortLE(0x0002).writeShortLE(0);
        return buf;
    }

    /** The parsed summary of a plain OK reply to {@code command}. */
    public static Reply okReply(int command) {
        return new Reply(command, Reply.Kind.OK, 0, 0, 0, 0, 0, 0x0002, 0, "", "", null, 0, 0);
    }

    /** The parsed summary of a result set of {@code rows} rows answering {@code command}. */
    public static Reply resultSetReply(int command, long rows) {
        return new Reply(command, Reply.Kind.RESULT_SET, 1, rows, 0, 0, 0, 0x0002, 0, "", "", null, 0, 0);
    }
}
