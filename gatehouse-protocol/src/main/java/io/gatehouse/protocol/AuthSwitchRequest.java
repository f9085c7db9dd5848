package io.gatehouse.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * The server's request (first byte 0xFE during authentication) to redo authentication with another plugin and
 * fresh plugin data. An immutable value; decoding leaves the caller's buffer indices unchanged, encoding writes into
 * a buffer the caller owns.
 *
 * @param pluginName the plugin to use
 * @param pluginData the data for it as sent, e.g. a 20-byte nonce plus a NUL for mysql_native_password
 */
public record AuthSwitchRequest(String pluginName, byte[] pluginData) {
    public static final int HEADER = 0xFE;
    /** What a lone 0xFE byte (the pre-4.1 "old password" switch) means. */
    public static final String OLD_PASSWORD_PLUGIN = "mysql_old_password";

    /** Decodes a payload starting with 0xFE (no packet header); indices unchanged, not released. */
    public static AuthSwitchRequest decode(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        LenEnc.need(b, 1, "authSwitch.header");
        int header = b.readUnsignedByte();
        if (header != HEADER) {
            throw ProtocolException.field("authSwitch.header", String.format("0x%02X", header), "0xFE");
        }
        if (!b.isReadable()) {
            return new AuthSwitchRequest(OLD_PASSWORD_PLUGIN, new byte[0]);
        }
        String name = LenEnc.readNulString(b, UTF_8, "authSwitch.pluginName");
        byte[] data = new byte[b.readableBytes()];
        b.readBytes(data);
        return new AuthSwitchRequest(name, data);
    }

    /** Writes the payload (no header) into {@code out}. */
    public void encode(ByteBuf out) {
        out.writeByte(HEADER);
        LenEnc.writeNulString(out, pluginName, UTF_8);
        out.writeBytes(pluginData);
    }

    /** The plugin data without a trailing NUL: the nonce to scramble with for mysql_native_password. */
    public byte[] nonce() {
        int n = pluginData.length;
        return n > 0 && pluginData[n - 1] == 0 ? Arrays.copyOf(pluginData, n - 1) : pluginData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthSwitchRequest r && Objects.equals(pluginName, r.pluginName)
                && Arrays.equals(pluginData, r.pluginData);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pluginName, Arrays.hashCode(pluginData));
    }

    @Override
    public String toString() {
        return "AuthSwitchRequest[plugin=" + pluginName + ", data=" + pluginData.length + " bytes]";
    }
}
