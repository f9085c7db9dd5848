package io.gatehouse.tests;

import io.gatehouse.protocol.auth.NativePassword;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds handshake responses and COM_CHANGE_USER packets by hand, for tests that speak the protocol over a raw
 * socket. Stateless.
 */
final class RawLogin {
    /** 4.1 protocol, secure connection, plugin auth, long flag, transactions: what every modern client declares. */
    static final int BASE_CAPABILITIES = 0x0200 | 0x8000 | 0x80000 | 0x4 | 0x2000;
    /** CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS. */
    static final int CAN_HANDLE_EXPIRED_PASSWORDS = 1 << 22;

    private RawLogin() {
    }

    static byte[] handshakeResponse(String user, String password, byte[] nonce) {
        return handshakeResponse(user, NativePassword.scramble(password.getBytes(StandardCharsets.UTF_8), nonce),
                NativePassword.PLUGIN, 0);
    }

    /** A handshake response (packet 1) with {@code token} made for {@code plugin} and extra capability bits. */
    static byte[] handshakeResponse(String user, byte[] token, String plugin, int extraCapabilities) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        int caps = BASE_CAPABILITIES | extraCapabilities;
        p.write(caps);
        p.write(caps >> 8);
        p.write(caps >> 16);
        p.write(caps >> 24);
        p.writeBytes(new byte[] {0, 0, 0, 1});                    // max packet
        p.write(45);                                            // utf8mb4
        p.writeBytes(new byte[23]);
        p.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        p.write(0);
        p.write(token.length);
        p.writeBytes(token);
        p.writeBytes(plugin.getBytes(StandardCharsets.US_ASCII));
        p.write(0);
        return frame(1, p.toByteArray());
    }

    /** A COM_CHANGE_USER (packet 0) with a mysql_native_password token made with {@code nonce}. */
    static byte[] changeUser(String user, String password, byte[] nonce, String database) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x11);
        p.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        p.write(0);
        byte[] token = NativePassword.scramble(password.getBytes(StandardCharsets.UTF_8), nonce);
        p.write(token.length);
        p.writeBytes(token);
        p.writeBytes(database.getBytes(StandardCharsets.UTF_8));
        p.write(0);
        p.write(45);
        p.write(0);
        p.writeBytes(NativePassword.PLUGIN.getBytes(StandardCharsets.US_ASCII));
        p.write(0);
        return frame(0, p.toByteArray());
    }

    static byte[] frame(int sequence, byte[] payload) {
        byte[] out = new byte[payload.length + 4];
        out[0] = (byte) payload.length;
        out[1] = (byte) (payload.length >> 8);
        out[2] = (byte) (payload.length >> 16);
        out[3] = (byte) sequence;
        System.arraycopy(payload, 0, out, 4, payload.length);
        return out;
    }
}
