package io.gatehouse.sql;

import static io.gatehouse.sql.Tokens.*;

/**
 * The mutable result of analysing one statement plus the expression scanner that fills it (function calls,
 * variables, table references, locking clauses); per-thread scratch owned by the {@link Classifier}'s thread-local
 * state and reset before every statement. It reads the token arrays and the source bytes they reference.
 */
class Analysis {
    static final int SPAN_TABLE_READ = 1;
    static final int SPAN_TABLE_WRITTEN = 2;
    static final int SPAN_FUNCTION = 3;
    static final int SPAN_TEMP_CREATED = 4;
    static final int SPAN_DROPPED = 5;
    static final int SPAN_PREPARED_NAME = 6;
    static final int SPAN_PREPARED_SQL = 7;
    static final int SPAN_DATABASE = 8;

    Tokens t;
    byte[] b;
    int mask;
    int flags;
    Operation op;
    int[] spans = new int[48];
    int spanCount;
    /** Set by EXECUTE IMMEDIATE with a literal: the classification of the executed text. */
    Classification executed;
    /** A call of a function that is not a known built-in was seen. */
    boolean unsafeCall;

    /** Bit per paren depth: set when that '(' opened a function call's arguments. */
    private long functionParens;
    private int depth;
    /** In UPDATE before SET, joined tables are written too. */
    boolean joinsWritten;

    void reset(Tokens tokens) {
        t = tokens;
        b = tokens.src;
        mask = 0;
        flags = 0;
        op = Operation.UNKNOWN;
        spanCount = 0;
        executed = null;
        unsafeCall = false;
        functionParens = 0;
        depth = 0;
        joinsWritten = false;
    }

    void span(int kind, int from, int to) {
        if (spanCount + 3 > spans.length) {
            spans = java.util.Arrays.copyOf(spans, spans.length * 2);
        }
        spans[spanCount++] = kind;
        spans[spanCount++] = from;
        spans[spanCount++] = to;
    }

    final Keyword kw(int i, int e) {
        return t.kw(i, e);
    }

    final int kind(int i, int e) {
        return i < e ? t.kind(i) : 0;
    }

    private boolean inFunctionArgs() {
        return depth > 0 && depth < 64 && (functionParens & (1L << depth)) != 0;
    }

    /** Index of the token after the ')' matching the '(' at {@code i}, or {@code e}. */
    final int skipParens(int i, int e) {
        int d = 0;
        for (; i < e; i++) {
            int k = t.kind(i);
            if (k == LPAREN) {
                d++;
            } else if (k == RPAREN && --d == 0) {
                return i + 1;
            }
        }
        return e;
    }

    /** Scans tokens {@code [i, e)} for everything that matters inside any statement. */
    final void scan(int i, int e) {
        boolean nextParenIsCall = false;
        while (i < e) {
            int k = t.kind(i);
            switch (k) {
                case WORD, QUOTED_ID -> {
                    int next = nameEnd(i, e);
                    if (next < 0) {
                        i = scanWord(i, e);
                        continue;
                    }
                    // qualified name: a call of db.f() is always a stored function
                    if (kind(next, e) == LPAREN) {
                        call(i, next, e, false);
                        nextParenIsCall = true;
                    }
                    i = next;
                    continue;
                }
                case LPAREN -> {
                    depth++;
                    if (depth < 64) {
                        functionParens = nextParenIsCall ? functionParens | (1L << depth)
                                : functionParens & ~(1L << depth);
                    }
                    nextParenIsCall = false;
                }
                case RPAREN -> {
                    if (depth > 0) {
                        depth--;
                    }
                }
                case USER_VAR -> {
                    boolean assigned = kind(i + 1, e) == ASSIGN;
                    mask |= assigned ? QueryType.USERVAR_WRITE : QueryType.USERVAR_READ;
                }
                case SYS_VAR -> systemVariableRead(i);
                default -> { }
            }
            if (k != LPAREN) {
                nextParenIsCall = false;
            }
            i++;
        }
    }

    /** For a name followed by '.' and another name, the index after the last name; else -1. */
    private int nameEnd(int i, int e) {
        if (i + 2 < e && t.kind(i + 1) == DOT && t.isName(i + 2)) {
            int j = i + 3;
            while (j + 1 < e && t.kind(j) == DOT && t.isName(j + 1)) {
                j += 2;
            }
            return j;
        }
        return -1;
    }

