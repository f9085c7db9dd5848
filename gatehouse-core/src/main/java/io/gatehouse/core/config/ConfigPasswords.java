package io.gatehouse.core.config;

import io.gatehouse.core.secrets.PasswordCipher;
import io.gatehouse.core.secrets.SecretsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the password parameters of a configuration into the passwords themselves: when the data directory holds a
 * key file ({@code .secrets}, made by {@code gatehouse-keys} or MaxScale's {@code maxkeys}), values that have the
 * shape of ciphertext are decrypted, as MaxScale does; plain passwords keep working. Errors name the section and
 * parameter, never the value. Immutable; made on the thread that loads the configuration.
 */
public final class ConfigPasswords {
    static final ConfigPasswords NONE = new ConfigPasswords(null, null);

    private final SecretsFile.Keys keys;
    private final Path keyFile;

    private ConfigPasswords(SecretsFile.Keys keys, Path keyFile) {
        this.keys = keys;
        this.keyFile = keyFile;
    }

    /**
     * The passwords of a configuration, with the key file of its {@code secretsdir} (by default its {@code datadir},
     * or the default one).
     */
    static ConfigPasswords forSections(Map<String, IniSection> sections) throws ConfigException {
        IniSection global = sections.containsKey("maxscale") ? sections.get("maxscale") : sections.get("gatehouse");
        String secrets = global == null ? null : global.get("secretsdir");
        String dir = secrets != null && !secrets.isBlank() ? secrets : global == null ? null : global.get("datadir");
        if (dir == null) {
            dir = CoreParams.GLOBAL.stream().filter(p -> p.name().equals("datadir")).findFirst().orElseThrow()
                    .defaultValue();
        }
        Path file = SecretsFile.locate(Path.of(dir));
        try {
            SecretsFile.Keys keys = SecretsFile.read(file);
            return keys == null ? NONE : new ConfigPasswords(keys, file);
        } catch (IOException e) {
            throw new ConfigException("[maxscale] " + (secrets != null && !secrets.isBlank() ? "secretsdir" : "datadir")
                    + ": " + e.getMessage());
        }
    }

    /** The password a parameter stands for. */
    String plain(String section, String param, String text) throws ConfigException {
        if (keys == null || !PasswordCipher.looksEncrypted(keys, text)) {
            return text;
        }
        try {
            return PasswordCipher.decrypt(keys, text);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException("[" + section + "] " + param + ": the encrypted password does not decrypt with "
                    + keyFile + " (made with another key, or damaged)");
        }
    }

    /** Parameter names whose values are secrets even when misspelt. */
    public static boolean looksSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        // Generous on purpose: a misspelling ("pasword", "passwd", "monitorpwd") must still be hidden.
        return n.contains("pas") || n.contains("pw") || n.contains("secret") || n.contains("key");
    }
}
