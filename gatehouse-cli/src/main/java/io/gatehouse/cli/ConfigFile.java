package io.gatehouse.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * maxctrl's configuration file ({@code -c}/{@code --config}, default {@code ~/.maxctrl.cnf}): an INI file whose
 * {@code [maxctrl]} section gives default values of the global options, keys named without hyphens
 * ({@code user=...}, {@code hosts=...}, {@code tls-ca-cert=...}, or a short name such as {@code u}); options on
 * the command line win. As maxctrl, the name must end in {@code .cnf}, the file may hold a password so group and
 * others must have no access, a missing default file is no error but a named missing file is. Read once per command
 * on the command's thread.
 */
final class ConfigFile {
    static final String DEFAULT = "~/.maxctrl.cnf";

    private ConfigFile() {
    }

    /** The file the command line names with {@code -c}, {@code --config} or {@code --config=}, else the default. */
    static String named(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("-c") || a.equals("--config")) && i + 1 < args.length) {
                return args[i + 1];
            }
            if (a.startsWith("--config=")) {
                return a.substring("--config=".length());
            }
            if (a.startsWith("-c") && a.length() > 2 && !a.startsWith("--")) {
                return a.substring(2);
            }
        }
        return DEFAULT;
    }

    /** A provider of the file's values for gatectl's global options; throws {@link CliException} on a bad file. */
    static CommandLine.IDefaultValueProvider defaults(String name) {
        Map<String, String> values = read(name);
        return arg -> {
            if (!(arg instanceof CommandLine.Model.OptionSpec o)
                    || !(o.command().userObject() instanceof Gatectl) || o.longestName().equals("--config")) {
                return arg.defaultValue();
            }
            for (String n : o.names()) {
                String v = values.get(n.replaceFirst("^-+", ""));
                if (v != null) {
                    return v;
                }
            }
            return arg.defaultValue();
        };
    }

    static Map<String, String> read(String name) {
        boolean isDefault = name.equals(DEFAULT);
        Path file = Path.of(name.startsWith("~/") ? System.getProperty("user.home") + name.substring(1) : name);
        if (!file.getFileName().toString().endsWith(".cnf")) {
            throw new CliException("--config: " + file + " does not have a '.cnf' suffix");
        }
        if (!Files.exists(file)) {
            if (isDefault) {
                return Map.of();
            }
            throw new CliException("--config: " + file + " does not exist");
        }
        List<String> lines;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                    throw new CliException("--config: " + file + " is open to its group or to others; it may hold"
                            + " a password, so let only its owner use it (chmod 600)");
                }
            }
            lines = Files.readAllLines(file);
        } catch (UnsupportedOperationException e) {
            throw new CliException("--config: " + file + ": cannot check its permissions on this file system");
        } catch (IOException e) {
            throw new CliException("--config: cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        String section = null;
        boolean found = false;
        for (String raw : lines) {
            String l = raw.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            if (l.startsWith("[") && l.endsWith("]")) {
                section = l.substring(1, l.length() - 1).strip();
                found |= section.equals("maxctrl");
                continue;
            }
            if (!"maxctrl".equals(section)) {
                continue;
            }
            int eq = l.indexOf('=');
            String key = (eq < 0 ? l : l.substring(0, eq)).strip();
            if (key.startsWith("-")) {
                throw new CliException("--config: " + file + ": option names must be given without hyphens: " + key);
            }
            String value = eq < 0 ? "true" : l.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(key, value);
        }
        if (!found) {
            throw new CliException("--config: " + file + " does not have a [maxctrl] section");
        }
        return values;
    }
}
