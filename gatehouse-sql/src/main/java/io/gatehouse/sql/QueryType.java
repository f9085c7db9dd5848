package io.gatehouse.sql;

import java.util.StringJoiner;

/**
 * The statement type bits a router decides on, named as MariaDB MaxScale names them; a pure constant holder with
 * no state, usable from any thread.
 *
 * <p>A {@link Classification#typeMask()} is an OR of these bits. Unlike MaxScale, {@link #UNKNOWN} is a bit of its
 * own so that "unknown, therefore routed as a write" is visible as {@code UNKNOWN | WRITE}.
 */
public final class QueryType {
    /** The classifier could not understand the statement; always combined with {@link #WRITE}. */
    public static final int UNKNOWN = 1;
    /** Reads only server-local state that is the same everywhere (e.g. {@code SELECT 1}). */
    public static final int LOCAL_READ = 1 << 1;
    /** Reads data; may go to a replica unless another bit says otherwise. */
    public static final int READ = 1 << 2;
    /** Modifies data, takes locks, has side effects or is not understood: must go to the primary. */
    public static final int WRITE = 1 << 3;
    /** Reads state that only the primary has right (LAST_INSERT_ID(), FOUND_ROWS(), @@last_gtid, ...). */
    public static final int MASTER_READ = 1 << 4;
    /** Changes session state (SET of a session variable, SET NAMES, USE, ...): must go to every backend. */
    public static final int SESSION_WRITE = 1 << 5;
    /** Assigns a user variable ({@code SET @v}, {@code := }, {@code SELECT ... INTO @v}). */
    public static final int USERVAR_WRITE = 1 << 6;
    /** Reads a user variable. */
    public static final int USERVAR_READ = 1 << 7;
    /** Reads a session system variable ({@code @@v}, {@code @@session.v}). */
    public static final int SYSVAR_READ = 1 << 8;
    /** Reads a global system variable ({@code @@global.v}). */
    public static final int GSYSVAR_READ = 1 << 9;
    /** Changes a global system variable ({@code SET GLOBAL}). */
    public static final int GSYSVAR_WRITE = 1 << 10;
    /** Starts a transaction (BEGIN, START TRANSACTION, XA START, SET autocommit=0, COMMIT AND CHAIN). */
    public static final int BEGIN_TRX = 1 << 11;
    /** {@code SET autocommit=1} (or ON/TRUE). */
    public static final int ENABLE_AUTOCOMMIT = 1 << 12;
    /** {@code SET autocommit=0} (or OFF/FALSE, or a value that cannot be read). */
    public static final int DISABLE_AUTOCOMMIT = 1 << 13;
    /** Ends a transaction by rolling back (not ROLLBACK TO SAVEPOINT, which does not end it). */
    public static final int ROLLBACK = 1 << 14;
    /** Ends a transaction by committing (COMMIT, XA COMMIT, SET autocommit=1, implicit-commit is not tracked). */
    public static final int COMMIT = 1 << 15;
    /** SQL {@code PREPARE name FROM ...}. */
    public static final int PREPARE_NAMED_STMT = 1 << 16;
    /** A COM_STMT_PREPARE payload (see {@link Classifier#classifyPrepare}). */
    public static final int PREPARE_STMT = 1 << 17;
    /** SQL {@code EXECUTE name} or {@code EXECUTE IMMEDIATE}. */
    public static final int EXEC_STMT = 1 << 18;
    /** {@code CREATE TEMPORARY TABLE}. */
    public static final int CREATE_TMP_TABLE = 1 << 19;
    /** Reads a temporary table; set by routers that track the session's temporary tables, never by the classifier. */
    public static final int READ_TMP_TABLE = 1 << 20;
    /** {@code SHOW DATABASES} / {@code SHOW SCHEMAS}. */
    public static final int SHOW_DATABASES = 1 << 21;
    /** {@code SHOW [FULL] TABLES}. */
    public static final int SHOW_TABLES = 1 << 22;
    /** {@code DEALLOCATE PREPARE name} / {@code DROP PREPARE name}. */
    public static final int DEALLOC_PREPARE = 1 << 23;
    /** {@code SET TRANSACTION ...} without a scope: changes only the next transaction. */
    public static final int NEXT_TRX = 1 << 24;

    private static final String[] NAMES = {
        "UNKNOWN", "LOCAL_READ", "READ", "WRITE", "MASTER_READ", "SESSION_WRITE", "USERVAR_WRITE", "USERVAR_READ",
        "SYSVAR_READ", "GSYSVAR_READ", "GSYSVAR_WRITE", "BEGIN_TRX", "ENABLE_AUTOCOMMIT", "DISABLE_AUTOCOMMIT",
        "ROLLBACK", "COMMIT", "PREPARE_NAMED_STMT", "PREPARE_STMT", "EXEC_STMT", "CREATE_TMP_TABLE",
        "READ_TMP_TABLE", "SHOW_DATABASES", "SHOW_TABLES", "DEALLOC_PREPARE", "NEXT_TRX"
    };

    /**
     * Bits that keep a statement on the primary or on every backend; a statement whose mask has none of them
     * and has {@link #READ} may go to a replica.
     */
    static final int NOT_REPLICA_SAFE = UNKNOWN | WRITE | MASTER_READ | SESSION_WRITE | USERVAR_WRITE
            | GSYSVAR_WRITE | BEGIN_TRX | ENABLE_AUTOCOMMIT | DISABLE_AUTOCOMMIT | ROLLBACK | COMMIT
            | PREPARE_NAMED_STMT | PREPARE_STMT | EXEC_STMT | CREATE_TMP_TABLE | READ_TMP_TABLE | DEALLOC_PREPARE
            | NEXT_TRX;

    private QueryType() {
    }

    /** Renders a mask as {@code READ|USERVAR_READ}, or {@code NONE} for 0. */
    public static String toString(int mask) {
        if (mask == 0) {
            return "NONE";
        }
        StringJoiner joiner = new StringJoiner("|");
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((mask & (1 << bit)) != 0) {
                joiner.add(NAMES[bit]);
            }
        }
        return joiner.toString();
    }

    /** True if every bit of {@code bits} is set in {@code mask}. */
    public static boolean has(int mask, int bits) {
        return (mask & bits) == bits;
    }
}
