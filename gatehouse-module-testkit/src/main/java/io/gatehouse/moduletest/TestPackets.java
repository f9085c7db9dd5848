package io.gatehouse.moduletest;

import io.gatehouse.api.command.CommandCodes;
import io.gatehouse.api.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Client and server packets of the MariaDB protocol as a module sees them, built for scripted tests: whole packets
 * with their 4-byte header; the command bytes ({@code TestPackets.COM_QUERY}, ...) are the API's {@link CommandCodes}.
 * Stateless; any thread. Every buffer returned is owned by the caller.
 */
public final class TestPackets implements CommandCodes {
    /** Server status: a transaction is open. */
    public static final int STATUS_IN_TRANS = 0x0001;
    /** Server status: autocommit is on. */
    public static final int STATUS_AUTOCOMMIT = 0x0002;

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

    /** An OK packet with this sequence number and these server status flags. */
    public static ByteBuf ok(ByteBufAllocator alloc, int sequence, int status) {
        ByteBuf buf = alloc.buffer(11);
        buf.writeMediumLE(7).writeByte(sequence).writeByte(0x00).writeByte(0).writeByte(0)
                .writeShortLE(status).writeShortLE(0);
        return buf;
    }

    /** The parsed summary of an OK reply with these status flags and session-state bytes (null: none). */
    public static Reply okReply(int command, int status, byte[] sessionTrack) {
        return new Reply(command, Reply.Kind.OK, 0, 0, 0, 0, 0, status, 0, "", "", sessionTrack, 0, 0);
    }

    /** An ERR packet with sequence 1. */
    public static ByteBuf error(ByteBufAllocator alloc, int code, String sqlState, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        byte[] state = sqlState.getBytes(StandardCharsets.US_ASCII);
        ByteBuf buf = alloc.buffer(4 + 9 + text.length);
        buf.writeMediumLE(9 + text.length).writeByte(1).writeByte(0xFF).writeShortLE(code).writeByte('#')
                .writeBytes(state, 0, 5).writeBytes(text);
        return buf;
    }

    /** The parsed summary of an ERR reply to {@code command}. */
    public static Reply errorReply(int command, int code, String sqlState, String message) {
        return new Reply(command, Reply.Kind.ERROR, 0, 0, 0, 0, 0, 0, code, sqlState, message, null, 0, 0);
    }

    /** A COM_STMT_PREPARE response without parameter or column definitions (sequence 1). */
    public static ByteBuf prepareOk(ByteBufAllocator alloc, long statementId, int parameters) {
        ByteBuf buf = alloc.buffer(16);
        buf.writeMediumLE(12).writeByte(1).writeByte(0x00).writeIntLE((int) statementId).writeShortLE(0)
                .writeShortLE(parameters).writeByte(0).writeShortLE(0);
        return buf;
    }

    /** The parsed summary of a COM_STMT_PREPARE response. */
    public static Reply prepareOkReply(long statementId, int parameters) {
        return new Reply(COM_STMT_PREPARE, Reply.Kind.PREPARE_OK, 0, 0, 0, 0, 0, STATUS_AUTOCOMMIT, 0, "", "", null,
                statementId, parameters);
    }

    /** A COM_STMT_EXECUTE packet for a statement without parameters. */
    public static ByteBuf execute(ByteBufAllocator alloc, long statementId) {
        ByteBuf buf = alloc.buffer(14);
        buf.writeMediumLE(10).writeByte(0).writeByte(COM_STMT_EXECUTE).writeIntLE((int) statementId).writeByte(0)
                .writeIntLE(1);
        return buf;
    }

    /**
     * A text-protocol result set of one column and one row holding {@code value}, in the shape for a client that
     * did not ask for DEPRECATE_EOF (column count, definition, EOF, row, EOF).
     */
    public static ByteBuf oneValue(ByteBufAllocator alloc, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        if (v.length > 250) {
            throw new IllegalArgumentException("value: " + v.length + " bytes (expected: at most 250)");
        }
        ByteBuf def = alloc.buffer(32);
        // catalog "def", empty schema, table and original table, column and original column "v", fixed fields
        def.writeByte(3).writeBytes(new byte[] {'d', 'e', 'f'}).writeByte(0).writeByte(0).writeByte(0)
                .writeByte(1).writeByte('v').writeByte(1).writeByte('v')
                .writeByte(0x0C).writeShortLE(33).writeIntLE(1024).writeByte(0xFD).writeShortLE(0).writeByte(0)
                .writeShortLE(0);
        ByteBuf buf = alloc.buffer(64 + v.length);
        buf.writeMediumLE(1).writeByte(1).writeByte(1);
        buf.writeMediumLE(def.readableBytes()).writeByte(2).writeBytes(def);
        def.release();
        buf.writeMediumLE(5).writeByte(3).writeByte(0xFE).writeShortLE(0).writeShortLE(STATUS_AUTOCOMMIT);
        buf.writeMediumLE(1 + v.length).writeByte(4).writeByte(v.length).writeBytes(v);
        buf.writeMediumLE(5).writeByte(5).writeByte(0xFE).writeShortLE(0).writeShortLE(STATUS_AUTOCOMMIT);
        return buf;
    }

    /** The parsed summary of a plain OK reply to {@code command}. */
    public static Reply okReply(int command) {
        return new Reply(command, Reply.Kind.OK, 0, 0, 0, 0, 0, 0x0002, 0, "", "", null, 0, 0);
    }

    /** The parsed summary of a result set whose last EOF or OK carries these status flags. */
    public static Reply resultSetReply(int command, long rows, int status) {
        return new Reply(command, Reply.Kind.RESULT_SET, 1, rows, 0, 0, 0, status, 0, "", "", null, 0, 0);
    }

    /** The parsed summary of a result set of {@code rows} rows answering {@code command}. */
    public static Reply resultSetReply(int command, long rows) {
        return new Reply(command, Reply.Kind.RESULT_SET, 1, rows, 0, 0, 0, 0x0002, 0, "", "", null, 0, 0);
    }
}
