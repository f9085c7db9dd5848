package io.gatehouse.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * The SHA-256 based plugins of MySQL 8, both sides: {@code caching_sha2_password} (fast path: the client proves
 * the password with {@code XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)), nonce))}; full path: the password itself,
 * over TLS or RSA-encrypted) and {@code sha256_password} (always the password, over TLS or RSA-encrypted). The RSA
 * exchange encrypts {@code password XOR nonce} under the server's public key (OAEP padding, or PKCS#1 v1.5 from
 * clients that believe the server older than MySQL 8.0.5), which the client may ask for. Stateless; any thread.
 */
public final class Sha2Password {
    public static final String CACHING_PLUGIN = "caching_sha2_password";
    public static final String SHA256_PLUGIN = "sha256_password";
    /** Auth-more-data byte after a fast-path success. */
    public static final int FAST_AUTH_OK = 3;
    /** Auth-more-data byte asking the client for the full exchange. */
    public static final int PERFORM_FULL_AUTH = 4;
    /** What a caching_sha2_password client sends to ask for the public key. */
    public static final int REQUEST_PUBLIC_KEY_CACHING = 2;
    /** What a sha256_password client sends to ask for the public key. */
    public static final int REQUEST_PUBLIC_KEY_SHA256 = 1;

    private Sha2Password() {
    }

    public static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** SHA256(SHA256(password)), what the fast path is checked against (kept by the server's cache). */
    public static byte[] stage2(String password) {
        return sha256(sha256(password.getBytes(StandardCharsets.UTF_8)));
    }

    /** The fast-path scramble a client computes; for tests and for logging into MySQL 8 backends. */
    public static byte[] scramble(String password, byte[] nonce) {
        return scrambleWithStage1(sha256(password.getBytes(StandardCharsets.UTF_8)), nonce);
    }

    /** The fast-path scramble from SHA256(password) alone, which is all a proxy keeps of a fast-path login. */
    public static byte[] scrambleWithStage1(byte[] stage1, byte[] nonce) {
        byte[] mix = sha256(sha256(stage1), nonce);
        byte[] out = new byte[stage1.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (stage1[i] ^ mix[i]);
        }
        return out;
    }

    /** Whether a fast-path {@code token} proves the password whose {@code stage2} is cached. */
    public static boolean verifyFast(byte[] token, byte[] stage2, byte[] nonce) {
        return token.length == 32 && MessageDigest.isEqual(sha256(stage1(token, stage2, nonce)), stage2);
    }

    /** SHA256(password) out of a fast-path {@code token}, given the {@code stage2} it was checked against. */
    public static byte[] stage1(byte[] token, byte[] stage2, byte[] nonce) {
        byte[] mix = sha256(stage2, nonce);
        byte[] stage1 = new byte[32];
        for (int i = 0; i < 32; i++) {
            stage1[i] = (byte) (token[i] ^ mix[i]);
        }
        return stage1;
    }

    /** A server's RSA public key from the PEM text it sends ({@code BEGIN PUBLIC KEY}, X.509 SubjectPublicKeyInfo). */
    public static PublicKey publicKey(String pem) throws GeneralSecurityException {
        String b64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(b64);
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (IllegalArgumentException e) {
            throw new java.security.spec.InvalidKeySpecException("not a PEM public key: " + e.getMessage(), e);
        }
    }

    /**
     * The RSA answer a client sends: {@code password} with its terminating NUL, XORed with {@code nonce}, encrypted
     * with OAEP padding as servers from MySQL 8.0.5 on expect.
     */
    public static byte[] encryptPassword(PublicKey key, byte[] password, byte[] nonce) throws GeneralSecurityException {
        byte[] mixed = Arrays.copyOf(password, password.length + 1);
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] ^= nonce[i % nonce.length];
        }
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
        c.init(Cipher.ENCRYPT_MODE, key);
        try {
            return c.doFinal(mixed);
        } finally {
            Arrays.fill(mixed, (byte) 0);
        }
    }

    /** A new RSA key pair for the password exchange without TLS. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is missing from this JDK", e);
        }
    }

    /** The public key as the PEM text clients expect. */
    public static String pem(KeyPair keys) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
    }

    /** The password from an RSA-encrypted answer; throws when it does not decrypt. */
    public static String decryptPassword(PrivateKey key, byte[] encrypted, byte[] nonce) throws GeneralSecurityException {
        byte[] mixed;
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            c.init(Cipher.DECRYPT_MODE, key);
            mixed = c.doFinal(encrypted);
        } catch (javax.crypto.BadPaddingException e) {
            // Clients talking to a server that announces a version before 8.0.5 use PKCS#1 v1.5 padding.
            Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            c.init(Cipher.DECRYPT_MODE, key);
            mixed = c.doFinal(encrypted);
        }
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] ^= nonce[i % nonce.length];
        }
        return cleartext(mixed);
    }

    /** The password of a cleartext answer (NUL-terminated). */
    public static String cleartext(byte[] data) {
        int end = data.length;
        while (end > 0 && data[end - 1] == 0) {
            end--;
        }
        return new String(Arrays.copyOf(data, end), StandardCharsets.UTF_8);
    }
}
