package io.gatehouse.protocol.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The mysql_native_password computations: scrambling a password for a server's nonce, checking a client's token
 * against the stored double-SHA1 hash and recovering SHA1(password) from a valid token. Stateless and thread-safe;
 * works on byte arrays only, so it owns no buffers.
 *
 * <p>The stored hash is SHA1(SHA1(password)) (the 40 hex digits after '*' in {@code mysql.user}); the token a
 * client sends is SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password))). Knowing the stored hash and a valid
 * token therefore yields SHA1(password), which is exactly what the proxy needs to log into backends on the
 * client's behalf without ever knowing the password.
 */
public final class NativePassword {
    /** The plugin name as it appears on the wire and in {@code mysql.user.plugin}. */
    public static final String PLUGIN = "mysql_native_password";
    /** Length of the nonce (scramble) the server sends, without the trailing NUL. */
    public static final int NONCE_LENGTH = 20;

    private NativePassword() {
    }

    /** SHA1 of the given bytes. */
    public static byte[] sha1(byte[]... parts) {
        MessageDigest md = newSha1();
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    /** The token a client sends for {@code password} and the server's {@code nonce}; empty for an empty password. */
    public static byte[] scramble(byte[] password, byte[] nonce) {
        if (password.length == 0) {
            return new byte[0];
        }
        return scrambleWithSha1(sha1(password), nonce);
    }

    /** The token computed from SHA1(password) rather than the password itself; empty when {@code sha1} is empty. */
    public static byte[] scrambleWithSha1(byte[] passwordSha1, byte[] nonce) {
        if (passwordSha1.length == 0) {
            return new byte[0];
        }
        byte[] stage2 = sha1(passwordSha1);
        byte[] mask = sha1(trimNonce(nonce), stage2);
        return xor(passwordSha1, mask);
    }

    /**
     * Checks {@code token} against the stored double-SHA1 {@code storedHash} (20 bytes, or empty for an account
     * without a password) and returns SHA1(password) when it matches, or null when it does not.
     * An account without a password matches only an empty token and yields an empty array.
     */
    public static byte[] verify(byte[] token, byte[] storedHash, byte[] nonce) {
        if (storedHash.length == 0) {
            return token.length == 0 ? new byte[0] : null;
        }
        if (token.length != 20 || storedHash.length != 20) {
            return null;
        }
        byte[] mask = sha1(trimNonce(nonce), storedHash);
        byte[] candidate = xor(token, mask);
        return MessageDigest.isEqual(sha1(candidate), storedHash) ? candidate : null;
    }

    /**
     * What SHA1(password) would be if {@code token} were right, without checking it: for
     * {@code skip_authentication}, where the backend's own check decides. Empty for an empty token.
     */
    public static byte[] recoverUnchecked(byte[] token, byte[] storedHash, byte[] nonce) {
        if (token.length != 20 || storedHash.length != 20) {
            return new byte[0];
        }
        return xor(token, sha1(trimNonce(nonce), storedHash));
    }

    /**
     * Parses the {@code *HEX} form stored in {@code mysql.user} into 20 bytes; an empty string gives an empty
     * array; anything else gives null (not a native password hash).
     */
    public static byte[] parseStoredHash(String stored) {
        if (stored == null || stored.isEmpty()) {
            return new byte[0];
        }
        if (stored.length() != 41 || stored.charAt(0) != '*') {
            return null;
        }
        byte[] out = new byte[20];
        for (int i = 0; i < 20; i++) {
            int hi = Character.digit(stored.charAt(1 + 2 * i), 16);
            int lo = Character.digit(stored.charAt(2 + 2 * i), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** Servers send the nonce with a trailing NUL in some packets; the hash uses only the first 20 bytes. */
    private static byte[] trimNonce(byte[] nonce) {
        return nonce.length > NONCE_LENGTH ? Arrays.copyOf(nonce, NONCE_LENGTH) : nonce;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
