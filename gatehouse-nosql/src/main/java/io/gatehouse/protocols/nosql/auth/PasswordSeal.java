package io.gatehouse.protocols.nosql.auth;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Seals the MariaDB password of a shared NoSQL account so that only a client who proves it knows the password can
 * open it: AES-256-GCM under a key derived (HMAC-SHA-256) from the account's SCRAM client key. The shared table holds
 * the stored key, the hash of the client key, from which the client key cannot be computed; a SCRAM proof reveals the
 * client key to the proxy for that one login, and so the password the proxy logs in to MariaDB with. Stateless and
 * thread-safe; no buffers.
 */
public final class PasswordSeal {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV_LENGTH = 12;

    private PasswordSeal() {
    }

    /** {@code password} sealed under {@code clientKey}, bound to {@code mariadbUser}: the IV, then the ciphertext and tag. */
    public static byte[] seal(byte[] clientKey, String mariadbUser, String password) {
        byte[] iv = new byte[IV_LENGTH];
        RANDOM.nextBytes(iv);
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, clientKey, iv, mariadbUser, password.getBytes(StandardCharsets.UTF_8));
        byte[] out = Arrays.copyOf(iv, IV_LENGTH + sealed.length);
        System.arraycopy(sealed, 0, out, IV_LENGTH, sealed.length);
        return out;
    }

    /** The password {@link #seal} sealed; throws {@link IllegalArgumentException} when the key or the data is not right. */
    public static String open(byte[] clientKey, String mariadbUser, byte[] sealed) {
        if (sealed.length <= IV_LENGTH) {
            throw new IllegalArgumentException("sealed password: " + sealed.length + " bytes (expected: more than " + IV_LENGTH + ")");
        }
        byte[] plain = cipher(Cipher.DECRYPT_MODE, clientKey, Arrays.copyOf(sealed, IV_LENGTH), mariadbUser,
                Arrays.copyOfRange(sealed, IV_LENGTH, sealed.length));
        return new String(plain, StandardCharsets.UTF_8);
    }

    private static byte[] cipher(int mode, byte[] clientKey, byte[] iv, String mariadbUser, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clientKey, "HmacSHA256"));
            byte[] key = mac.doFinal("gatehouse nosql mariadb password".getBytes(StandardCharsets.US_ASCII));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(mariadbUser.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(data);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("sealed password: the key does not open it", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available: " + e.getMessage(), e);
        }
    }
}
