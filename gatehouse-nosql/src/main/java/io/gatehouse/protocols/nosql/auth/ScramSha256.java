package io.gatehouse.protocols.nosql.auth;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The SCRAM-SHA-256 arithmetic of RFC 5802/7677 as MongoDB uses it (the password itself, no digest first): derives
 * the keys an account keeps and checks a client's proof. Stateless and thread-safe; no buffers. Deriving keys runs
 * PBKDF2 and is slow on purpose, so it happens when an account is created or changed, never at login: a login only
 * runs the cheap HMAC and hash steps on the client's event loop.
 */
public final class ScramSha256 {
    /** MongoDB's default iteration count for SCRAM-SHA-256; drivers refuse fewer than 4096. */
    public static final int ITERATIONS = 15000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramSha256() {
    }

    /** The keys kept for an account: never the password, from which they cannot be turned back. */
    public record Keys(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    }

    /** Derives the keys of {@code password} with a fresh random salt. */
    public static Keys derive(String password) {
        byte[] salt = new byte[28];
        RANDOM.nextBytes(salt);
        return derive(password, salt, ITERATIONS);
    }

    static Keys derive(String password, byte[] salt, int iterations) {
        byte[] salted = pbkdf2(password, salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key");
        return new Keys(salt, iterations, sha256(clientKey), hmac(salted, "Server Key"));
    }

    /**
     * Whether {@code proof} proves knowledge of the password behind {@code keys} for this exchange: the client key is
     * the proof xor the client signature, and its hash must be the stored key (compared in constant time).
     */
    public static boolean verify(Keys keys, String authMessage, byte[] proof) {
        byte[] signature = hmac(keys.storedKey(), authMessage);
        if (proof.length != signature.length) {
            return false;
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ signature[i]);
        }
        return MessageDigest.isEqual(sha256(clientKey), keys.storedKey());
    }

    /** The server signature the client checks to know it talked to a server that holds the account. */
    public static byte[] serverSignature(Keys keys, String authMessage) {
        return hmac(keys.serverKey(), authMessage);
    }

    /** A fresh server nonce part, printable as SCRAM requires. */
    public static String nonce() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            return f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        }
    }

    static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
