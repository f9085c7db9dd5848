package io.gatehouse.sql;

/**
 * The token stream of one lexed packet as parallel int arrays (kind, start, end, keyword id); scratch space owned
 * by one thread at a time (the classifier keeps one per thread) and overwritten by the next {@link Lexer#lex} call.
 * It references, never copies, the caller's byte array.
 */
final class Tokens {
    static final int WORD = 1;
    static final int QUOTED_ID = 2;
    static final int STRING = 3;
    static final int NUMBER = 4;
    static final int HEX = 5;
    static final int BIT = 6;
    static final int PLACEHOLDER = 7;
    static final int USER_VAR = 8;
    static final int SYS_VAR = 9;
    static final int LPAREN = 10;
    static final int RPAREN = 11;
    static final int COMMA = 12;
    static final int SEMI = 13;
    static final int DOT = 14;
    static final int EQ = 15;
    static final int ASSIGN = 16;
    static final int OP = 17;
    /** The {@code @host} part of an account name such as {@code 'user'@'host'}. */
    static final int HOST = 18;

    /** Or-ed into a kind when whitespace or a comment preceded the token. */
    static final int SPACE_BEFORE = 0x100;

    byte[] src;
    int[] kind;
    int[] start;
    int[] end;
    int[] keyword;
    int count;
    /** An unterminated string, identifier or comment was seen. */
    boolean error;

    Tokens(int capacity) {
        kind = new int[capacity];
        start = new int[capacity];
        end = new int[capacity];
        keyword = new int[capacity];
    }

    void reset(byte[] source) {
        src = source;
        count = 0;
        error = false;
    }

    void add(int k, int s, int e, int kw) {
        int n = count;
        if (n == kind.length) {
            grow();
        }
        kind[n] = k;
        start[n] = s;
        end[n] = e;
        keyword[n] = kw;
        count = n + 1;
    }

    private void grow() {
        int size = kind.length * 2;
        kind = java.util.Arrays.copyOf(kind, size);
        start = java.util.Arrays.copyOf(start, size);
        end = java.util.Arrays.copyOf(end, size);
        keyword = java.util.Arrays.copyOf(keyword, size);
    }

    int kind(int i) {
        return kind[i] & 0xFF;
    }

    boolean spaceBefore(int i) {
        return (kind[i] & SPACE_BEFORE) != 0;
    }

    /** The keyword at {@code i} if it is an unquoted word that is a keyword, else null; null past the end. */
    Keyword kw(int i, int limit) {
        return i < limit ? Keyword.byId(keyword[i]) : null;
    }

    boolean isName(int i) {
        int k = kind(i);
        return k == WORD || k == QUOTED_ID;
    }

    boolean isLiteral(int i) {
        int k = kind(i);
        return k == STRING || k == NUMBER || k == HEX || k == BIT || k == PLACEHOLDER;
    }

    int capacity() {
        return kind.length;
    }
}
