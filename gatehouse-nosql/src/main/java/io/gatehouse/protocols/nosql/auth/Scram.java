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
import java.util.HexFormat;

/**
 * The SCRAM arithmetic of RFC 5802/7677 as MongoDB uses it, for SCRAM-SHA-1 and SCRAM-SHA-256: derives the keys an
 * account keeps and checks a client's proof. Stateless and thread-safe; no buffers. Deriving keys runs PBKDF2 and is
 * slow on purpose, so it happens when an account is created or changed, never at login: a login only runs the cheap
 * HMAC and hash steps on the client's event loop.
 */
public final class Scram {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Scram() {
    }

    /**
     * A SCRAM mechanism with MongoDB's parameters. SCRAM-SHA-1 runs on MongoDB's digest of the password
     * ({@code hex(md5(user ":mongo:" password))}), a legacy of MONGODB-CR that drivers reproduce; SCRAM-SHA-256 on the
     * password itself (SASLprep is the identity for the ASCII passwords this accepts as they are).
     */
    public enum Mechanism {
        SHA_1("SCRAM-SHA-1", "HmacSHA1", "SHA-1", "PBKDF2WithHmacSHA1", 10000, 16),
        SHA_256("SCRAM-SHA-256", "HmacSHA256", "SHA-256", "PBKDF2WithHmacSHA256", 15000, 28);

        private final String mongoName;
        private final String hmac;
        private final String digest;
        private final String pbkdf2;
        private final int iterations;
        private final int saltLength;

        Mechanism(String mongoName, String hmac, String digest, String pbkdf2, int iterations, int saltLength) {
            this.mongoName = mongoName;
            this.hmac = hmac;
            this.digest = digest;
            this.pbkdf2 = pbkdf2;
            this.iterations = iterations;
            this.saltLength = saltLength;
        }

        /** The name drivers use ({@code SCRAM-SHA-1}, {@code SCRAM-SHA-256}). */
        public String mongoName() {
            return mongoName;
        }

        /** The mechanism of a driver's name, or null when it is not one of these. */
        public static Mechanism of(String mongoName) {
            for (Mechanism m : values()) {
                if (m.mongoName.equals(mongoName)) {
                    return m;
                }
            }
            return null;
        }

        /** What PBKDF2 runs on: the password for SHA-256, MongoDB's user/password digest for SHA-1. */
        String input(String user, String password) {
            if (this == SHA_256) {
                return password;
            }
            try {
                byte[] md5 = MessageDigest.getInstance("MD5").digest((user + ":mongo:" + password).getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(md5);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("MD5 is not available", e);
            }
        }

        byte[] hmac(byte[] key, String text) {
            try {
                Mac mac = Mac.getInstance(hmac);
                mac.init(new SecretKeySpec(key, hmac));
                return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(hmac + " is not available", e);
            }
        }

        byte[] hash(byte[] b) {
            try {
                return MessageDigest.getInstance(digest).digest(b);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(digest + " is not available", e);
            }
        }

        byte[] pbkdf2(String input, byte[] salt, int count) {
            try {
                int bits = this == SHA_1 ? 160 : 256;
                return SecretKeyFactory.getInstance(pbkdf2).generateSecret(new PBEKeySpec(input.toCharArray(), salt, count, bits))
                        .getEncoded();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(pbkdf2 + " is not available", e);
            }
        }
    }

    /** The keys kept for an account and one mechanism: never the password, from which they cannot be turned back. */
    public record Keys(Mechanism mechanism, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    }

    /** Keys and the client key they were made with (which only a login proof reveals again). */
    record Derived(Keys keys, byte[] clientKey) {
    }

    /** Derives the keys of {@code user}'s {@code password} for {@code m} with a fresh random salt. */
    public static Keys derive(Mechanism m, String user, String password) {
        return deriveWithClientKey(m, user, password).keys();
    }

    static Derived deriveWithClientKey(Mechanism m, String user, String password) {
        byte[] salt = new byte[m.saltLength];
        RANDOM.nextBytes(salt);
        return derive(m, user, password, salt, m.iterations);
    }

    static Derived derive(Mechanism m, String user, String password, byte[] salt, int iterations) {
        byte[] salted = m.pbkdf2(m.input(user, password), salt, iterations);
        byte[] clientKey = m.hmac(salted, "Client Key");
        return new Derived(new Keys(m, salt, iterations, m.hash(clientKey), m.hmac(salted, "Server Key")), clientKey);
    }

    /**
     * The client key a proof reveals, when it proves knowledge of the password behind {@code keys} for this exchange
     * (the proof xor the client signature, whose hash must be the stored key, compared in constant time); else null.
     */
    public static byte[] verify(Keys keys, String authMessage, byte[] proof) {
        Mechanism m = keys.mechanism();
        byte[] signature = m.hmac(keys.storedKey(), authMessage);
        if (proof.length != signature.length) {
            return null;
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ signature[i]);
        }
        return MessageDigest.isEqual(m.hash(clientKey), keys.storedKey()) ? clientKey : null;
    }

    /** The server signature the client checks to know it talked to a server that holds the account. */
    public static byte[] serverSignature(Keys keys, String authMessage) {
        return keys.mechanism().hmac(keys.serverKey(), authMessage);
    }

    /** A fresh server nonce part, printable as SCRAM requires. */
    public static String nonce() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
