package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The client's answer to the greeting (protocol 4.1 form): its capabilities, user, authentication token, optional
 * default database, plugin name and connection attributes. An immutable value; decoding reads a buffer the caller
 * keeps owning (indices unchanged), encoding writes into a buffer the caller owns.
 *
 * @param capabilities      the client's flags; MariaDB extended flags in the high 32 bits when
 *                          {@link Capabilities#CLIENT_MYSQL} is clear
 * @param maxPacketSize     the largest packet the client wants to receive
 * @param charset           the client's collation id (one byte here)
 * @param user              the user name
 * @param authResponse      the token for the plugin (empty for an empty password)
 * @param database          the default database, or null when CONNECT_WITH_DB is clear
 * @param authPlugin        the plugin the token was made for, or null when PLUGIN_AUTH is clear
 * @param connectAttributes the raw attribute block without its leading length, or null when CONNECT_ATTRS is clear
 */
public record HandshakeResponse(long capabilities, int maxPacketSize, int charset, String user, byte[] authResponse,
                                String database, String authPlugin, byte[] connectAttributes) {
    /** Length of the fixed part (and of the whole SSL request). */
    public static final int FIXED_LENGTH = 32;
    private static final int FILLER = 19;

    /** True for the 32-byte SSL request a client sends before switching to TLS. The buffer is not changed. */
    public static boolean isSslRequest(ByteBuf payload) {
        return payload.readableBytes() == FIXED_LENGTH
                && (payload.getUnsignedIntLE(payload.readerIndex()) & Capabilities.SSL) != 0;
    }

    /** The capabilities of an SSL request or of the fixed part of a full response (indices unchanged). */
    public static long peekCapabilities(ByteBuf payload) {
        LenEnc.need(payload, FIXED_LENGTH, "handshakeResponse.fixedPart");
        int i = payload.readerIndex();
        long caps = payload.getUnsignedIntLE(i);
        if ((caps & Capabilities.CLIENT_MYSQL) == 0) {
            caps |= payload.getUnsignedIntLE(i + 28) << 32;
        }
        return caps;
    }

    /**
     * Decodes a full handshake response payload (no header). The buffer's indices are not changed and it is not
     * released. Pre-4.1 responses are rejected, as MariaDB does.
     */
    public static HandshakeResponse decode(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        long caps = peekCapabilities(b);
        if ((caps & Capabilities.PROTOCOL_41) == 0) {
            throw ProtocolException.field("handshakeResponse.capabilities", Capabilities.describe(caps),
                    "PROTOCOL_41 set");
        }
        b.skipBytes(4);
        int maxPacket = b.readIntLE();
        int charset = b.readUnsignedByte();
        b.skipBytes(FILLER + 4);
        String user = LenEnc.readNulString(b, UTF_8, "handshakeResponse.user");
        byte[] auth;
        if ((caps & Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            auth = LenEnc.readBytes(b, "handshakeResponse.authResponse");
            if (auth == null) {
                throw ProtocolException.field("handshakeResponse.authResponse", "NULL", "a length");
            }
        } else if ((caps & Capabilities.SECURE_CONNECTION) != 0) {
            LenEnc.need(b, 1, "handshakeResponse.authResponseLength");
            int len = b.readUnsignedByte();
            LenEnc.need(b, len, "handshakeResponse.authResponse");
            auth = new byte[len];
            b.readBytes(auth);
        } else {
            auth = LenEnc.readNulString(b, UTF_8, "handshakeResponse.authResponse").getBytes(UTF_8);
        }
        String database = null;
        if ((caps & Capabilities.CONNECT_WITH_DB) != 0) {
            // Some connectors set CONNECT_WITH_DB and then end the packet; the server treats that as no database.
            database = b.isReadable() ? LenEnc.readNulOrEofString(b, UTF_8) : "";
        }
        String plugin = null;
        if ((caps & Capabilities.PLUGIN_AUTH) != 0) {
            plugin = b.isReadable() ? LenEnc.readNulOrEofString(b, UTF_8) : "";
        }
        byte[] attrs = null;
        if ((caps & Capabilities.CONNECT_ATTRS) != 0 && b.isReadable()) {
            attrs = LenEnc.readBytes(b, "handshakeResponse.connectAttributes");
        }
        return new HandshakeResponse(caps, maxPacket, charset, user, auth, database, plugin, attrs);
    }

    /** Writes the payload (no header) into {@code out}, laid out as the capabilities say. */
    /**
     * Writes the 32-byte SSL request: this response's fixed part with {@link Capabilities#SSL} set, after which
     * the client starts the TLS handshake and sends the whole response encrypted.
     */
    public void encodeSslRequest(ByteBuf out) {
        long caps = capabilities | Capabilities.SSL;
        out.writeIntLE((int) caps);
        out.writeIntLE(maxPacketSize);
        out.writeByte(charset);
        out.writeZero(FILLER);
        if ((caps & Capabilities.CLIENT_MYSQL) == 0) {
            out.writeIntLE((int) (caps >>> 32));
        } else {
            out.writeZero(4);
        }
    }

    public void encode(ByteBuf out) {
        out.writeIntLE((int) capabilities);
        out.writeIntLE(maxPacketSize);
        out.writeByte(charset);
        out.writeZero(FILLER);
        if ((capabilities & Capabilities.CLIENT_MYSQL) == 0) {
            out.writeIntLE((int) (capabilities >>> 32));
        } else {
            out.writeZero(4);
        }
        LenEnc.writeNulString(out, user, UTF_8);
        byte[] auth = authResponse == null ? new byte[0] : authResponse;
        if ((capabilities & Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            LenEnc.writeBytes(out, auth);
        } else if ((capabilities & Capabilities.SECURE_CONNECTION) != 0) {
            if (auth.length > 255) {
                throw ProtocolException.field("handshakeResponse.authResponse", auth.length + " bytes",
                        "at most 255 bytes without PLUGIN_AUTH_LENENC_CLIENT_DATA");
            }
            out.writeByte(auth.length);
            out.writeBytes(auth);
        } else {
            out.writeBytes(auth);
            out.writeByte(0);
        }
        if ((capabilities & Capabilities.CONNECT_WITH_DB) != 0) {
            LenEnc.writeNulString(out, database, UTF_8);
        }
        if ((capabilities & Capabilities.PLUGIN_AUTH) != 0) {
            LenEnc.writeNulString(out, authPlugin, UTF_8);
        }
        if ((capabilities & Capabilities.CONNECT_ATTRS) != 0) {
            LenEnc.writeBytes(out, connectAttributes == null ? new byte[0] : connectAttributes);
        }
    }

    /** The connection attributes as a map in wire order (empty when there are none). */
    public Map<String, String> attributes() {
        return ConnectAttributes.decode(connectAttributes);
    }

    /** A copy with other credentials, e.g. to log into a backend as the client's user with a fresh token. */
    public HandshakeResponse withAuth(String newUser, byte[] newAuthResponse, String newAuthPlugin) {
        return new HandshakeResponse(capabilities, maxPacketSize, charset, newUser, newAuthResponse, database,
                newAuthPlugin, connectAttributes);
    }

    /** A copy with another default database (null: none, and CONNECT_WITH_DB is cleared). */
    public HandshakeResponse withDatabase(String newDatabase) {
        long caps = newDatabase == null ? capabilities & ~Capabilities.CONNECT_WITH_DB
                : capabilities | Capabilities.CONNECT_WITH_DB;
        return new HandshakeResponse(caps, maxPacketSize, charset, user, authResponse, newDatabase, authPlugin,
                connectAttributes);
    }

    /** A copy with other capabilities (e.g. the subset a backend supports). */
    public HandshakeResponse withCapabilities(long newCapabilities) {
        return new HandshakeResponse(newCapabilities, maxPacketSize, charset, user, authResponse, database,
                authPlugin, connectAttributes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeResponse r && capabilities == r.capabilities
                && maxPacketSize == r.maxPacketSize && charset == r.charset && Objects.equals(user, r.user)
                && Arrays.equals(authResponse, r.authResponse) && Objects.equals(database, r.database)
                && Objects.equals(authPlugin, r.authPlugin) && Arrays.equals(connectAttributes, r.connectAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(capabilities, user, database, authPlugin, Arrays.hashCode(authResponse));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "HandshakeResponse[user=" + user + ", database=" + database + ", plugin=" + authPlugin
                + ", charset=" + charset + ", maxPacketSize=" + maxPacketSize + ", capabilities="
                + Capabilities.describe(capabilities) + ", authResponse=" + (authResponse == null ? 0
                : authResponse.length) + " bytes]";
    }
}
