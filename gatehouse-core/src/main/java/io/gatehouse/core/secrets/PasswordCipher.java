package io.gatehouse.core.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and decrypts configuration passwords as MaxScale's {@code maxpasswd} does: AES-256-CBC, written as
 * upper-case hex. With a JSON key file each password gets a random IV, written in front of the ciphertext; with
 * the old binary key file the file's fixed IV is used and the password is zero-padded. Stateless; any thread.
 */
public final class PasswordCipher {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private PasswordCipher() {
    }

    /** The hex text to put in the configuration for {@code password}. */
    public static String encrypt(SecretsFile.Keys keys, String password) throws GeneralSecurityException {
        byte[] plain = password.getBytes(StandardCharsets.UTF_8);
        if (keys.fixedIv() != null) {
            byte[] padded = Arrays.copyOf(plain, (plain.length / 16 + 1) * 16);
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.key(), "AES"), new IvParameterSpec(keys.fixedIv()));
            return HEX.formatHex(c.doFinal(padded));
        }
        byte[] iv = new byte[SecretsFile.IV_LENGTH];
        new SecureRandom().nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.key(), "AES"), new IvParameterSpec(iv));
        return HEX.formatHex(iv) + HEX.formatHex(c.doFinal(plain));
    }

    /** Whether a configuration value has the shape of an encrypted password (hex, whole AES blocks). */
    public static boolean looksEncrypted(SecretsFile.Keys keys, String text) {
        int minBytes = keys.fixedIv() != null ? 16 : 32;
        return text.length() >= minBytes * 2 && text.length() % 32 == 0
                && text.chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
    }

    /**
     * The password behind {@code text}. Throws {@link GeneralSecurityException} when it does not decrypt with these
     * keys (another key file, a damaged value); the message never contains the value.
     */
    public static String decrypt(SecretsFile.Keys keys, String text) throws GeneralSecurityException {
        byte[] bytes = HEX.parseHex(text);
        if (keys.fixedIv() != null) {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys.key(), "AES"), new IvParameterSpec(keys.fixedIv()));
            byte[] plain = c.doFinal(bytes);
            int end = plain.length;
            while (end > 0 && plain[end - 1] == 0) {
                end--;
            }
            return new String(plain, 0, end, StandardCharsets.UTF_8);
        }
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys.key(), "AES"),
                new IvParameterSpec(bytes, 0, SecretsFile.IV_LENGTH));
        return new String(c.doFinal(bytes, SecretsFile.IV_LENGTH, bytes.length - SecretsFile.IV_LENGTH),
                StandardCharsets.UTF_8);
    }
}
