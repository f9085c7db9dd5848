package io.gatehouse.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key file and the password cipher, checked against the {@code openssl} command line as an independent
 * AES-256-CBC implementation for both of MaxScale's formats.
 */
class PasswordCipherTest {
    private static final String KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static final String IV = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

    private static byte[] openssl(byte[] input, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "enc", "-aes-256-cbc", "-K", KEY, "-iv", IV));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().write(input);
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void jsonFormatCiphertextIsIvThenAesCbcAsOpensslWritesIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".secrets"), "{\"encryption_cipher\": \"EVP_aes_256_cbc\", \"encryption_key\": \""
                + KEY + "\"}");
        Files.setPosixFilePermissions(dir.resolve(".secrets"), PosixFilePermissions.fromString("r--------"));
        SecretsFile.Keys keys = SecretsFile.read(dir);
        byte[] ct = openssl("s3cr3t-pässword".getBytes(StandardCharsets.UTF_8));
        String text = (IV + HexFormat.of().formatHex(ct)).toUpperCase();
        assertThat(PasswordCipher.looksEncrypted(keys, text)).isTrue();
        assertThat(PasswordCipher.decrypt(keys, text)).isEqualTo("s3cr3t-pässword");
        String mine = PasswordCipher.encrypt(keys, "another");
        assertThat(mine).matches("[0-9A-F]+").isNotEqualTo(PasswordCipher.encrypt(keys, "another"));
        assertThat(PasswordCipher.decrypt(keys, mine)).isEqualTo("another");
    }

    @Test
    void oldBinaryFormatUsesTheFilesIvAndZeroPadding(@TempDir Path dir) throws Exception {
        byte[] file = new byte[48];
        System.arraycopy(HexFormat.of().parseHex(KEY), 0, file, 0, 32);
        System.arraycopy(HexFormat.of().parseHex(IV), 0, file, 32, 16);
        Files.write(dir.resolve(".secrets"), file);
        Files.setPosixFilePermissions(dir.resolve(".secrets"), PosixFilePermissions.fromString("r--------"));
        SecretsFile.Keys keys = SecretsFile.read(dir);
        byte[] padded = java.util.Arrays.copyOf("maxpwd".getBytes(StandardCharsets.UTF_8), 16);
        String text = HexFormat.of().withUpperCase().formatHex(openssl(padded, "-nopad"));
        assertThat(PasswordCipher.encrypt(keys, "maxpwd")).isEqualTo(text);
        assertThat(PasswordCipher.decrypt(keys, text)).isEqualTo("maxpwd");
    }

    @Test
    void aWrongKeyOrDamagedValueFailsWithoutShowingIt(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        SecretsFile.create(a);
        SecretsFile.create(b);
        String text = PasswordCipher.encrypt(SecretsFile.read(a), "topsecret");
        assertThatThrownBy(() -> PasswordCipher.decrypt(SecretsFile.read(b), text))
                .isInstanceOf(GeneralSecurityException.class)
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("topsecret"));
    }

    @Test
    void aKeyFileOthersCanReadIsRefused(@TempDir Path dir) throws Exception {
        Path file = SecretsFile.create(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--------");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SecretsFile.read(dir)).isInstanceOf(IOException.class).hasMessageContaining("chmod 400");
        assertThatThrownBy(() -> SecretsFile.create(dir)).hasMessageContaining("exists");
    }
}
