package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * The server's greeting (protocol version 10), the first packet of every connection. An immutable value; decoding
 * reads a buffer the caller keeps owning (its indices are left unchanged) and encoding writes into a buffer the
 * caller owns. Safe to share between threads as long as nobody mutates the nonce array.
 *
 * @param protocolVersion always 10
 * @param serverVersion   e.g. {@code 5.5.5-10.11.6-MariaDB} (MariaDB 10 adds the 5.5.5- prefix for old clients)
 * @param connectionId    the thread id, what {@code KILL} takes
 * @param nonce           the scramble, 20 bytes without the trailing NUL
 * @param capabilities    the server's flags, with MariaDB's extended flags in the high 32 bits when
 *                        {@link Capabilities#CLIENT_MYSQL} is clear
 * @param charset         the server's default collation id
 * @param status          server status flags
 * @param authPluginName  the default authentication plugin, or null when {@link Capabilities#PLUGIN_AUTH} is clear
 */
public record InitialHandshake(int protocolVersion, String serverVersion, long connectionId, byte[] nonce,
                               long capabilities, int charset, int status, String authPluginName) {
    public static final int PROTOCOL_VERSION = 10;
    private static final int NONCE_PART1 = 8;
    private static final int MIN_NONCE_PART2 = 12;

    /**
     * Decodes a greeting payload (no 4-byte header). The buffer's indices are not changed and it is not released.
     * A payload starting with 0xFF is an ERR packet (e.g. "Too many connections") and is rejected here; callers
     * check for it first.
     */
    public static InitialHandshake decode(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        LenEnc.need(b, 1, "handshake.protocolVersion");
        int version = b.readUnsignedByte();
        if (version != PROTOCOL_VERSION) {
            throw ProtocolException.field("handshake.protocolVersion", version, String.valueOf(PROTOCOL_VERSION));
        }
        String serverVersion = LenEnc.readNulString(b, UTF_8, "handshake.serverVersion");
        LenEnc.need(b, 4 + NONCE_PART1 + 1 + 2, "handshake.connectionId..capabilities");
        long connectionId = b.readUnsignedIntLE();
        byte[] part1 = new byte[NONCE_PART1];
        b.readBytes(part1);
        b.skipBytes(1);
        long caps = b.readUnsignedShortLE();
        // 4.1 servers always send the rest; a greeting that stops here predates everything we support.
        LenEnc.need(b, 1 + 2 + 2 + 1 + 6 + 4, "handshake.charset..extendedCapabilities");
        int charset = b.readUnsignedByte();
        int status = b.readUnsignedShortLE();
        caps |= (long) b.readUnsignedShortLE() << 16;
        int pluginDataLength = b.readUnsignedByte();
        b.skipBytes(6);
        long extended = b.readUnsignedIntLE();
        if ((caps & Capabilities.CLIENT_MYSQL) == 0) {
            caps |= extended << 32;
        }
        byte[] nonce = part1;
        if ((caps & Capabilities.SECURE_CONNECTION) != 0) {
            int part2Length = Math.max(MIN_NONCE_PART2, pluginDataLength - 9);
            LenEnc.need(b, part2Length, "handshake.nonce");
            nonce = Arrays.copyOf(part1, NONCE_PART1 + part2Length);
            b.readBytes(nonce, NONCE_PART1, part2Length);
            if (b.isReadable() && b.getByte(b.readerIndex()) == 0) {
                b.skipBytes(1);
            }
        }
        String plugin = null;
        if ((caps & Capabilities.PLUGIN_AUTH) != 0) {
            // MySQL 5.5.7 and older sent the name without its NUL; read to the end in that case.
            plugin = LenEnc.readNulOrEofString(b, UTF_8);
        }
        return new InitialHandshake(version, serverVersion, connectionId, nonce, caps, charset, status, plugin);
    }

    /** Writes the payload (no header) into {@code out}; the nonce must be 20 bytes when SECURE_CONNECTION is set. */
    public void encode(ByteBuf out) {
        boolean secure = (capabilities & Capabilities.SECURE_CONNECTION) != 0;
        boolean pluginAuth = (capabilities & Capabilities.PLUGIN_AUTH) != 0;
        if (nonce.length < (secure ? NONCE_PART1 + MIN_NONCE_PART2 : NONCE_PART1)) {
            throw ProtocolException.field("handshake.nonce", nonce.length + " bytes", "20 bytes");
        }
        out.writeByte(protocolVersion);
        LenEnc.writeNulString(out, serverVersion, UTF_8);
        out.writeIntLE((int) connectionId);
        out.writeBytes(nonce, 0, NONCE_PART1);
        out.writeByte(0);
        out.writeShortLE((int) capabilities);
        out.writeByte(charset);
        out.writeShortLE(status);
        out.writeShortLE((int) (capabilities >>> 16));
        out.writeByte(pluginAuth ? nonce.length + 1 : 0);
        out.writeZero(6);
        if ((capabilities & Capabilities.CLIENT_MYSQL) == 0) {
            out.writeIntLE((int) (capabilities >>> 32));
        } else {
            out.writeZero(4);
        }
        if (secure) {
            out.writeBytes(nonce, NONCE_PART1, nonce.length - NONCE_PART1);
            out.writeByte(0);
        }
        if (pluginAuth) {
            LenEnc.writeNulString(out, authPluginName, UTF_8);
        }
    }

    /** True when the server is MariaDB (its version string says so) rather than MySQL. */
    public boolean isMariaDb() {
        return serverVersion.contains("MariaDB");
    }

    /** The version without MariaDB 10's {@code 5.5.5-} compatibility prefix, e.g. {@code 10.11.6-MariaDB-log}. */
    public String realServerVersion() {
        return serverVersion.startsWith("5.5.5-") ? serverVersion.substring(6) : serverVersion;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InitialHandshake h && protocolVersion == h.protocolVersion
                && connectionId == h.connectionId && capabilities == h.capabilities && charset == h.charset
                && status == h.status && Objects.equals(serverVersion, h.serverVersion)
                && Arrays.equals(nonce, h.nonce) && Objects.equals(authPluginName, h.authPluginName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serverVersion, connectionId, capabilities, Arrays.hashCode(nonce));
    }

    @Override
    public String toString() {
        return "InitialHandshake[version=" + serverVersion + ", connectionId=" + connectionId + ", capabilities="
                + Capabilities.describe(capabilities) + ", charset=" + charset + ", status="
                + StatusFlags.describe(status) + ", plugin=" + authPluginName + "]";
    }
}
