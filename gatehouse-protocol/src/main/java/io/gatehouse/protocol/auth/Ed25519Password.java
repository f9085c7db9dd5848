package io.gatehouse.protocol.auth;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * MariaDB's {@code client_ed25519} authentication, server side: the server sends a 32-byte scramble, the client
 * answers with an Ed25519 signature of it made with a key derived from the password (SHA-512 of the password is
 * the expanded secret key), and the server checks it against the public key stored as the account's
 * {@code authentication_string} (base64, without padding). The signature is standard Ed25519, so the JDK verifies
 * it. Stateless; any thread.
 */
public final class Ed25519Password {
    /** The client plugin's name. */
    public static final String PLUGIN = "client_ed25519";
    /** The server plugin's name in {@code mysql.user}. */
    public static final String SERVER_PLUGIN = "ed25519";
    /** Scramble length of this plugin. */
    public static final int NONCE_LENGTH = 32;
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519Password() {
    }

    /** The 32-byte public key of an account's {@code authentication_string}; throws when it is not one. */
    public static byte[] publicKey(String authString) {
        String b64 = authString.trim();
        byte[] key = Base64.getDecoder().decode(b64 + "=".repeat((4 - b64.length() % 4) % 4));
        if (key.length != 32) {
            throw new IllegalArgumentException("ed25519 authentication_string: " + key.length
                    + " bytes (expected: a 32-byte public key in base64)");
        }
        return key;
    }

    /** True when {@code signature} is a valid signature of {@code nonce} by {@code publicKey}. */
    public static boolean verify(byte[] publicKey, byte[] nonce, byte[] signature) {
        if (signature == null || signature.length != 64) {
            return false;
        }
        try {
            byte[] der = new byte[X509_PREFIX.length + 32];
            System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
            System.arraycopy(publicKey, 0, der, X509_PREFIX.length, 32);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(key);
            v.update(nonce);
            return v.verify(signature);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
