package io.gatehouse.sql;

import static io.gatehouse.sql.Tokens.*;

/**
 * Classifies the forms of {@code SET}: variables of every scope, autocommit, NAMES, TRANSACTION, PASSWORD, ROLE
 * and {@code SET STATEMENT ... FOR}; stateless, it writes into the per-thread {@link StatementAnalyzer} it is given.
 */
final class SetStatement {
    private SetStatement() {
    }

    static void parse(StatementAnalyzer a, int i, int e) {
        a.op = Operation.SET;
        Keyword k = a.kw(i, e);
        if (k == Keyword.PASSWORD || (k == Keyword.DEFAULT && a.kw(i + 1, e) == Keyword.ROLE)) {
            a.mask |= QueryType.WRITE;
            a.scan(i + 1, e);
            return;
        }
        if (k == Keyword.ROLE || k == Keyword.NAMES || k == Keyword.CHARSET
                || (k == Keyword.CHARACTER && a.kw(i + 1, e) == Keyword.SET)) {
            a.mask |= QueryType.SESSION_WRITE;
            return;
        }
        if (k == Keyword.STATEMENT) {
            statement(a, i + 1, e);
            return;
        }
        while (i < e) {
            i = assignment(a, i, e);
            if (i < e && a.t.kind(i) == COMMA) {
                i++;
            } else {
                break;
            }
        }
        if (i < e) {
            // something we did not understand follows
            a.mask |= QueryType.UNKNOWN | QueryType.WRITE;
            a.scan(i, e);
        }
    }

    /** {@code SET STATEMENT var=value [, ...] FOR statement}: the variables last only for that statement. */
    private static void statement(StatementAnalyzer a, int i, int e) {
        int depth = 0;
        for (int j = i; j < e; j++) {
            int kind = a.t.kind(j);
            if (kind == LPAREN) {
                depth++;
            } else if (kind == RPAREN) {
                depth--;
            } else if (depth == 0 && a.kw(j, e) == Keyword.FOR) {
                a.scan(i, j);
                int valueMask = a.mask;
                int valueFlags = a.flags;
                boolean unsafe = a.unsafeCall;
                a.analyzeInner(j + 1, e);
                a.mask |= valueMask;
                a.flags |= valueFlags;
                a.unsafeCall |= unsafe;
                return;
            }
        }
        a.mask |= QueryType.UNKNOWN | QueryType.WRITE;
    }

    /** Parses one {@code [scope] target = value}; returns the index of the token after the value. */
    private static int assignment(StatementAnalyzer a, int i, int e) {
        Tokens t = a.t;
        boolean global = false;
        Keyword k = a.kw(i, e);
        if (k == Keyword.GLOBAL) {
            global = true;
            i++;
        } else if (k == Keyword.SESSION || k == Keyword.LOCAL) {
            i++;
        }
        if (a.kw(i, e) == Keyword.TRANSACTION) {
            return transaction(a, i + 1, e, global, k == Keyword.SESSION || k == Keyword.LOCAL);
        }
        Keyword target = a.kw(i, e);
        boolean characterSet = target == Keyword.CHARACTER && a.kw(i + 1, e) == Keyword.SET;
        if (target == Keyword.NAMES || target == Keyword.CHARSET || characterSet) {
            // NAMES as a later item of a list: Connector/J sets up its sessions with "set sql_mode=...,NAMES utf8mb4".
            a.mask |= QueryType.SESSION_WRITE;
            return valueEnd(t, i + (characterSet ? 2 : 1), e);
        }
        if (i >= e) {
            return i;
        }
        int targetKind = t.kind(i);
        boolean autocommit = false;
        boolean sqlMode = false;
        if (targetKind == USER_VAR) {
            a.mask |= QueryType.USERVAR_WRITE;
            i++;
        } else if (targetKind == SYS_VAR) {
            int from = t.start[i] + 2;
            int to = t.end[i];
            int dot = indexOf(a.b, from, to, (byte) '.');
            if (dot > 0) {
                global = a.equalsIgnoreCase(from, dot, "global");
                from = dot + 1;
            }
            autocommit = a.equalsIgnoreCase(from, to, "autocommit");
            sqlMode = a.equalsIgnoreCase(from, to, "sql_mode");
            a.mask |= global ? QueryType.GSYSVAR_WRITE : QueryType.SESSION_WRITE;
            i++;
        } else if (targetKind == WORD || targetKind == QUOTED_ID) {
            autocommit = a.kw(i, e) == Keyword.AUTOCOMMIT && a.kind(i + 1, e) != DOT;
            int quote = targetKind == QUOTED_ID ? 1 : 0;
            sqlMode = a.kind(i + 1, e) != DOT && a.equalsIgnoreCase(t.start[i] + quote, t.end[i] - quote, "sql_mode");
            a.mask |= global ? QueryType.GSYSVAR_WRITE : QueryType.SESSION_WRITE;
            i++;
            while (i + 1 < e && t.kind(i) == DOT && t.isName(i + 1)) {
                i += 2; // a structured variable such as default.key_buffer_size
            }
        } else {
            a.mask |= QueryType.UNKNOWN | QueryType.WRITE;
            return e;
        }
        int kind = a.kind(i, e);
        if (kind != EQ && kind != ASSIGN) {
            a.mask |= QueryType.UNKNOWN | QueryType.WRITE;
            return e;
        }
        int valueStart = i + 1;
        int valueEnd = valueEnd(t, valueStart, e);
        if (autocommit && !global) {
            autocommitValue(a, valueStart, valueEnd);
        }
        if (sqlMode && !global) {
            sqlModeValue(a, valueStart, valueEnd);
        }
        a.scan(valueStart, valueEnd);
        return valueEnd;
    }

