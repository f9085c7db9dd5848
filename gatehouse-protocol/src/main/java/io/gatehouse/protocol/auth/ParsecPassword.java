package io.gatehouse.protocol.auth;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * MariaDB's {@code parsec} authentication (11.6 and later), both sides. The server sends a 32-byte scramble; the
 * client answers with an empty packet; the server sends the account's "ext-salt" ({@code 'P'}, the iteration
 * exponent, 18 salt bytes); the client derives an Ed25519 seed with PBKDF2-HMAC-SHA512 (1024 shifted left by the
 * exponent iterations, 32 bytes), picks its own 32-byte scramble and returns it followed by the signature of both
 * scrambles. The account stores {@code P<exponent>:<base64 salt>:<base64 public key>}. Stateless; any thread.
 */
public final class ParsecPassword {
    public static final String PLUGIN = "parsec";
    public static final int SCRAMBLE_LENGTH = 32;
    public static final int RESPONSE_LENGTH = 96;
    private static final int SALT_LENGTH = 18;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An account's stored parameters: the iteration exponent (0 to 3), the salt and the public key. */
    public record Stored(int exponent, byte[] salt, byte[] publicKey) {
        /** What the server sends for the client to derive its key: 'P', the exponent, the salt. */
        public byte[] extSalt() {
            byte[] out = new byte[2 + salt.length];
            out[0] = 'P';
            out[1] = (byte) exponent;
            System.arraycopy(salt, 0, out, 2, salt.length);
            return out;
        }
    }

    private ParsecPassword() {
    }

    /** Parses an account's {@code authentication_string}; throws naming what is wrong. */
    public static Stored parse(String authString) {
        String[] parts = authString.trim().split(":");
        if (parts.length != 3 || parts[0].length() != 2 || parts[0].charAt(0) != 'P'
                || parts[0].charAt(1) < '0' || parts[0].charAt(1) > '3') {
            throw new IllegalArgumentException("parsec authentication_string: expected P<0-3>:<salt>:<key>");
        }
        byte[] salt = base64(parts[1]);
        byte[] key = base64(parts[2]);
        if (salt.length != SALT_LENGTH || key.length != 32) {
            throw new IllegalArgumentException("parsec authentication_string: salt of " + salt.length
                    + " bytes and key of " + key.length + " (expected: 18 and 32)");
        }
        return new Stored(parts[0].charAt(1) - '0', salt, key);
    }

    private static byte[] base64(String text) {
        return Base64.getDecoder().decode(text + "=".repeat((4 - text.length() % 4) % 4));
    }

    /** The stored form for {@code password} with a new random salt (what the server keeps after CREATE USER). */
    public static String authString(String password, int exponent) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        byte[] key = Ed25519Signer.publicKey(derive(password, salt, exponent));
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "P" + exponent + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(key);
    }

    /** The Ed25519 seed of {@code password} under an ext-salt's parameters. */
    static byte[] derive(String password, byte[] salt, int exponent) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, 1024 << exponent, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * The client's answer to the server's {@code scramble} and {@code extSalt}: its own scramble and the signature.
     *
     * @throws IllegalArgumentException when the ext-salt is not one this version knows
     */
    public static byte[] respond(String password, byte[] scramble, byte[] extSalt) {
        if (extSalt.length != 2 + SALT_LENGTH || extSalt[0] != 'P' || extSalt[1] < 0 || extSalt[1] > 3) {
            throw new IllegalArgumentException("parsec ext-salt of " + extSalt.length
                    + " bytes (expected: 'P', an iteration exponent of 0 to 3 and 18 salt bytes)");
        }
        byte[] seed = derive(password, Arrays.copyOfRange(extSalt, 2, extSalt.length), extSalt[1]);
        byte[] clientScramble = new byte[SCRAMBLE_LENGTH];
        RANDOM.nextBytes(clientScramble);
        byte[] signature = Ed25519Signer.sign(seed, concat(scramble, clientScramble));
        Arrays.fill(seed, (byte) 0);
        return concat(clientScramble, signature);
    }

    /** Whether {@code response} (client scramble and signature) proves the password of {@code stored}. */
    public static boolean verify(Stored stored, byte[] scramble, byte[] response) {
        if (response == null || response.length != RESPONSE_LENGTH || scramble.length != SCRAMBLE_LENGTH) {
            return false;
        }
        byte[] signed = concat(scramble, Arrays.copyOf(response, SCRAMBLE_LENGTH));
        return Ed25519Password.verify(stored.publicKey(), signed, Arrays.copyOfRange(response, SCRAMBLE_LENGTH,
                RESPONSE_LENGTH));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
