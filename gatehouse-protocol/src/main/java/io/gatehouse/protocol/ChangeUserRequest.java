package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * COM_CHANGE_USER: re-authenticates an open connection as another user with another default database, resetting
 * the session. An immutable value; decoding leaves the caller's buffer indices unchanged and never releases it,
 * encoding writes into a buffer the caller owns.
 *
 * @param database          the new default database; empty for none
 * @param charset           the collation id (two bytes here); 0 when the client left it out
 * @param authPlugin        the plugin the token was made for, or null when PLUGIN_AUTH is clear
 * @param connectAttributes raw attribute block without its leading length, or null
 */
public record ChangeUserRequest(String user, byte[] authResponse, String database, int charset, String authPlugin,
                                byte[] connectAttributes) {
    /**
     * Decodes a payload starting with 0x11 (no header); {@code clientCapabilities} are those the client announced
     * at login, which decide the layout.
     */
    public static ChangeUserRequest decode(ByteBuf payload, long clientCapabilities) {
        ByteBuf b = payload.duplicate();
        LenEnc.need(b, 1, "changeUser.command");
        int cmd = b.readUnsignedByte();
        if (cmd != Commands.COM_CHANGE_USER) {
            throw ProtocolException.field("changeUser.command", cmd, String.valueOf(Commands.COM_CHANGE_USER));
        }
        String user = LenEnc.readNulString(b, UTF_8, "changeUser.user");
        byte[] auth;
        if ((clientCapabilities & Capabilities.SECURE_CONNECTION) != 0) {
            LenEnc.need(b, 1, "changeUser.authResponseLength");
            int len = b.readUnsignedByte();
            LenEnc.need(b, len, "changeUser.authResponse");
            auth = new byte[len];
            b.readBytes(auth);
        } else {
            auth = LenEnc.readNulString(b, UTF_8, "changeUser.authResponse").getBytes(UTF_8);
        }
        String database = b.isReadable() ? LenEnc.readNulOrEofString(b, UTF_8) : "";
        int charset = 0;
        String plugin = null;
        byte[] attrs = null;
        // Everything after the database is optional: old clients stop there.
        if (b.isReadable()) {
            LenEnc.need(b, 2, "changeUser.charset");
            charset = b.readUnsignedShortLE();
            if ((clientCapabilities & Capabilities.PLUGIN_AUTH) != 0 && b.isReadable()) {
                plugin = LenEnc.readNulOrEofString(b, UTF_8);
            }
            if ((clientCapabilities & Capabilities.CONNECT_ATTRS) != 0 && b.isReadable()) {
                attrs = LenEnc.readBytes(b, "changeUser.connectAttributes");
            }
        }
        return new ChangeUserRequest(user, auth, database, charset, plugin, attrs);
    }

    /** Writes the payload (no header) into {@code out}, laid out for the given client capabilities. */
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(Commands.COM_CHANGE_USER);
        LenEnc.writeNulString(out, user, UTF_8);
        byte[] auth = authResponse == null ? new byte[0] : authResponse;
        if ((capabilities & Capabilities.SECURE_CONNECTION) != 0) {
            if (auth.length > 255) {
                throw ProtocolException.field("changeUser.authResponse", auth.length + " bytes", "at most 255");
            }
            out.writeByte(auth.length);
            out.writeBytes(auth);
        } else {
            out.writeBytes(auth);
            out.writeByte(0);
        }
        LenEnc.writeNulString(out, database, UTF_8);
        out.writeShortLE(charset);
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

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeUserRequest r && charset == r.charset && Objects.equals(user, r.user)
                && Arrays.equals(authResponse, r.authResponse) && Objects.equals(database, r.database)
                && Objects.equals(authPlugin, r.authPlugin) && Arrays.equals(connectAttributes, r.connectAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, database, charset, authPlugin, Arrays.hashCode(authResponse));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "ChangeUserRequest[user=" + user + ", database=" + database + ", charset=" + charset + ", plugin="
                + authPlugin + "]";
    }
}
