package io.gatehouse.sql;

import static io.gatehouse.sql.Tokens.*;

/**
 * Classifies one statement's tokens by its leading keywords and hands the rest to the expression scanner of
 * {@link Analysis}; per-thread scratch owned by the {@link Classifier}, reset before every statement.
 */
final class StatementAnalyzer extends Analysis {
    /** Classifies the text of EXECUTE IMMEDIATE; supplied by the classifier. */
    interface Nested {
        Classification classify(byte[] sql);
    }

    private Nested nested;

    void analyze(Tokens tokens, int s, int e, Nested nestedClassifier) {
        reset(tokens);
        nested = nestedClassifier;
        head(s, e);
        if (t.error || mask == 0) {
            mask |= QueryType.UNKNOWN | QueryType.WRITE;
        }
    }

    /** True if the statement at {@code i} may contain ';' inside it (a stored program or compound statement). */
    static boolean isCompound(Tokens t, int i, int n) {
        Keyword k = t.kw(i, n);
        if (k == null) {
            return i + 1 < n && t.kind(i) == WORD && t.kind(i + 1) == OP && t.src[t.start[i + 1]] == ':';
        }
        switch (k) {
            case BEGIN:
                return t.kw(i + 1, n) == Keyword.NOT;
            case IF, CASE, WHILE, LOOP, REPEAT, DECLARE:
                return true;
            case CREATE, ALTER:
                for (int j = i + 1; j < n && j < i + 16; j++) {
                    int kind = t.kind(j);
                    if (kind == LPAREN || kind == SEMI) {
                        return false;
                    }
                    Keyword w = t.kw(j, n);
                    if (w == Keyword.PROCEDURE || w == Keyword.FUNCTION || w == Keyword.TRIGGER
                            || w == Keyword.EVENT || isWord(t, j, "PACKAGE")) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    private static boolean isWord(Tokens t, int i, String upper) {
        int len = t.end[i] - t.start[i];
        if (len != upper.length() || t.kind(i) != WORD) {
            return false;
        }
        for (int j = 0; j < len; j++) {
            if ((t.src[t.start[i] + j] & 0xDF) != upper.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** Classifies the statement inside another one (SET STATEMENT ... FOR stmt) into this same state. */
    void analyzeInner(int s, int e) {
        head(s, e);
    }

    private void head(int s, int e) {
        int i = s;
        while (i < e && t.kind(i) == LPAREN) {
            i++;
        }
        Keyword k = kw(i, e);
        if (k == null) {
            unknown(s, e);
            return;
        }
        switch (k) {
            case SELECT, WITH, TABLE -> read(Operation.SELECT, s, e);
            case VALUES -> read(Operation.VALUES, i + 1, e);
            case DO -> read(Operation.DO, i + 1, e);
            case HELP -> read(Operation.HELP, i + 1, e);
            case INSERT, REPLACE -> insert(k, i + 1, e);
            case UPDATE -> update(i + 1, e);
            case DELETE -> delete(i + 1, e);
            case LOAD -> load(i + 1, e);
            case CALL -> write(Operation.CALL, i + 1, e);
            case SET -> SetStatement.parse(this, i + 1, e);
            case USE -> use(i + 1, e);
            case SHOW -> show(i + 1, e);
            case EXPLAIN, DESCRIBE, DESC -> explain(i + 1, e);
            case ANALYZE -> analyzeStatement(i + 1, e);
            case CREATE -> create(i + 1, e);
            case DROP -> drop(i + 1, e);
            case ALTER -> tableDdl(Operation.ALTER, i + 1, e);
            case TRUNCATE -> tableDdl(Operation.TRUNCATE, i + 1, e);
            case RENAME -> rename(i + 1, e);
            case BEGIN -> begin(i + 1, e);
            case START -> start(i + 1, e);
            case COMMIT -> commit(i + 1, e);
            case ROLLBACK -> rollback(i + 1, e);
            case XA -> xa(i + 1, e);
            case PREPARE -> prepare(i + 1, e);
            case EXECUTE -> execute(i + 1, e);
            case DEALLOCATE -> deallocate(i + 1, e);
            case GET -> {
                op = Operation.GET_DIAGNOSTICS;
                mask |= QueryType.READ;
                flags |= Classification.FLAG_DIAGNOSTICS;
                scan(i + 1, e);
            }
            case IF, CASE, WHILE, LOOP, REPEAT, DECLARE -> write(Operation.COMPOUND, e, e);
            case GRANT -> write(Operation.GRANT, i + 1, e);
            case REVOKE -> write(Operation.REVOKE, i + 1, e);
            case KILL -> write(Operation.KILL, i + 1, e);
            case FLUSH -> write(Operation.FLUSH, i + 1, e);
            case OPTIMIZE -> write(Operation.OPTIMIZE, i + 1, e);
            case REPAIR -> write(Operation.REPAIR, i + 1, e);
            case CHECK -> write(Operation.CHECK, i + 1, e);
            case CHECKSUM -> write(Operation.CHECKSUM, i + 1, e);
            case HANDLER -> write(Operation.HANDLER, i + 1, e);
            case INSTALL -> write(Operation.INSTALL, i + 1, e);
            case UNINSTALL -> write(Operation.UNINSTALL, i + 1, e);
            case RESET -> write(Operation.RESET, i + 1, e);
            case PURGE -> write(Operation.PURGE, i + 1, e);
            case CHANGE -> write(Operation.CHANGE_MASTER, i + 1, e);
            case STOP -> write(Operation.STOP_SLAVE, i + 1, e);
            case SIGNAL -> write(Operation.SIGNAL, i + 1, e);
            case RESIGNAL -> write(Operation.RESIGNAL, i + 1, e);
            case BINLOG -> write(Operation.BINLOG, i + 1, e);
            case CACHE -> write(Operation.CACHE_INDEX, i + 1, e);
            case SHUTDOWN, RESTART -> write(Operation.SHUTDOWN, i + 1, e);
            case BACKUP -> write(Operation.BACKUP, i + 1, e);
            case LOCK -> write(Operation.LOCK_TABLES, i + 1, e);
            case UNLOCK -> write(Operation.UNLOCK_TABLES, i + 1, e);
            case SAVEPOINT -> write(Operation.SAVEPOINT, i + 1, e);
            case RELEASE -> write(Operation.RELEASE_SAVEPOINT, i + 1, e);
            default -> unknown(s, e);
        }
    }

    private void unknown(int s, int e) {
        op = Operation.UNKNOWN;
        mask |= QueryType.UNKNOWN | QueryType.WRITE;
        scan(s, e);
    }

    private void read(Operation operation, int from, int e) {
        op = operation;
        mask |= QueryType.READ;
        scan(from, e);
    }

    private void write(Operation operation, int from, int e) {
        op = operation;
        mask |= QueryType.WRITE;
        scan(from, e);
    }

    private int skip(int i, int e, Keyword... optional) {
        outer:
        while (i < e) {
            Keyword k = kw(i, e);
            for (Keyword o : optional) {
                if (k == o) {
                    i++;
                    continue outer;
                }
            }
            return i;
        }
        return i;
    }

    private void insert(Keyword k, int i, int e) {
        op = k == Keyword.INSERT ? Operation.INSERT : Operation.REPLACE;
        mask |= QueryType.WRITE;
        i = skip(i, e, Keyword.LOW_PRIORITY, Keyword.DELAYED, Keyword.HIGH_PRIORITY, Keyword.IGNORE, Keyword.INTO);
        i = tableRef(i, e, SPAN_TABLE_WRITTEN);
        scan(i, e);
    }

    private void update(int i, int e) {
        op = Operation.UPDATE;
        mask |= QueryType.WRITE;
        i = skip(i, e, Keyword.LOW_PRIORITY, Keyword.IGNORE);
        joinsWritten = true;
        i = tableList(i, e, SPAN_TABLE_WRITTEN);
        scan(i, e);
    }

    private void delete(int i, int e) {
        op = Operation.DELETE;
        mask |= QueryType.WRITE;
        i = skip(i, e, Keyword.LOW_PRIORITY, Keyword.QUICK, Keyword.IGNORE);
        if (kw(i, e) == Keyword.FROM) {
            i = tableList(i + 1, e, SPAN_TABLE_WRITTEN);
            if (kw(i, e) == Keyword.USING) {
                i = tableList(i + 1, e, SPAN_TABLE_READ);
            }
        } else {
            i = tableList(i, e, SPAN_TABLE_WRITTEN);
        }
        scan(i, e);
    }

    private void load(int i, int e) {
        if (kw(i, e) == Keyword.INDEX) {
            write(Operation.LOAD_INDEX, i + 1, e);
            return;
        }
        op = Operation.LOAD;
        mask |= QueryType.WRITE;
        for (int j = i; j < e; j++) {
            if (kw(j, e) == Keyword.INTO) {
                int n = kw(j + 1, e) == Keyword.TABLE ? j + 2 : j + 1;
                scan(tableRef(n, e, SPAN_TABLE_WRITTEN), e);
                return;
            }
        }
        scan(i, e);
    }

    private void use(int i, int e) {
        op = Operation.USE;
        mask |= QueryType.SESSION_WRITE;
        if (i < e && t.isName(i)) {
            span(SPAN_DATABASE, t.start[i], t.end[i]);
        }
    }

    private void show(int i, int e) {
        op = Operation.SHOW;
        mask |= QueryType.READ;
        Keyword k = kw(i, e);
        if (k == Keyword.FULL) {
            k = kw(++i, e);
        }
        if (k == Keyword.DATABASES || k == Keyword.SCHEMAS) {
            mask |= QueryType.SHOW_DATABASES;
        } else if (k == Keyword.TABLES) {
            mask |= QueryType.SHOW_TABLES;
        } else if (k == Keyword.WARNINGS || k == Keyword.ERRORS || (k == Keyword.COUNT
                && (kw(i + 4, e) == Keyword.WARNINGS || kw(i + 4, e) == Keyword.ERRORS))) {
            flags |= Classification.FLAG_DIAGNOSTICS;
        }
        scan(i, e);
    }

    /** EXPLAIN and DESCRIBE: a table description is a read; an explained statement keeps its own bits. */
    private void explain(int i, int e) {
        while (i < e && (isWord(t, i, "EXTENDED") || isWord(t, i, "PARTITIONS") || isWord(t, i, "FORMAT"))
                && i + 1 < e && (t.kind(i + 1) == WORD || t.kind(i + 1) == EQ || t.kind(i + 1) == LPAREN)) {
            i += kind(i + 1, e) == EQ ? 3 : 1;
        }
        Keyword k = kw(i, e);
        boolean statement = k == Keyword.SELECT || k == Keyword.WITH || k == Keyword.INSERT
                || k == Keyword.REPLACE || k == Keyword.UPDATE || k == Keyword.DELETE || k == Keyword.TABLE
                || k == Keyword.VALUES || kind(i, e) == LPAREN;
        if (!statement) {
            op = Operation.EXPLAIN;
            mask |= QueryType.READ;
            if (k == null && i < e && t.isName(i)) {
                tableRef(i, e, SPAN_TABLE_READ);
            } else {
                scan(i, e);
            }
            return;
        }
        // the server applies the read-only check to EXPLAIN of a data change as if it ran: keep the bits
        head(i, e);
        op = Operation.EXPLAIN;
        mask |= QueryType.READ;
    }

    /** ANALYZE TABLE writes statistics; ANALYZE of a statement executes it. */
    private void analyzeStatement(int i, int e) {
        if (isWord(t, i, "FORMAT") && kind(i + 1, e) == EQ) {
            i += 3;
        }
        Keyword k = kw(i, e);
        if (k == Keyword.SELECT || k == Keyword.WITH || k == Keyword.INSERT || k == Keyword.REPLACE
                || k == Keyword.UPDATE || k == Keyword.DELETE || kind(i, e) == LPAREN) {
            head(i, e);
        } else {
            mask |= QueryType.WRITE;
            scan(i, e);
        }
        op = Operation.ANALYZE;
    }

    private void create(int i, int e) {
        op = Operation.CREATE;
        mask |= QueryType.WRITE;
        if (isCompound(t, i - 1, e)) {
            return;
        }
        boolean temporary = false;
        for (int j = i; j < e && j < i + 12; j++) {
            Keyword k = kw(j, e);
            if (k == Keyword.TEMPORARY) {
                temporary = true;
            } else if (k == Keyword.TABLE || k == Keyword.VIEW || k == Keyword.SEQUENCE) {
                int n = skip(j + 1, e, Keyword.IF, Keyword.NOT, Keyword.EXISTS);
                int spanStart = spanCount;
                int after = tableRef(n, e, SPAN_TABLE_WRITTEN);
                if (temporary && k == Keyword.TABLE && spanCount > spanStart) {
                    mask |= QueryType.CREATE_TMP_TABLE;
                    span(SPAN_TEMP_CREATED, spans[spanStart + 1], spans[spanStart + 2]);
                }
                if (kw(after, e) == Keyword.LIKE) {
                    after = tableRef(after + 1, e, SPAN_TABLE_READ);
                }
                scan(after, e);
                return;
            } else if (k == Keyword.INDEX) {
                for (int m = j + 1; m < e; m++) {
                    if (kw(m, e) == Keyword.ON) {
                        scan(tableRef(m + 1, e, SPAN_TABLE_WRITTEN), e);
                        return;
                    }
                }
            } else if (kind(j, e) == LPAREN) {
                break;
            }
        }
        scan(i, e);
    }

    private void drop(int i, int e) {
        op = Operation.DROP;
        if (kw(i, e) == Keyword.PREPARE) {
            deallocatePrepared(i + 1, e);
            return;
        }
        mask |= QueryType.WRITE;
        boolean temporary = kw(i, e) == Keyword.TEMPORARY;
        int j = temporary ? i + 1 : i;
        Keyword k = kw(j, e);
        if (k == Keyword.TABLE || k == Keyword.TABLES || k == Keyword.VIEW || k == Keyword.SEQUENCE) {
            if (temporary) {
                flags |= Classification.FLAG_DROP_TEMPORARY;
            }
            j = skip(j + 1, e, Keyword.IF, Keyword.EXISTS);
            int spanStart = spanCount;
            j = tableList(j, e, SPAN_TABLE_WRITTEN);
            if (k != Keyword.VIEW) {
                for (int s = spanStart, end = spanCount; s < end; s += 3) {
                    span(SPAN_DROPPED, spans[s + 1], spans[s + 2]);
                }
            }
        }
        scan(j, e);
    }

    private void tableDdl(Operation operation, int i, int e) {
        op = operation;
        mask |= QueryType.WRITE;
        for (int j = i; j < e && j < i + 4; j++) {
            if (kw(j, e) == Keyword.TABLE || kw(j, e) == Keyword.SEQUENCE || kw(j, e) == Keyword.VIEW) {
                scan(tableRef(skip(j + 1, e, Keyword.IF, Keyword.EXISTS), e, SPAN_TABLE_WRITTEN), e);
                return;
            }
        }
        if (operation == Operation.TRUNCATE) {
            scan(tableRef(i, e, SPAN_TABLE_WRITTEN), e);
            return;
        }
        scan(i, e);
    }

    private void rename(int i, int e) {
        op = Operation.RENAME;
        mask |= QueryType.WRITE;
        if (kw(i, e) != Keyword.TABLE && kw(i, e) != Keyword.TABLES) {
            scan(i, e);
            return;
        }
        int j = skip(i + 1, e, Keyword.IF, Keyword.EXISTS);
        while (j < e) {
            j = tableRef(j, e, SPAN_TABLE_WRITTEN);
            if (kw(j, e) == Keyword.TO || kind(j, e) == COMMA) {
                j++;
            } else {
                break;
            }
        }
        scan(j, e);
    }

    private void begin(int i, int e) {
        if (kw(i, e) == Keyword.NOT) {
            op = Operation.COMPOUND;
            mask |= QueryType.WRITE;
            return;
        }
        op = Operation.BEGIN;
        mask |= QueryType.BEGIN_TRX;
    }

    private void start(int i, int e) {
        if (kw(i, e) != Keyword.TRANSACTION) {
            write(Operation.START_SLAVE, i, e);
            return;
        }
        op = Operation.BEGIN;
        mask |= QueryType.BEGIN_TRX;
        for (int j = i + 1; j < e; j++) {
            Keyword k = kw(j, e);
            if (k == Keyword.READ && kw(j + 1, e) == Keyword.ONLY) {
                flags |= Classification.FLAG_TRX_READ_ONLY;
            } else if (k == Keyword.READ && kw(j + 1, e) == Keyword.WRITE) {
                // a read-only server rejects START TRANSACTION READ WRITE itself
                flags |= Classification.FLAG_TRX_READ_WRITE;
                mask |= QueryType.WRITE;
            } else if (k == Keyword.SNAPSHOT) {
                flags |= Classification.FLAG_CONSISTENT_SNAPSHOT;
            }
        }
    }

    private boolean chains(int i, int e) {
        for (int j = i; j < e; j++) {
            if (kw(j, e) == Keyword.CHAIN) {
                return kw(j - 1, e) != Keyword.NO;
            }
        }
        return false;
    }

    private void commit(int i, int e) {
        op = Operation.COMMIT;
        mask |= QueryType.COMMIT | (chains(i, e) ? QueryType.BEGIN_TRX : 0);
    }

    private void rollback(int i, int e) {
        int j = skip(i, e, Keyword.WORK);
        if (kw(j, e) == Keyword.TO) {
            op = Operation.ROLLBACK_TO_SAVEPOINT;
            mask |= QueryType.WRITE;
            return;
        }
        op = Operation.ROLLBACK;
        mask |= QueryType.ROLLBACK | (chains(i, e) ? QueryType.BEGIN_TRX : 0);
    }

    private void xa(int i, int e) {
        op = Operation.XA;
        flags |= Classification.FLAG_XA;
        mask |= QueryType.WRITE;
        Keyword k = kw(i, e);
        if (k == Keyword.START || k == Keyword.BEGIN) {
            mask |= QueryType.BEGIN_TRX;
        } else if (k == Keyword.COMMIT) {
            mask |= QueryType.COMMIT;
        } else if (k == Keyword.ROLLBACK) {
            mask |= QueryType.ROLLBACK;
        }
    }

    private void prepare(int i, int e) {
        op = Operation.PREPARE;
        mask |= QueryType.PREPARE_NAMED_STMT;
        if (i < e && t.isName(i)) {
            span(SPAN_PREPARED_NAME, t.start[i], t.end[i]);
        }
        if (kw(i + 1, e) == Keyword.FROM && i + 2 < e) {
            if (t.kind(i + 2) == STRING && i + 3 == e) {
                span(SPAN_PREPARED_SQL, t.start[i + 2], t.end[i + 2]);
                return;
            }
            scan(i + 2, e);
        }
    }

    private void execute(int i, int e) {
        if (kw(i, e) == Keyword.IMMEDIATE) {
            op = Operation.EXECUTE_IMMEDIATE;
            mask |= QueryType.EXEC_STMT;
            int s = i + 1;
            if (s < e && t.kind(s) == STRING && (s + 1 == e || kw(s + 1, e) == Keyword.USING)) {
                span(SPAN_PREPARED_SQL, t.start[s], t.end[s]);
                Classification inner = nested.classify(SqlText.unquoteString(b, t.start[s], t.end[s],
                        backslashEscapes));
                executed = inner;
                mask |= inner.typeMask();
                flags |= inner.flags();
                scan(s + 1, e);
                return;
            }
            mask |= QueryType.UNKNOWN | QueryType.WRITE;
            scan(s, e);
            return;
        }
        op = Operation.EXECUTE;
        mask |= QueryType.EXEC_STMT;
        if (i < e && t.isName(i)) {
            span(SPAN_PREPARED_NAME, t.start[i], t.end[i]);
        }
        scan(i + 1, e);
    }

    private void deallocate(int i, int e) {
        op = Operation.DEALLOCATE;
        deallocatePrepared(skip(i, e, Keyword.PREPARE), e);
    }

    private void deallocatePrepared(int i, int e) {
        if (op == Operation.DROP) {
            op = Operation.DEALLOCATE;
        }
        mask |= QueryType.DEALLOC_PREPARE;
        if (i < e && t.isName(i)) {
            span(SPAN_PREPARED_NAME, t.start[i], t.end[i]);
        }
    }

    /** Whether backslash escapes apply in this statement's strings; set by the classifier with the mode. */
    boolean backslashEscapes = true;
}
