package io.gatehouse.sql;

/** The kind of statement, from its leading keywords; an immutable constant usable from any thread. */
public enum Operation {
    SELECT, INSERT, UPDATE, DELETE, REPLACE, LOAD, CALL, DO, SET, USE, SHOW, EXPLAIN,
    CREATE, ALTER, DROP, RENAME, TRUNCATE, GRANT, REVOKE, KILL,
    BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT, XA,
    PREPARE, EXECUTE, EXECUTE_IMMEDIATE, DEALLOCATE,
    LOCK_TABLES, UNLOCK_TABLES, FLUSH, ANALYZE, OPTIMIZE, CHECK, CHECKSUM, REPAIR, HANDLER,
    INSTALL, UNINSTALL, RESET, PURGE, CHANGE_MASTER, START_SLAVE, STOP_SLAVE, SIGNAL, RESIGNAL, GET_DIAGNOSTICS,
    HELP, BINLOG, CACHE_INDEX, LOAD_INDEX, SHUTDOWN, BACKUP,
    /** A table value constructor used as a query: {@code VALUES (1), (2)}. */
    VALUES,
    /** An anonymous compound statement ({@code BEGIN NOT ATOMIC ... END}, {@code IF ... END IF}). */
    COMPOUND,
    /** Nothing but whitespace and comments. */
    EMPTY,
    /** Not recognised. */
    UNKNOWN
}
