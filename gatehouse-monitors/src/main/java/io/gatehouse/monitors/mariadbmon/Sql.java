package io.gatehouse.monitors.mariadbmon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text helpers for the SQL the cluster operations send: quoting of identifiers and string literals, and reading the
 * statements of a {@code promotion_sql_file} / {@code demotion_sql_file}. Stateless; no buffers.
 */
final class Sql {
    private Sql() {
    }

    /** An identifier in backquotes. */
    static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** A string literal in single quotes, with the characters MariaDB treats specially escaped. */
    static String literal(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('\'');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\'' -> sb.append("\\'");
                case '\\' -> sb.append("\\\\");
                case '\0' -> sb.append("\\0");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    /** {@code 'name'} for a named replication connection, empty for the default one. */
    static String connection(String name) {
        return name == null || name.isEmpty() ? "" : " " + literal(name);
    }

    /**
     * The statements of an SQL file as MaxScale reads them: one statement per line, blank lines and lines starting
     * with {@code #} or {@code --} skipped, a trailing semicolon removed.
     */
    static List<String> statementsOf(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#") || s.startsWith("--")) {
                continue;
            }
            if (s.endsWith(";")) {
                s = s.substring(0, s.length() - 1).strip();
            }
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
