package io.gatehouse.sql;

/**
 * Splits MariaDB SQL into {@link Tokens} in one pass over the bytes, allocating nothing per token; stateless and
 * usable from any thread, it reads the caller's byte range and writes only into the {@link Tokens} it is given.
 *
 * <p>Comments are dropped (they only set the "space before" bit of the next token), except executable comments
 * {@code /*! ... *}{@code /} and {@code /*M! ... *}{@code /}, whose content is lexed as SQL when their version (five or
 * six digits) is absent or not above the server version, exactly as MariaDB decides for both forms. Bytes of 0x80 and above are identifier
 * characters, which is right for UTF-8 and every single-byte character set.
 */
final class Lexer {
    private static final byte[] CLASS = new byte[256];
    private static final byte C_OTHER = 0;
    private static final byte C_SPACE = 1;
    private static final byte C_IDENT = 2;
    private static final byte C_DIGIT = 3;

    static {
        for (int c = 0; c < 256; c++) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C) {
                CLASS[c] = C_SPACE;
            } else if (c >= '0' && c <= '9') {
                CLASS[c] = C_DIGIT;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80) {
                CLASS[c] = C_IDENT;
            }
        }
    }

    private Lexer() {
    }

    static boolean isIdentChar(int b) {
        byte c = CLASS[b & 0xFF];
        return c == C_IDENT || c == C_DIGIT;
    }

    /** Lexes {@code b[from, to)} into {@code out}, which is reset first. */
    static void lex(byte[] b, int from, int to, SqlMode mode, int serverVersion, Tokens out) {
        out.reset(b);
        boolean ansiQuotes = mode.ansiQuotes();
        boolean backslash = !mode.noBackslashEscapes();
        boolean inExecutable = false;
        int space = 0;
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            byte cls = CLASS[c];
            if (cls == C_SPACE) {
                space = Tokens.SPACE_BEFORE;
                i++;
                continue;
            }
            if (cls == C_IDENT) {
                if (i + 1 < to && b[i + 1] == '\'' && isIntroducer(c)) {
                    int kind = (c | 0x20) == 'x' ? Tokens.HEX : (c | 0x20) == 'b' ? Tokens.BIT : Tokens.STRING;
                    int e = skipQuoted(b, i + 1, to, '\'', kind == Tokens.STRING && backslash);
                    if (e < 0) {
                        out.error = true;
                        e = to;
                    }
                    out.add(kind | space, i, e, 0);
                    i = e;
                    space = 0;
                    continue;
                }
                i = word(b, i, to, out, space);
                space = 0;
                continue;
            }
            if (cls == C_DIGIT) {
                i = number(b, i, to, out, space);
                space = 0;
                continue;
            }
            int s = i;
            switch (c) {
                case '\'' -> i = quoted(b, i, to, '\'', backslash, Tokens.STRING, out, space);
                case '"' -> i = ansiQuotes ? quoted(b, i, to, '"', false, Tokens.QUOTED_ID, out, space)
                        : quoted(b, i, to, '"', backslash, Tokens.STRING, out, space);
                case '`' -> i = quoted(b, i, to, '`', false, Tokens.QUOTED_ID, out, space);
                case '(' -> { out.add(Tokens.LPAREN | space, s, ++i, 0); }
                case ')' -> { out.add(Tokens.RPAREN | space, s, ++i, 0); }
                case ',' -> { out.add(Tokens.COMMA | space, s, ++i, 0); }
                case ';' -> { out.add(Tokens.SEMI | space, s, ++i, 0); }
                case '?' -> { out.add(Tokens.PLACEHOLDER | space, s, ++i, 0); }
                case '=' -> { out.add(Tokens.EQ | space, s, ++i, 0); }
                case '.' -> {
                    if (i + 1 < to && CLASS[b[i + 1] & 0xFF] == C_DIGIT && !followsName(out, space)) {
                        i = number(b, i, to, out, space);
                    } else {
                        out.add(Tokens.DOT | space, s, ++i, 0);
                    }
                }
                case ':' -> {
                    if (i + 1 < to && b[i + 1] == '=') {
                        out.add(Tokens.ASSIGN | space, s, i += 2, 0);
                    } else {
                        out.add(Tokens.OP | space, s, ++i, 0);
                    }
                }
                case '@' -> i = variable(b, i, to, out, space, backslash);
                case '#' -> {
                    i = lineEnd(b, i, to);
                    space = Tokens.SPACE_BEFORE;
                    continue;
                }
                case '-' -> {
                    if (i + 1 < to && b[i + 1] == '-' && (i + 2 >= to || (b[i + 2] & 0xFF) <= ' ')) {
                        i = lineEnd(b, i, to);
                        space = Tokens.SPACE_BEFORE;
                        continue;
                    }
                    out.add(Tokens.OP | space, s, ++i, 0);
                }
                case '/' -> {
                    if (i + 1 < to && b[i + 1] == '*') {
                        long result = comment(b, i, to, serverVersion, inExecutable);
                        int status = (int) (result & 3);
                        if (status == COMMENT_EXECUTABLE) {
                            inExecutable = true;
                        } else if (status == COMMENT_UNTERMINATED) {
                            out.error = true;
                        }
                        i = (int) (result >>> 2);
                        space = Tokens.SPACE_BEFORE;
                        continue;
                    }
                    out.add(Tokens.OP | space, s, ++i, 0);
                }
                case '*' -> {
                    if (inExecutable && i + 1 < to && b[i + 1] == '/') {
                        inExecutable = false;
                        i += 2;
                        space = Tokens.SPACE_BEFORE;
                        continue;
                    }
                    out.add(Tokens.OP | space, s, ++i, 0);
                }
                default -> out.add(Tokens.OP | space, s, ++i, 0);
            }
            space = 0;
        }
    }

    private static boolean isIntroducer(int c) {
        int l = c | 0x20;
        return l == 'x' || l == 'b' || l == 'n';
    }

    /** True if a '.' here continues a qualified name ({@code t.1col}) rather than starting a number ({@code .5}). */
    private static boolean followsName(Tokens out, int space) {
        return space == 0 && out.count > 0 && out.isName(out.count - 1);
    }

    private static int word(byte[] b, int i, int to, Tokens out, int space) {
        int s = i;
        int h = 0;
        while (i < to) {
            int c = b[i] & 0xFF;
            byte cls = CLASS[c];
            if (cls != C_IDENT && cls != C_DIGIT) {
                break;
            }
            h = h * 31 + NameTable.LOWER[c];
            i++;
        }
        int kw = i - s <= 20 ? Keyword.LOOKUP.lookup(b, s, i - s, NameTable.finish(h)) : -1;
        out.add(Tokens.WORD | space, s, i, kw < 0 ? 0 : kw);
        return i;
    }

    private static int number(byte[] b, int i, int to, Tokens out, int space) {
        int s = i;
        if (b[i] == '0' && i + 1 < to && (b[i + 1] == 'x' || b[i + 1] == 'b')) {
            boolean hex = b[i + 1] == 'x';
            int j = i + 2;
            while (j < to && (hex ? isHexDigit(b[j]) : (b[j] == '0' || b[j] == '1'))) {
                j++;
            }
            if (j > i + 2 && (j == to || !isIdentChar(b[j]))) {
                out.add((hex ? Tokens.HEX : Tokens.BIT) | space, s, j, 0);
                return j;
            }
            return word(b, i, to, out, space);
        }
        while (i < to && CLASS[b[i] & 0xFF] == C_DIGIT) {
            i++;
        }
        boolean fraction = false;
        if (i < to && b[i] == '.') {
            fraction = true;
            i++;
            while (i < to && CLASS[b[i] & 0xFF] == C_DIGIT) {
                i++;
            }
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            int j = i + 1;
            if (j < to && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            if (j < to && CLASS[b[j] & 0xFF] == C_DIGIT) {
                while (j < to && CLASS[b[j] & 0xFF] == C_DIGIT) {
                    j++;
                }
                out.add(Tokens.NUMBER | space, s, j, 0);
                return j;
            }
        }
        if (!fraction && i < to && CLASS[b[i] & 0xFF] == C_IDENT) {
            return word(b, s, to, out, space);
        }
        out.add(Tokens.NUMBER | space, s, i, 0);
        return i;
    }

    private static boolean isHexDigit(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int quoted(byte[] b, int i, int to, int q, boolean backslash, int kind, Tokens out, int space) {
        int e = skipQuoted(b, i, to, q, backslash);
        if (e < 0) {
            out.error = true;
            e = to;
        }
        out.add(kind | space, i, e, 0);
        return e;
    }

    /** Returns the index just past the closing quote of the quoted text starting at {@code b[i] == q}, or -1. */
    static int skipQuoted(byte[] b, int i, int to, int q, boolean backslash) {
        i++;
        while (i < to) {
            byte c = b[i];
            if (c == q) {
                if (i + 1 < to && b[i + 1] == q) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i += (c == '\\' && backslash) ? 2 : 1;
        }
        return -1;
    }

    private static int variable(byte[] b, int i, int to, Tokens out, int space, boolean backslash) {
        int s = i;
        int prev = out.count - 1;
        if (space == 0 && prev >= 0) {
            int pk = out.kind(prev);
            if (pk == Tokens.STRING || pk == Tokens.QUOTED_ID || pk == Tokens.WORD) {
                return hostPart(b, i + 1, to, out, s, backslash);
            }
        }
        if (i + 1 < to && b[i + 1] == '@') {
            int j = i + 2;
            while (j < to && (isIdentChar(b[j]) || b[j] == '.')) {
                j++;
            }
            if (j < to && b[j] == '`') {
                int e = skipQuoted(b, j, to, (byte) '`', false);
                j = e < 0 ? to : e;
            }
            out.add(Tokens.SYS_VAR | space, s, j, 0);
            return j;
        }
        int j = i + 1;
        if (j < to && (b[j] == '\'' || b[j] == '"' || b[j] == '`')) {
            int e = skipQuoted(b, j, to, b[j], b[j] != '`' && backslash);
            if (e < 0) {
                out.error = true;
                e = to;
            }
            out.add(Tokens.USER_VAR | space, s, e, 0);
            return e;
        }
        while (j < to && (isIdentChar(b[j]) || b[j] == '.')) {
            j++;
        }
        out.add((j == i + 1 ? Tokens.OP : Tokens.USER_VAR) | space, s, j, 0);
        return j;
    }

    private static int hostPart(byte[] b, int j, int to, Tokens out, int s, boolean backslash) {
        if (j < to && (b[j] == '\'' || b[j] == '"' || b[j] == '`')) {
            int e = skipQuoted(b, j, to, b[j], b[j] != '`' && backslash);
            j = e < 0 ? to : e;
        } else {
            while (j < to && (isIdentChar(b[j]) || b[j] == '.' || b[j] == '%' || b[j] == '-')) {
                j++;
            }
        }
        out.add(Tokens.HOST, s, j, 0);
        return j;
    }

    private static int lineEnd(byte[] b, int i, int to) {
        while (i < to && b[i] != '\n') {
            i++;
        }
        return i;
    }

    private static final int COMMENT_SKIPPED = 0;
    private static final int COMMENT_EXECUTABLE = 1;
    private static final int COMMENT_UNTERMINATED = 2;

    /**
     * Handles a comment starting at {@code b[i] == '/'}, {@code b[i+1] == '*'}. Returns the next index shifted
     * left by two, or-ed with COMMENT_SKIPPED, COMMENT_EXECUTABLE (its content follows) or COMMENT_UNTERMINATED.
     */
    private static long comment(byte[] b, int i, int to, int serverVersion, boolean inExecutable) {
        int j = i + 2;
        boolean mariaOnly = j + 1 < to && b[j] == 'M' && b[j + 1] == '!';
        if (!inExecutable && ((j < to && b[j] == '!') || mariaOnly)) {
            j += mariaOnly ? 2 : 1;
            // As the server reads it: a version is exactly five or six digits; fewer digits are SQL.
            int digits = 0;
            while (j + digits < to && digits < 6 && CLASS[b[j + digits] & 0xFF] == C_DIGIT) {
                digits++;
            }
            if (digits < 5) {
                return ((long) j << 2) | COMMENT_EXECUTABLE;
            }
            int v = 0;
            for (int d = 0; d < digits; d++) {
                v = v * 10 + (b[j + d] - '0');
            }
            j += digits;
            if (v <= serverVersion) {
                return ((long) j << 2) | COMMENT_EXECUTABLE;
            }
        }
        while (j + 1 < to) {
            if (b[j] == '*' && b[j + 1] == '/') {
                return ((long) (j + 2) << 2) | COMMENT_SKIPPED;
            }
            j++;
        }
        return ((long) to << 2) | COMMENT_UNTERMINATED;
    }
}
