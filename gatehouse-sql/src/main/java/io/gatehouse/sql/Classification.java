package io.gatehouse.sql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one COM_QUERY (or COM_STMT_PREPARE) payload does: type bits, operation, tables, functions and the facts
 * routers need; immutable and safe to share between threads (names and the canonical form are computed on first
 * use and cached). It owns a private copy of the statement bytes, never the caller's buffer.
 *
 * <p>For a multi-statement payload the type mask and flags are the union over all statements, the operation is
 * the first statement's, the name lists concatenate those of every statement, and {@link #statements()} gives
 * each statement's own classification.
 */
public final class Classification {
    static final int FLAG_FOR_UPDATE = 1;
    static final int FLAG_FOR_SHARE = 1 << 1;
    static final int FLAG_LOCK_IN_SHARE_MODE = 1 << 2;
    static final int FLAG_INTO_VARIABLES = 1 << 3;
    static final int FLAG_INTO_OUTFILE = 1 << 4;
    static final int FLAG_INTO_DUMPFILE = 1 << 5;
    static final int FLAG_LAST_INSERT_ID = 1 << 6;
    static final int FLAG_TRX_READ_ONLY = 1 << 7;
    static final int FLAG_TRX_READ_WRITE = 1 << 8;
    static final int FLAG_CONSISTENT_SNAPSHOT = 1 << 9;
    static final int FLAG_XA = 1 << 10;
    static final int FLAG_SEQUENCE = 1 << 11;
    static final int FLAG_DIAGNOSTICS = 1 << 12;
    static final int FLAG_DROP_TEMPORARY = 1 << 13;
    static final int FLAG_MULTI_STATEMENT = 1 << 14;
    /** A {@code SET [SESSION] sql_mode = ...}; the next three bits tell the value when it is a literal. */
    static final int FLAG_SETS_SQL_MODE = 1 << 15;
    static final int FLAG_SQL_MODE_LITERAL = 1 << 16;
    static final int FLAG_SQL_MODE_ANSI_QUOTES = 1 << 17;
    static final int FLAG_SQL_MODE_NO_BACKSLASH_ESCAPES = 1 << 18;
    static final int SQL_MODE_VALUE_FLAGS = FLAG_SQL_MODE_LITERAL | FLAG_SQL_MODE_ANSI_QUOTES
            | FLAG_SQL_MODE_NO_BACKSLASH_ESCAPES;

    private final byte[] text;
    private final int from;
    private final int to;
    private final SqlMode mode;
    private final int serverVersion;
    private final int typeMask;
    private final int flags;
    private final Operation operation;
    private final int[] spans;
    private final List<Classification> statements;
    private final Classification executed;

    // computed on first use; racy single-check is fine because the cached values are immutable
    private List<String> tablesRead;
    private List<String> tablesWritten;
    private List<String> functions;
    private Canonical canonical;

    private record Canonical(String text, long digest) {
    }

    Classification(byte[] text, int from, int to, SqlMode mode, int serverVersion, int typeMask, int flags,
                   Operation operation, int[] spans, List<Classification> statements, Classification executed) {
        this.text = text;
        this.from = from;
        this.to = to;
        this.mode = mode;
        this.serverVersion = serverVersion;
        this.typeMask = typeMask;
        this.flags = flags;
        this.operation = operation;
        this.spans = spans;
        this.statements = statements;
        this.executed = executed;
    }

    /** The type bits, an OR of {@link QueryType} constants. */
    public int typeMask() {
        return typeMask;
    }

    /** True if every bit of {@code queryTypeBits} is set. */
    public boolean is(int queryTypeBits) {
        return (typeMask & queryTypeBits) == queryTypeBits;
    }

    /** True if any bit of {@code queryTypeBits} is set. */
    public boolean isAny(int queryTypeBits) {
        return (typeMask & queryTypeBits) != 0;
    }

    public Operation operation() {
        return operation;
    }

    /**
     * True if a router may send this to a replica: it reads ({@link QueryType#READ}), and nothing in it writes,
     * locks, changes session or transaction state, needs the primary's session history or is not understood.
     * Reading user or system variables does not prevent it. False for anything unknown. A router must still
     * check {@link #tablesRead()} against the session's temporary tables.
     */
    public boolean isReadOnlySafe() {
        return (typeMask & QueryType.READ) != 0 && (typeMask & QueryType.NOT_REPLICA_SAFE) == 0;
    }

    /** True if the WRITE bit is set (including everything unknown). */
    public boolean isWrite() {
        return (typeMask & QueryType.WRITE) != 0;
    }

