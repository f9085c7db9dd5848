package io.gatehouse.core.session.pipeline;

import io.gatehouse.core.session.PinReason;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.Operation;
import io.gatehouse.sql.QueryType;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The lasting reasons a sharing session keeps its backend connections, read from the statements it sends: temporary
 * tables, LOCK TABLES, GET_LOCK, user variables assigned by queries, SET TRANSACTION waiting for its transaction,
 * open HANDLERs, multi-statement state changes. It errs on the side of pinning: a statement counts when it was sent,
 * whether or not it succeeded. Confined to the session's worker thread; holds no buffers.
 */
final class SessionPins {
    private final Set<String> temporaryTables = new HashSet<>();
    private boolean tableLocks;
    private int userLocks;
    private boolean variableByQuery;
    private boolean nextTransaction;
    private int handlers;
    private boolean multiStatement;

    /** A COM_QUERY with classification {@code c} is being sent to a backend. */
    void statement(Classification c) {
        if (c.isMultiStatement()) {
            if ((c.typeMask() & (QueryType.SESSION_WRITE | QueryType.USERVAR_WRITE | QueryType.PREPARE_NAMED_STMT
                    | QueryType.CREATE_TMP_TABLE)) != 0) {
                multiStatement = true;
            }
            for (Classification one : c.statements()) {
                single(one);
            }
            return;
        }
        single(c);
    }

    private void single(Classification c) {
        int m = c.typeMask();
        Operation op = c.operation();
        for (String t : c.temporaryTablesCreated()) {
            temporaryTables.add(bare(t));
        }
        if ((m & QueryType.CREATE_TMP_TABLE) != 0 && c.temporaryTablesCreated().isEmpty()) {
            temporaryTables.add("?");
        }
        if (op == Operation.DROP && !temporaryTables.isEmpty()) {
            for (String t : c.tablesDropped()) {
                temporaryTables.remove(bare(t));
            }
        }
        if (op == Operation.LOCK_TABLES) {
            tableLocks = true;
        } else if (op == Operation.UNLOCK_TABLES) {
            tableLocks = false;
        }
        for (String f : c.functions()) {
            switch (f.toLowerCase(Locale.ROOT)) {
                case "get_lock" -> userLocks++;
                case "release_lock" -> userLocks = Math.max(0, userLocks - 1);
                case "release_all_locks" -> userLocks = 0;
                default -> {
                }
            }
        }
        if ((m & QueryType.USERVAR_WRITE) != 0 && op != Operation.SET) {
            variableByQuery = true;
        }
        if (op == Operation.CALL) {
            // A procedure may assign user variables (an OUT parameter bound to @v, a SET @v in its body) that
            // session-state tracking does not report, so no other connection could be given their values.
            variableByQuery = true;
        }
        if ((m & QueryType.NEXT_TRX) != 0) {
            nextTransaction = true;
        } else if ((m & (QueryType.BEGIN_TRX | QueryType.COMMIT | QueryType.ROLLBACK)) != 0) {
            nextTransaction = false;
        }
        if (op == Operation.HANDLER) {
            String sql = c.sql() == null ? "" : c.sql().toLowerCase(Locale.ROOT);
            if (sql.matches("(?s).*\\bopen\\b.*")) {
                handlers++;
            } else if (sql.matches("(?s).*\\bclose\\b.*")) {
                handlers = Math.max(0, handlers - 1);
            }
        }
    }

    /** A table name without its database, in lower case (temporary tables are matched by name only). */
    private static String bare(String table) {
        return table.substring(table.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    }

    /** The reasons as a {@link PinReason} bit mask. */
    int mask() {
        return (temporaryTables.isEmpty() ? 0 : PinReason.TEMPORARY_TABLES.bit())
                | (tableLocks ? PinReason.TABLE_LOCKS.bit() : 0)
                | (userLocks > 0 ? PinReason.USER_LOCKS.bit() : 0)
                | (variableByQuery ? PinReason.USER_VARIABLE_BY_QUERY.bit() : 0)
                | (nextTransaction ? PinReason.NEXT_TRANSACTION.bit() : 0)
                | (handlers > 0 ? PinReason.HANDLER.bit() : 0)
                | (multiStatement ? PinReason.MULTI_STATEMENT.bit() : 0);
    }

    /** The servers forgot the session (COM_RESET_CONNECTION, COM_CHANGE_USER): nothing is held any more. */
    void clear() {
        temporaryTables.clear();
        tableLocks = false;
        userLocks = 0;
        variableByQuery = false;
        nextTransaction = false;
        handlers = 0;
        multiStatement = false;
    }
}
