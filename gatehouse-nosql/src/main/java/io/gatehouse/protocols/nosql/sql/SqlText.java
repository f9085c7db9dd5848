package io.gatehouse.protocols.nosql.sql;

import io.gatehouse.protocols.nosql.NosqlException;

/**
 * Quoting for the SQL text the translation writes: identifiers, string literals and JSON paths of document fields.
 * Stateless; any thread.
 */
public final class SqlText {
    private SqlText() {
    }

    /** A backquoted identifier. */
    public static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The table of a collection: {@code `db`.`collection`}. */
    public static String table(String database, String collection) {
        return ident(database) + "." + ident(collection);
    }

    /** A single-quoted string literal, safe whatever the server's backslash mode. */
    public static String literal(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\'' -> b.append("''");
                case '\\' -> b.append("\\\\");
                case '\0' -> b.append("\\0");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }

    /** The JSON path of a dotted MongoDB field name, each key quoted ({@code a.b} becomes {@code $."a"."b"}), as a literal. */
    public static String path(String field) {
        if (field.isEmpty() || field.startsWith("$")) {
            throw NosqlException.badValue("invalid field name '" + field + "'");
        }
        StringBuilder b = new StringBuilder("$");
        for (String key : field.split("\\.", -1)) {
            if (key.isEmpty()) {
                throw NosqlException.badValue("invalid field name '" + field + "': empty part");
            }
            b.append(".\"").append(key.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal(b.toString());
    }

    /** The SQL expression for a field's JSON value, null when the field is missing. */
    public static String extract(String field) {
        return "JSON_EXTRACT(doc, " + path(field) + ")";
    }
}