    public boolean isUnknown() {
        return (typeMask & QueryType.UNKNOWN) != 0;
    }

    /** Tables read, qualified as written ({@code db.t} or {@code t}), quotes removed, in order of appearance. */
    public List<String> tablesRead() {
        List<String> l = tablesRead;
        if (l == null) {
            tablesRead = l = names(Analysis.SPAN_TABLE_READ);
        }
        return l;
    }

    /** Tables written (inserted into, updated, deleted from, created, altered, dropped, sequences advanced). */
    public List<String> tablesWritten() {
        List<String> l = tablesWritten;
        if (l == null) {
            tablesWritten = l = names(Analysis.SPAN_TABLE_WRITTEN);
        }
        return l;
    }

    /** Functions called, as written (qualified for stored functions), including built-ins. */
    public List<String> functions() {
        List<String> l = functions;
        if (l == null) {
            functions = l = names(Analysis.SPAN_FUNCTION);
        }
        return l;
    }

    /** The table created by {@code CREATE TEMPORARY TABLE}, or an empty list. */
    public List<String> temporaryTablesCreated() {
        return names(Analysis.SPAN_TEMP_CREATED);
    }

    /**
     * Tables dropped by {@code DROP [TEMPORARY] TABLE}. A plain DROP TABLE also drops a temporary table of that
     * name, so session trackers should forget every name listed here.
     */
    public List<String> tablesDropped() {
        return names(Analysis.SPAN_DROPPED);
    }

    /** True for {@code DROP TEMPORARY TABLE}. */
    public boolean isTemporaryTableDrop() {
        return (flags & FLAG_DROP_TEMPORARY) != 0;
    }

    public boolean isForUpdate() {
        return (flags & FLAG_FOR_UPDATE) != 0;
    }

    public boolean isForShare() {
        return (flags & FLAG_FOR_SHARE) != 0;
    }

    public boolean isLockInShareMode() {
        return (flags & FLAG_LOCK_IN_SHARE_MODE) != 0;
    }

    /** {@code SELECT ... INTO @var [, ...]} (or into stored-program variables). */
    public boolean isSelectIntoVariables() {
        return (flags & FLAG_INTO_VARIABLES) != 0;
    }

    public boolean isSelectIntoOutfile() {
        return (flags & FLAG_INTO_OUTFILE) != 0;
    }

    public boolean isSelectIntoDumpfile() {
        return (flags & FLAG_INTO_DUMPFILE) != 0;
    }

    /** Uses {@code LAST_INSERT_ID()}, {@code @@identity} or {@code @@last_insert_id}. */
    public boolean usesLastInsertId() {
        return (flags & FLAG_LAST_INSERT_ID) != 0;
    }

    /** Advances a sequence ({@code NEXT VALUE FOR s}; NEXTVAL() shows in {@link #functions()}). */
    public boolean usesSequence() {
        return (flags & FLAG_SEQUENCE) != 0;
    }

    /** {@code START TRANSACTION READ ONLY} or {@code SET TRANSACTION READ ONLY}. */
    public boolean isReadOnlyTransaction() {
        return (flags & FLAG_TRX_READ_ONLY) != 0;
    }

    /** {@code START TRANSACTION READ WRITE} or {@code SET TRANSACTION READ WRITE}. */
    public boolean isReadWriteTransaction() {
        return (flags & FLAG_TRX_READ_WRITE) != 0;
    }

    /** {@code START TRANSACTION WITH CONSISTENT SNAPSHOT}. */
    public boolean isConsistentSnapshot() {
        return (flags & FLAG_CONSISTENT_SNAPSHOT) != 0;
    }

    public boolean enablesAutocommit() {
        return (typeMask & QueryType.ENABLE_AUTOCOMMIT) != 0;
    }

    public boolean disablesAutocommit() {
        return (typeMask & QueryType.DISABLE_AUTOCOMMIT) != 0;
    }

    /** An {@code XA} statement. */
    public boolean isXa() {
        return (flags & FLAG_XA) != 0;
    }

    /**
     * {@code SHOW WARNINGS}, {@code SHOW ERRORS}, {@code SHOW COUNT(*) WARNINGS} or {@code GET DIAGNOSTICS}: it
     * reads the previous statement's diagnostics and must go where that statement went.
     */
    public boolean readsDiagnostics() {
        return (flags & FLAG_DIAGNOSTICS) != 0;
    }