    /** Handles one unqualified name at {@code i}; returns the next index to scan. */
    private int scanWord(int i, int e) {
        boolean afterDot = i > 0 && t.kind(i - 1) == DOT;
        if (kind(i + 1, e) == LPAREN) {
            boolean isCall = t.kind(i) == QUOTED_ID || afterDot || isFunctionCall(i, e);
            if (isCall) {
                call(i, i + 1, e, t.kind(i) == QUOTED_ID || afterDot);
                return openCall(i + 1, e);
            }
            return i + 1;
        }
        Keyword kw = afterDot ? null : kw(i, e);
        if (kw == null) {
            return i + 1;
        }
        switch (kw) {
            case FROM -> {
                if (!inFunctionArgs()) {
                    return tableList(i + 1, e, op == Operation.DELETE && !hasWrittenTable()
                            ? SPAN_TABLE_WRITTEN : SPAN_TABLE_READ);
                }
            }
            case JOIN, STRAIGHT_JOIN -> {
                if (kw == Keyword.STRAIGHT_JOIN && i > 0 && kw(i - 1, e) == Keyword.SELECT) {
                    return i + 1;
                }
                return tableRef(i + 1, e, joinsWritten ? SPAN_TABLE_WRITTEN : SPAN_TABLE_READ);
            }
            case SET -> joinsWritten = false;
            case FOR -> {
                Keyword n = kw(i + 1, e);
                if (n == Keyword.UPDATE) {
                    flags |= Classification.FLAG_FOR_UPDATE;
                    mask |= QueryType.WRITE;
                    return i + 2;
                }
                if (n == Keyword.SHARE) {
                    flags |= Classification.FLAG_FOR_SHARE;
                    mask |= QueryType.WRITE;
                    return i + 2;
                }
            }
            case LOCK -> {
                if (kw(i + 1, e) == Keyword.IN && kw(i + 2, e) == Keyword.SHARE && kw(i + 3, e) == Keyword.MODE) {
                    flags |= Classification.FLAG_LOCK_IN_SHARE_MODE;
                    mask |= QueryType.WRITE;
                    return i + 4;
                }
            }
            case INTO -> {
                if (op == Operation.SELECT && !inFunctionArgs()) {
                    return selectInto(i + 1, e);
                }
            }
            case NEXT, PREVIOUS -> {
                if (kw(i + 1, e) == Keyword.VALUE && kw(i + 2, e) == Keyword.FOR) {
                    int s = i + 3;
                    if (s < e && t.isName(s)) {
                        int end = nameEnd(s, e);
                        end = end < 0 ? s + 1 : end;
                        if (kw == Keyword.NEXT) {
                            flags |= Classification.FLAG_SEQUENCE;
                            mask |= QueryType.WRITE;
                            span(SPAN_TABLE_WRITTEN, t.start[s], t.end[end - 1]);
                        } else {
                            mask |= QueryType.MASTER_READ;
                            span(SPAN_TABLE_READ, t.start[s], t.end[end - 1]);
                        }
                        return end;
                    }
                }
            }
            default -> { }
        }
        return i + 1;
    }

    private boolean hasWrittenTable() {
        for (int s = 0; s < spanCount; s += 3) {
            if (spans[s] == SPAN_TABLE_WRITTEN) {
                return true;
            }
        }
        return false;
    }

    private int openCall(int paren, int e) {
        depth++;
        if (depth < 64) {
            functionParens |= 1L << depth;
        }
        return paren + 1;
    }

    /**
     * Decides whether the unquoted word at {@code i}, followed by '(', calls a function or is syntax such as
     * {@code IN (}, {@code AS DECIMAL(10,2)}, {@code WITH cte (a, b) AS}.
     */
    private boolean isFunctionCall(int i, int e) {
        Keyword after = kw(i + 2, e);
        if (after == Keyword.SELECT || after == Keyword.WITH || (after == Keyword.VALUES && kind(i + 3, e) == LPAREN)) {
            return false;
        }
        Keyword kw = kw(i, e);
        int prev = i > 0 ? t.kind(i - 1) : 0;
        Keyword prevKw = i > 0 ? kw(i - 1, e) : null;
        if (kw != null) {
            if (Syntax.notAFunction(kw)) {
                return false;
            }
            if (Syntax.isTypeName(kw) && (prevKw == Keyword.AS || prev == COMMA)) {
                return false;
            }
            if ((kw == Keyword.VALUES || kw == Keyword.VALUE) && (prev == RPAREN || prev == WORD
                    || prev == QUOTED_ID)) {
                return false; // INSERT ... VALUES (row), not the VALUES(col) function
            }
            if (kw == Keyword.COLUMNS && prev == STRING) {
                return false;
            }
        }
        if (prevKw == Keyword.WITH || prevKw == Keyword.RECURSIVE || prev == COMMA) {
            int close = skipParens(i + 1, e);
            if (kw(close, e) == Keyword.AS) {
                return false;
            }
        }
        if (prev == RPAREN && isWord(i, "AGAINST")) {
            return false;
        }
        return true;
    }

