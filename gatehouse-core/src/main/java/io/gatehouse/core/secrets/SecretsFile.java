package io.gatehouse.core.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The password encryption key file, {@code .secrets} in the data directory, in MaxScale's formats: the JSON file of
 * MaxScale 2.5 and later ({@code encryption_cipher} AES-256-CBC, {@code encryption_key} in hex) and the 48-byte
 * binary file of older versions (key, then a fixed IV). Like MaxScale it refuses a file that others than its owner
 * may read. Stateless; used on the main thread when the configuration is loaded and by the key commands.
 */
public final class SecretsFile {
    /** The file name in the data directory. */
    public static final String NAME = ".secrets";
    static final int KEY_LENGTH = 32;
    static final int IV_LENGTH = 16;

    private SecretsFile() {
    }

    /** The keys of a file: the key, and for the old binary format its fixed IV (null for the JSON format). */
    public record Keys(byte[] key, byte[] fixedIv) {
    }

    /** The key file for {@code path}: {@code path} itself when it is a file, else {@code path/.secrets}. */
    public static Path locate(Path path) {
        return Files.isDirectory(path) ? path.resolve(NAME) : path;
    }

    /** Reads the keys, or returns null when there is no key file (passwords are then taken as written). */
    public static Keys read(Path dirOrFile) throws IOException {
        Path file = locate(dirOrFile);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new IOException("key file " + file + " may be read by others (" + PosixFilePermissions.toString(perms)
                        + "); allow its owner only: chmod 400 " + file);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == KEY_LENGTH + IV_LENGTH && bytes[0] != '{') {
            byte[] key = new byte[KEY_LENGTH];
            byte[] iv = new byte[IV_LENGTH];
            System.arraycopy(bytes, 0, key, 0, KEY_LENGTH);
            System.arraycopy(bytes, KEY_LENGTH, iv, 0, IV_LENGTH);
            return new Keys(key, iv);
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new IOException("key file " + file + " is neither MaxScale's JSON nor its old binary format");
        }
        String cipher = json.path("encryption_cipher").asText("");
        if (!cipher.isEmpty() && !cipher.toLowerCase(java.util.Locale.ROOT).contains("aes_256_cbc")) {
            throw new IOException("key file " + file + ": encryption_cipher '" + cipher
                    + "' (expected: AES-256-CBC, EVP_aes_256_cbc)");
        }
        byte[] key;
        try {
            key = HexFormat.of().parseHex(json.path("encryption_key").asText(""));
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != KEY_LENGTH) {
            throw new IOException("key file " + file + ": encryption_key must be " + KEY_LENGTH + " bytes in hex");
        }
        return new Keys(key, null);
    }

    /** Writes a new random key as {@code dir/.secrets} (JSON format, owner read-only); returns the file. */
    public static Path create(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (Files.exists(file)) {
            throw new IOException("key file " + file + " exists: passwords encrypted with it would become unreadable;"
                    + " remove it first if that is what you want");
        }
        byte[] key = new byte[KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("description", "Gatehouse (MaxScale-compatible) password encryption key");
        json.put("maxscale_version", "24.02");
        json.put("encryption_cipher", "EVP_aes_256_cbc");
        json.put("encryption_key", HexFormat.of().formatHex(key));
        Files.createDirectories(dir);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        return file;
    }
}