    /** True when this sets the session's {@code sql_mode} (not for {@code SET STATEMENT ... FOR}, not GLOBAL). */
    public boolean setsSqlMode() {
        return (flags & FLAG_SETS_SQL_MODE) != 0;
    }

    /**
     * The lexing flags of the {@code sql_mode} this statement sets, when its value is a literal; null when it sets
     * none or when only the server knows the value ({@code DEFAULT}, an expression, a number, several statements).
     */
    public SqlMode sqlModeSet() {
        if ((flags & FLAG_SQL_MODE_LITERAL) == 0) {
            return null;
        }
        return SqlMode.of((flags & FLAG_SQL_MODE_ANSI_QUOTES) != 0, (flags & FLAG_SQL_MODE_NO_BACKSLASH_ESCAPES) != 0);
    }

    /** The sql_mode this was lexed with. */
    public SqlMode sqlMode() {
        return mode;
    }

    /** The server version executable comments were judged by. */
    public int serverVersion() {
        return serverVersion;
    }

    public boolean isMultiStatement() {
        return statements != null;
    }

    /** Each statement's classification; a list holding only this one for a single statement. */
    public List<Classification> statements() {
        return statements != null ? statements : List.of(this);
    }

    /** The statement name of PREPARE, EXECUTE, DEALLOCATE PREPARE / DROP PREPARE, or null. */
    public String preparedName() {
        List<String> l = names(Analysis.SPAN_PREPARED_NAME);
        return l.isEmpty() ? null : l.get(0);
    }

    /**
     * The SQL text of {@code PREPARE name FROM 'text'} or {@code EXECUTE IMMEDIATE 'text'}; null when it comes from
     * a variable (then the statement is treated as unknown where that matters).
     */
    public String preparedSql() {
        for (int i = 0; i < spans.length; i += 3) {
            if (spans[i] == Analysis.SPAN_PREPARED_SQL) {
                byte[] value = SqlText.unquoteString(text, spans[i + 1], spans[i + 2], !mode.noBackslashEscapes());
                return new String(value, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** For {@code EXECUTE IMMEDIATE 'text'}: the classification of the text; otherwise null. */
    public Classification executed() {
        return executed;
    }

    /** The database of {@code USE db}, or null. */
    public String database() {
        List<String> l = names(Analysis.SPAN_DATABASE);
        return l.isEmpty() ? null : l.get(0);
    }

    /** The statement text as received (decoded as UTF-8). */
    public String sql() {
        return new String(text, from, to - from, StandardCharsets.UTF_8);
    }

    /**
     * The canonical form: literals replaced by {@code ?}, comments dropped, whitespace runs collapsed to one
     * space, {@code IN (...)} lists of literals and repeated VALUES rows folded.
     */
    public String canonical() {
        return canonicalForm().text;
    }

    /** A 64-bit digest of {@link #canonical()}, stable across runs and JVMs. */
    public long digest() {
        return canonicalForm().digest;
    }

    private Canonical canonicalForm() {
        Canonical c = canonical;
        if (c == null) {
            byte[] form = Canonicalizer.canonical(text, from, to, mode, serverVersion);
            canonical = c = new Canonical(new String(form, StandardCharsets.UTF_8), Canonicalizer.digest(form));
        }
        return c;
    }

    Classification withExtraTypes(int bits) {
        return new Classification(text, from, to, mode, serverVersion, typeMask | bits, flags, operation, spans,
                statements, executed);
    }

    int flags() {
        return flags;
    }

    /** An estimate of the heap this object and its bytes occupy, for the cache's byte budget. */
    int estimatedSize() {
        int size = 96 + 16 + text.length + 16 + spans.length * 4;
        if (statements != null) {
            size += 16 + statements.size() * (96 + 16 + 8);
        }
        if (executed != null) {
            size += executed.estimatedSize();
        }
        return size;
    }

    boolean matches(byte[] sql, int offset, int length, SqlMode sqlMode, int version) {
        return mode == sqlMode && serverVersion == version && to - from == length
                && java.util.Arrays.equals(text, from, to, sql, offset, offset + length);
    }

    private List<String> names(int kind) {
        List<String> out = null;
        for (int i = 0; i < spans.length; i += 3) {
            if (spans[i] == kind) {
                if (out == null) {
                    out = new ArrayList<>(4);
                }
                out.add(SqlText.name(text, spans[i + 1], spans[i + 2]));
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    @Override
    public String toString() {
        return "Classification[" + operation + " " + QueryType.toString(typeMask) + "]";
    }
}
