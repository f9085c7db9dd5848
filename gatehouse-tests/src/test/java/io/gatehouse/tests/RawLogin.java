package io.gatehouse.tests;

import io.gatehouse.protocol.auth.NativePassword;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds a minimal handshake response by hand, for tests that speak the protocol over a raw socket. Stateless. */
final class RawLogin {
    private RawLogin() {
    }

    static byte[] handshakeResponse(String user, String password, byte[] nonce) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        int caps = 0x0200 | 0x8000 | 0x80000 | 0x4 | 0x2000;     // 4.1, secure connection, plugin auth
        p.write(caps);
        p.write(caps >> 8);
        p.write(caps >> 16);
        p.write(caps >> 24);
        p.writeBytes(new byte[] {0, 0, 0, 1});                    // max packet
        p.write(45);                                            // utf8mb4
        p.writeBytes(new byte[23]);
        p.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        p.write(0);
        byte[] token = NativePassword.scramble(password.getBytes(StandardCharsets.UTF_8), nonce);
        p.write(token.length);
        p.writeBytes(token);
        p.writeBytes(NativePassword.PLUGIN.getBytes(StandardCharsets.US_ASCII));
        p.write(0);
        byte[] payload = p.toByteArray();
        byte[] out = new byte[payload.length + 4];
        out[0] = (byte) payload.length;
        out[1] = (byte) (payload.length >> 8);
        out[2] = (byte) (payload.length >> 16);
        out[3] = 1;
        System.arraycopy(payload, 0, out, 4, payload.length);
        return out;
    }
}
