package io.gatehouse.filters.support;

import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_STMT_PREPARE;

import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Reads the statement of a COM_QUERY or COM_STMT_PREPARE command and builds a replacement command, one character per
 * byte (ISO-8859-1), so that a statement in any client character set passes through a rewrite byte for byte, as
 * MaxScale's byte-wise regular expressions treat it. Stateless and thread-safe; it never keeps or releases the
 * packets it reads, and the caller owns the packets it builds.
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
