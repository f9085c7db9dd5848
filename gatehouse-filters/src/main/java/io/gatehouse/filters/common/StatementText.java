package io.gatehouse.filters.common;

import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_STMT_PREPARE;

import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Reads what filters need from one client command packet (header included) and builds replacement commands:
 * the statement of COM_QUERY and COM_STMT_PREPARE one character per byte (ISO-8859-1, so that a statement in any
 * client character set passes through a rewrite byte for byte, as MaxScale's byte-wise regular expressions treat
 * it) or as UTF-8 for logs, the statement id of the prepared-statement commands, and MaxScale's command names.
 * Stateless and thread-safe; it reads packets with absolute indexes, never keeps or releases them, and the caller
 * owns the packets it builds.
 */
public final class StatementText {
    private StatementText() {
    }

    /** True for the commands whose payload after the command byte is SQL text. */
    public static boolean carriesSql(int command) {
        return command == COM_QUERY || command == COM_STMT_PREPARE;
    }

    /**
     * The SQL of a COM_QUERY or COM_STMT_PREPARE command ({@code packet} with its header; a payload of 16 MiB or more
     * arrives as several packets and is joined), one char per byte; null for other commands or a truncated packet.
     */
    public static String of(ByteBuf packet, int command) {
        if (!carriesSql(command)) {
            return null;
        }
        byte[] payload = payload(packet);
        if (payload == null || payload.length < 1) {
            return null;
        }
        return new String(payload, 1, payload.length - 1, StandardCharsets.ISO_8859_1);
    }

    /** A new command packet (sequence 0, split when 16 MiB or more) carrying {@code sql}, one byte per char. */
    public static ByteBuf command(ByteBufAllocator alloc, int command, String sql) {
        byte[] text = sql.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf payload = alloc.buffer(text.length + 1);
        payload.writeByte(command);
        payload.writeBytes(text);
        return Packets.frame(alloc, 0, payload);
    }

    /**
     * A new command packet (sequence 0) with {@code prefix} put between the command byte and the statement of
     * {@code packet}, copying each byte once; null when {@code packet} is split or truncated, or the result would
     * need splitting (then use {@link #of} and {@link #command}).
     */
    public static ByteBuf withPrefix(ByteBufAllocator alloc, ByteBuf packet, byte[] prefix) {
        int at = packet.readerIndex();
        if (packet.readableBytes() < Packets.HEADER_SIZE + 1) {
            return null;
        }
        int len = Packets.payloadLength(packet, at);
        if (len >= Packets.MAX_PAYLOAD || len < 1 || packet.readableBytes() < Packets.HEADER_SIZE + len
                || (long) len + prefix.length >= Packets.MAX_PAYLOAD) {
            return null;
        }
        int payload = len + prefix.length;
        ByteBuf out = alloc.buffer(Packets.HEADER_SIZE + payload);
        Packets.writeHeader(out, payload, 0);
        out.writeByte(packet.getByte(at + Packets.HEADER_SIZE));
        out.writeBytes(prefix);
        out.writeBytes(packet, at + Packets.HEADER_SIZE + 1, len - 1);
        return out;
    }

    /**
     * Configuration text (a pattern, a replacement, a comment) as the one-char-per-byte form of its UTF-8 bytes, so
     * it meets statement text on equal terms.
     */
    public static String bytewise(String configText) {
        return new String(configText.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** The inverse of {@link #bytewise}: statement text for logs, read as UTF-8. */
    public static String readable(String bytewiseText) {
        return new String(bytewiseText.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /**
     * The text after the command byte of a single (unsplit) packet, as UTF-8, for logs: the statement of COM_QUERY
     * and COM_STMT_PREPARE, the schema of COM_INIT_DB.
     */
    public static String payloadText(ByteBuf packet) {
        int from = packet.readerIndex() + Packets.HEADER_SIZE + 1;
        int len = packet.writerIndex() - from;
        return len <= 0 ? "" : packet.toString(from, len, StandardCharsets.UTF_8);
    }

    /** The statement id of COM_STMT_EXECUTE, COM_STMT_CLOSE and the like (4 bytes after the command byte), or -1. */
    public static long statementId(ByteBuf packet) {
        int at = packet.readerIndex() + Packets.HEADER_SIZE + 1;
        return packet.writerIndex() - at < 4 ? -1 : packet.getUnsignedIntLE(at);
    }

    /** MaxScale's name of a command byte ({@code COM_QUERY}, ...); {@code COM_UNKNOWN} for a byte it does not name. */
    public static String commandName(int command) {
        if (command == 0xfe) {
            return "COM_MULTI";
        }
        String name = Commands.name(command);
        return name.startsWith("COM_UNKNOWN") ? "COM_UNKNOWN" : name;
    }

    /** True for commands that get no reply from the server. */
    public static boolean noReply(int command) {
        return Commands.hasNoReply(command);
    }

    /** The payload bytes of one command, chunks of a split payload joined; null when the packet is truncated. */
    private static byte[] payload(ByteBuf packet) {
        int at = packet.readerIndex();
        int end = packet.writerIndex();
        int total = 0;
        int len;
        do {                                       // first pass: the size, so the copy is made once
            if (at + Packets.HEADER_SIZE > end) {
                return null;
            }
            len = Packets.payloadLength(packet, at);
            at += Packets.HEADER_SIZE + len;
            total += len;
        } while (len == Packets.MAX_PAYLOAD);
        if (at > end) {
            return null;
        }
        byte[] out = new byte[total];
        int pos = 0;
        at = packet.readerIndex();
        do {
            len = Packets.payloadLength(packet, at);
            packet.getBytes(at + Packets.HEADER_SIZE, out, pos, len);
            pos += len;
            at += Packets.HEADER_SIZE + len;
        } while (len == Packets.MAX_PAYLOAD);
        return out;
    }
}