    private boolean isWord(int i, String upper) {
        int len = t.end[i] - t.start[i];
        if (len != upper.length()) {
            return false;
        }
        for (int j = 0; j < len; j++) {
            if ((b[t.start[i] + j] & 0xDF) != upper.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** Records a call of the name spanning tokens {@code [i, end)}; {@code stored} means never built-in. */
    private void call(int i, int end, int e, boolean stored) {
        int from = t.start[i];
        int to = t.end[end - 1];
        span(SPAN_FUNCTION, from, to);
        int safety = stored || end - i > 1 ? BuiltinFunctions.UNSAFE : BuiltinFunctions.safety(b, from, to);
        if (safety == BuiltinFunctions.UNSAFE) {
            mask |= QueryType.WRITE;
            unsafeCall = true;
        } else if (safety == BuiltinFunctions.PRIMARY_ONLY) {
            mask |= QueryType.MASTER_READ;
            if (BuiltinFunctions.isLastInsertId(b, from, to)) {
                flags |= Classification.FLAG_LAST_INSERT_ID;
            }
        }
    }

    private void systemVariableRead(int i) {
        int from = t.start[i] + 2;
        int to = t.end[i];
        boolean global = false;
        int dot = -1;
        for (int j = from; j < to; j++) {
            if (b[j] == '.') {
                dot = j;
                break;
            }
        }
        if (dot > 0) {
            global = equalsIgnoreCase(from, dot, "global");
            from = dot + 1;
        }
        if (equalsIgnoreCase(from, to, "identity") || equalsIgnoreCase(from, to, "last_insert_id")) {
            mask |= QueryType.MASTER_READ;
            flags |= Classification.FLAG_LAST_INSERT_ID;
        } else if (equalsIgnoreCase(from, to, "last_gtid")) {
            mask |= QueryType.MASTER_READ;
        }
        mask |= global ? QueryType.GSYSVAR_READ : QueryType.SYSVAR_READ;
    }

    final boolean equalsIgnoreCase(int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int j = 0; j < lower.length(); j++) {
            if (NameTable.LOWER[b[from + j] & 0xFF] != lower.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private int selectInto(int i, int e) {
        Keyword kw = kw(i, e);
        if (kw == Keyword.OUTFILE || kw == Keyword.DUMPFILE) {
            flags |= kw == Keyword.OUTFILE ? Classification.FLAG_INTO_OUTFILE : Classification.FLAG_INTO_DUMPFILE;
            mask |= QueryType.WRITE;
            return i + 1;
        }
        flags |= Classification.FLAG_INTO_VARIABLES;
        while (i < e) {
            int k = t.kind(i);
            if (k == USER_VAR) {
                mask |= QueryType.USERVAR_WRITE;
            } else if (k == WORD || k == QUOTED_ID) {
                if (kw(i, e) != null) {
                    break;
                }
                // a stored-program variable: only valid inside a routine, which we do not analyse
                mask |= QueryType.WRITE;
            } else if (k != COMMA) {
                break;
            }
            i++;
        }
        return i;
    }

    /** Parses {@code table [, table ...]} starting at {@code i}; returns the index after it. */
    final int tableList(int i, int e, int spanKind) {
        while (true) {
            int next = tableRef(i, e, spanKind);
            if (next == i || kind(next, e) != COMMA) {
                return next;
            }
            i = next + 1;
        }
    }

    /** Parses one table reference (name, partition, alias, index hints); returns the index after it. */
    final int tableRef(int i, int e, int spanKind) {
        if (i >= e || !t.isName(i)) {
            return i;
        }
        Keyword kw = kw(i, e);
        if (kw != null && (Syntax.notAFunction(kw) || kw == Keyword.LATERAL)) {
            return i;
        }
        int s = i;
        int end = nameEnd(i, e);
        i = end < 0 ? i + 1 : end;
        if (kind(i, e) == LPAREN && spanKind == SPAN_TABLE_READ) {
            return s; // a table function such as JSON_TABLE(...): let the scanner see the call
        }
        if (!(end < 0 && isWord(s, "DUAL"))) {
            span(spanKind, t.start[s], t.end[i - 1]);
        }
        if (kind(i, e) == DOT && kind(i + 1, e) == OP) {
            i += 2; // DELETE t.* FROM ...
        }
        if (kw(i, e) == Keyword.PARTITION && kind(i + 1, e) == LPAREN) {
            i = skipParens(i + 1, e);
        }
        if (kw(i, e) == Keyword.AS) {
            i += i + 1 < e && t.isName(i + 1) ? 2 : 1;
        } else if (i < e && (t.kind(i) == QUOTED_ID || (t.kind(i) == WORD && t.keyword[i] == 0))) {
            i++;
        }
        while (true) {
            Keyword hint = kw(i, e);
            if ((hint == Keyword.USE || hint == Keyword.FORCE || hint == Keyword.IGNORE)
                    && (kw(i + 1, e) == Keyword.INDEX || kw(i + 1, e) == Keyword.KEY)) {
                i += 2;
                if (kw(i, e) == Keyword.FOR) {
                    i += kw(i + 1, e) == Keyword.JOIN ? 2 : 3;
                }
                if (kind(i, e) == LPAREN) {
                    i = skipParens(i, e);
                }
                if (kind(i, e) == COMMA && (kw(i + 1, e) == Keyword.USE || kw(i + 1, e) == Keyword.FORCE
                        || kw(i + 1, e) == Keyword.IGNORE)) {
                    i++;
                }
                continue;
            }
            return i;
        }
    }
}
