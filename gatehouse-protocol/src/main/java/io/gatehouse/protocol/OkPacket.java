package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.Objects;

/**
 * The server's OK packet: success of a command, with affected rows, last insert id, status, warnings, an info
 * text and (with SESSION_TRACK) the raw session-state changes. An immutable value; decoding leaves the caller's
 * buffer indices unchanged and never releases it; {@link #write} returns a new buffer the caller owns.
 *
 * @param sessionStateInfo the raw session-state-change block (without its length), or null when absent
 */
public record OkPacket(long affectedRows, long lastInsertId, int status, int warnings, String info,
                       byte[] sessionStateInfo) {
    public static final int HEADER = 0x00;
    /** The header of the OK packet that ends a result set when DEPRECATE_EOF is on. */
    public static final int EOF_HEADER = 0xFE;
    /** Header, two one-byte lengths, status and warnings. */
    public static final int MIN_LENGTH = 7;

    /** True when the payload (no header) is an OK packet (header 0x00 and at least 7 bytes); indices unchanged. */
    public static boolean isOk(ByteBuf payload) {
        return payload.readableBytes() >= MIN_LENGTH && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
    }

    /**
     * Decodes an OK payload (header 0x00, or 0xFE for the form that ends a result set under DEPRECATE_EOF);
     * {@code capabilities} are those agreed for the connection (SESSION_TRACK decides how the tail is read).
     */
    public static OkPacket decode(ByteBuf payload, long capabilities) {
        ByteBuf b = payload.duplicate();
        LenEnc.need(b, 1, "ok.header");
        int header = b.readUnsignedByte();
        if (header != HEADER && header != EOF_HEADER) {
            throw ProtocolException.field("ok.header", String.format("0x%02X", header), "0x00 or 0xFE");
        }
        long affected = LenEnc.readInt(b, "ok.affectedRows");
        long insertId = LenEnc.readInt(b, "ok.lastInsertId");
        LenEnc.need(b, 4, "ok.status+warnings");
        int status = b.readUnsignedShortLE();
        int warnings = b.readUnsignedShortLE();
        String info = "";
        byte[] session = null;
        if (b.isReadable()) {
            if ((capabilities & Capabilities.SESSION_TRACK) != 0) {
                info = LenEnc.readString(b, UTF_8, "ok.info");
                if ((status & StatusFlags.SESSION_STATE_CHANGED) != 0 && b.isReadable()) {
                    session = LenEnc.readBytes(b, "ok.sessionStateInfo");
                }
            } else {
                info = readInfoWithoutSessionTrack(b);
            }
        }
        return new OkPacket(affected, insertId, status, warnings, info == null ? "" : info, session);
    }

    /**
     * MariaDB writes the info as a length-encoded string; the MySQL documentation calls it string&lt;EOF&gt;. When
     * the length does not cover exactly the rest of the packet, the rest is taken as the text.
     */
    private static String readInfoWithoutSessionTrack(ByteBuf b) {
        ByteBuf probe = b.duplicate();
        try {
            long len = LenEnc.readInt(probe, "ok.info");
            if (len == probe.readableBytes()) {
                return probe.toString(UTF_8);
            }
        } catch (ProtocolException notLengthEncoded) {
            // fall through to the string<EOF> reading
        }
        return b.toString(UTF_8);
    }

    /** A complete OK packet (header included) with header byte 0x00; the caller owns the buffer. */
    public static ByteBuf write(ByteBufAllocator alloc, int sequence, long affectedRows, long lastInsertId,
                                int status, int warnings, String info) {
        return write(alloc, sequence, HEADER, affectedRows, lastInsertId, status, warnings, info);
    }

    /** As {@link #write}, with the 0xFE header that ends a result set under DEPRECATE_EOF. */
    public static ByteBuf writeEofForm(ByteBufAllocator alloc, int sequence, int warnings, int status) {
        return write(alloc, sequence, EOF_HEADER, 0, 0, status, warnings, "");
    }

    private static ByteBuf write(ByteBufAllocator alloc, int sequence, int header, long affectedRows,
                                 long lastInsertId, int status, int warnings, String info) {
        byte[] text = info == null ? new byte[0] : info.getBytes(UTF_8);
        int length = 1 + LenEnc.sizeOf(affectedRows) + LenEnc.sizeOf(lastInsertId) + 4
                + (text.length > 0 ? LenEnc.sizeOf(text.length) + text.length : 0);
        ByteBuf out = alloc.buffer(Packets.HEADER_SIZE + length);
        Packets.writeHeader(out, length, sequence);
        out.writeByte(header);
        LenEnc.writeInt(out, affectedRows);
        LenEnc.writeInt(out, lastInsertId);
        out.writeShortLE(status);
        out.writeShortLE(warnings);
        if (text.length > 0) {
            LenEnc.writeBytes(out, text);
        }
        return out;
    }

    /** Writes this packet's payload (no header, header byte 0x00) as the given capabilities require. */
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        LenEnc.writeInt(out, affectedRows);
        LenEnc.writeInt(out, lastInsertId);
        out.writeShortLE(status);
        out.writeShortLE(warnings);
        boolean track = (capabilities & Capabilities.SESSION_TRACK) != 0;
        boolean withSession = track && sessionStateInfo != null && (status & StatusFlags.SESSION_STATE_CHANGED) != 0;
        if ((info != null && !info.isEmpty()) || withSession) {
            LenEnc.writeString(out, info == null ? "" : info, UTF_8);
        }
        if (withSession) {
            LenEnc.writeBytes(out, sessionStateInfo);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OkPacket p && affectedRows == p.affectedRows && lastInsertId == p.lastInsertId
                && status == p.status && warnings == p.warnings && Objects.equals(info, p.info)
                && Arrays.equals(sessionStateInfo, p.sessionStateInfo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(affectedRows, lastInsertId, status, warnings, info);
    }

    @Override
    public String toString() {
        return "OkPacket[affectedRows=" + affectedRows + ", lastInsertId=" + lastInsertId + ", status="
                + StatusFlags.describe(status) + ", warnings=" + warnings + ", info=" + info
                + (sessionStateInfo == null ? "" : ", sessionState=" + sessionStateInfo.length + " bytes") + "]";
    }
}