    private static int valueEnd(Tokens t, int i, int e) {
        int depth = 0;
        for (; i < e; i++) {
            int kind = t.kind(i);
            if (kind == LPAREN) {
                depth++;
            } else if (kind == RPAREN) {
                depth--;
            } else if (kind == COMMA && depth == 0) {
                return i;
            }
        }
        return e;
    }

    private static void autocommitValue(StatementAnalyzer a, int from, int to) {
        Boolean on = null;
        if (to - from == 1) {
            Tokens t = a.t;
            int s = t.start[from];
            int end = t.end[from];
            if (t.kind(from) == STRING && end - s >= 2) {
                s++;
                end--;
            }
            if (a.equalsIgnoreCase(s, end, "1") || a.equalsIgnoreCase(s, end, "on")
                    || a.equalsIgnoreCase(s, end, "true")) {
                on = Boolean.TRUE;
            } else if (a.equalsIgnoreCase(s, end, "0") || a.equalsIgnoreCase(s, end, "off")
                    || a.equalsIgnoreCase(s, end, "false")) {
                on = Boolean.FALSE;
            }
        }
        if (on == Boolean.TRUE) {
            a.mask |= QueryType.ENABLE_AUTOCOMMIT | QueryType.COMMIT;
        } else {
            // a value we cannot read is taken as "off": the session then stays on the primary
            a.mask |= QueryType.DISABLE_AUTOCOMMIT | QueryType.BEGIN_TRX;
        }
    }

    /**
     * Records the sql_mode a SET gives the session when the value is one literal: a string, or a bare or quoted name
     * (the server takes {@code SET sql_mode = ANSI} as the string). DEFAULT, numbers and expressions are left to the
     * server to tell.
     */
    private static void sqlModeValue(StatementAnalyzer a, int from, int to) {
        a.flags = (a.flags & ~Classification.SQL_MODE_VALUE_FLAGS) | Classification.FLAG_SETS_SQL_MODE;
        if (to - from != 1) {
            return;
        }
        Tokens t = a.t;
        int kind = t.kind(from);
        int s = t.start[from];
        int end = t.end[from];
        boolean quoted = kind == QUOTED_ID || (kind == STRING && (a.b[s] == '\'' || a.b[s] == '"'));
        if (!quoted && (kind != WORD || a.kw(from, to) == Keyword.DEFAULT)) {
            return;
        }
        if (quoted) {
            s++;
            end--;
        }
        SqlMode m = SqlMode.parse(new String(a.b, s, Math.max(0, end - s), java.nio.charset.StandardCharsets.UTF_8));
        a.flags |= Classification.FLAG_SQL_MODE_LITERAL
                | (m.ansiQuotes() ? Classification.FLAG_SQL_MODE_ANSI_QUOTES : 0)
                | (m.noBackslashEscapes() ? Classification.FLAG_SQL_MODE_NO_BACKSLASH_ESCAPES : 0);
    }

    private static int transaction(StatementAnalyzer a, int i, int e, boolean global, boolean session) {
        a.mask |= global ? QueryType.GSYSVAR_WRITE
                : session ? QueryType.SESSION_WRITE : QueryType.SESSION_WRITE | QueryType.NEXT_TRX;
        int end = e;
        for (int j = i; j < e; j++) {
            Keyword k = a.kw(j, e);
            if (k == Keyword.READ && a.kw(j + 1, e) == Keyword.ONLY) {
                a.flags |= Classification.FLAG_TRX_READ_ONLY;
            } else if (k == Keyword.READ && a.kw(j + 1, e) == Keyword.WRITE) {
                a.flags |= Classification.FLAG_TRX_READ_WRITE;
            }
        }
        return end;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
