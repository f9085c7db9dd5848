package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The server's ERR packet (first byte 0xFF): an error code, a five-character SQLSTATE and a message. Also represents
 * MariaDB's progress report, which shares the 0xFF header with code 0xFFFF. An immutable value; decoding leaves the
 * caller's buffer indices unchanged and never releases it; {@link #write} returns a new buffer the caller owns.
 *
 * @param code     the error number; {@link #PROGRESS_REPORT} for a progress report
 * @param sqlState five characters; {@code HY000} when the packet carries none; empty for a progress report
 * @param message  the error text; for a progress report, the stage text
 */
public record ErrPacket(int code, String sqlState, String message) {
    public static final int HEADER = 0xFF;
    /** The code that marks a MariaDB progress report (sent only to clients with MARIADB_CLIENT_PROGRESS). */
    public static final int PROGRESS_REPORT = 0xFFFF;
    /** The SQLSTATE used when a packet has none (errors sent before the client said it speaks 4.1). */
    public static final String GENERAL_SQLSTATE = "HY000";

    /** True when the payload (no header) starts with 0xFF; indices unchanged. */
    public static boolean isErr(ByteBuf payload) {
        return payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
    }

    /** Decodes an ERR payload (no header); handles progress reports and packets without '#'+SQLSTATE. */
    public static ErrPacket decode(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        LenEnc.need(b, 3, "err.header+code");
        int header = b.readUnsignedByte();
        if (header != HEADER) {
            throw ProtocolException.field("err.header", String.format("0x%02X", header), "0xFF");
        }
        int code = b.readUnsignedShortLE();
        if (code == PROGRESS_REPORT) {
            // stage (1), max stage (1), progress in thousandths of a percent (3), then the stage text
            LenEnc.need(b, 5, "progress.stage+maxStage+progress");
            int stage = b.readUnsignedByte();
            int maxStage = b.readUnsignedByte();
            int progress = b.readUnsignedMediumLE();
            String text = b.isReadable() ? LenEnc.readString(b, UTF_8, "progress.info") : "";
            return new ErrPacket(code, "", String.format("stage %d of %d, %.3f%%: %s", stage, maxStage,
                    progress / 1000.0, text == null ? "" : text));
        }
        String state = GENERAL_SQLSTATE;
        if (b.isReadable() && b.getByte(b.readerIndex()) == '#') {
            LenEnc.need(b, 6, "err.sqlState");
            b.skipBytes(1);
            state = b.readCharSequence(5, UTF_8).toString();
        }
        return new ErrPacket(code, state, b.toString(UTF_8));
    }

    /** True for MariaDB's progress report, which is not an error and does not end a reply. */
    public boolean isProgressReport() {
        return code == PROGRESS_REPORT;
    }

    /** MariaDB's ER_CONNECTION_KILLED: what a client gets in place of a lost or gone connection code. */
    public static final int CONNECTION_KILLED = 1927;
    /** ER_UNKNOWN_ERROR: what a client gets in place of any other code of the client libraries' own ranges. */
    public static final int UNKNOWN_ERROR = 1105;

    /**
     * The code an ERR packet to a client carries for {@code code}. Codes 2000-2999 and 5000-5999 belong to the
     * client libraries, which report them for what they see themselves; MariaDB Connector/C (the mariadb CLI,
     * sysbench and every program on libmariadb) reads one sent by a server as a malformed packet (error 2027).
     * So a lost or gone connection (2013, 2006, 2055) is sent as 1927 (the server's "connection was killed") and
     * any other of those codes as 1105; the message still says what happened.
     */
    public static int serverCode(int code) {
        if (code >= 2000 && code < 3000 || code >= 5000 && code < 6000) {
            return code == 2013 || code == 2006 || code == 2055 ? CONNECTION_KILLED : UNKNOWN_ERROR;
        }
        return code;
    }

    /**
     * A complete ERR packet (header included) for a client; {@code sqlState} must be five characters. A code of
     * the client libraries' ranges is written as {@link #serverCode} says, a lost connection with SQLSTATE 08S01 (a
     * communication failure, which drivers and pools take as a dead connection). Caller owns the buffer.
     */
    public static ByteBuf write(ByteBufAllocator alloc, int sequence, int code, String sqlState, String message) {
        int sent = serverCode(code);
        if (sent == CONNECTION_KILLED && code != CONNECTION_KILLED) {
            sqlState = "08S01";
        }
        code = sent;
        byte[] text = message == null ? new byte[0] : message.getBytes(UTF_8);
        byte[] state = checkState(sqlState);
        int length = 3 + 1 + state.length + text.length;
        ByteBuf out = alloc.buffer(Packets.HEADER_SIZE + length);
        Packets.writeHeader(out, length, sequence);
        out.writeByte(HEADER);
        out.writeShortLE(code);
        out.writeByte('#');
        out.writeBytes(state);
        out.writeBytes(text);
        return out;
    }

    /** A complete packet for this error. */
    public ByteBuf write(ByteBufAllocator alloc, int sequence) {
        return write(alloc, sequence, code, sqlState, message);
    }

    /** Writes the payload (no header) into {@code out}. */
    public void encode(ByteBuf out) {
        out.writeByte(HEADER);
        out.writeShortLE(code);
        out.writeByte('#');
        out.writeBytes(checkState(sqlState));
        out.writeBytes(message.getBytes(UTF_8));
    }

    private static byte[] checkState(String sqlState) {
        byte[] state = sqlState.getBytes(UTF_8);
        if (state.length != 5) {
            throw ProtocolException.field("err.sqlState", sqlState, "5 ASCII characters");
        }
        return state;
    }
}
