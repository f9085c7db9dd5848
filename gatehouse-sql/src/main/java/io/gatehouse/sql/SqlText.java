package io.gatehouse.sql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns spans of SQL text into Java strings: unquotes identifiers (qualified or not) and string literals;
 * stateless, usable from any thread, it only reads the bytes it is given. Text is decoded as UTF-8.
 */
final class SqlText {
    private SqlText() {
    }

    /**
     * A possibly qualified name as written, without its quotes: {@code `db`.`t``x`} becomes {@code db.t`x}.
     * Whitespace and comments between the parts are dropped.
     */
    static String name(byte[] b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            byte c = b[i];
            if (c == '`' || c == '"') {
                int end = Lexer.skipQuoted(b, i, to, c, false);
                end = end < 0 ? to : end;
                for (int j = i + 1; j < end - 1; j++) {
                    out.write(b[j]);
                    if (b[j] == c && j + 1 < end - 1 && b[j + 1] == c) {
                        j++;
                    }
                }
                i = end;
            } else if (c == '.' || Lexer.isIdentChar(c)) {
                out.write(c);
                i++;
            } else {
                i++;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of the string literal {@code b[from, to)} (quotes included), with its escapes resolved. */
    static byte[] unquoteString(byte[] b, int from, int to, boolean backslashEscapes) {
        if (to - from < 2) {
            return new byte[0];
        }
        byte q = b[from];
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int end = b[to - 1] == q ? to - 1 : to;
        for (int i = from + 1; i < end; i++) {
            byte c = b[i];
            if (c == q && i + 1 < end && b[i + 1] == q) {
                out.write(q);
                i++;
            } else if (c == '\\' && backslashEscapes && i + 1 < end) {
                byte n = b[++i];
                switch (n) {
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    case 'r' -> out.write('\r');
                    case 'b' -> out.write('\b');
                    case '0' -> out.write(0);
                    case 'Z' -> out.write(26);
                    case '%', '_' -> {
                        out.write('\\');
                        out.write(n);
                    }
                    default -> out.write(n);
                }
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
