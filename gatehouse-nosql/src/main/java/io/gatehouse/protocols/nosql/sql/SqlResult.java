package io.gatehouse.protocols.nosql.sql;

import java.util.List;

/**
 * What one SQL statement returned: rows of text columns (null for SQL NULL), or an OK with the affected-row count
 * (rows changed) and the matched-row count (rows an UPDATE's WHERE found, changed or not), or a MariaDB error. Immutable; built on the client channel's event loop from a reply's packets, no buffers kept.
 */
public record SqlResult(List<List<String>> rows, long affectedRows, long matchedRows, int errorCode, String sqlState,
                        String message) {
    public static final int ER_DB_CREATE_EXISTS = 1007;
    public static final int ER_BAD_DB_ERROR = 1049;
    public static final int ER_TABLE_EXISTS_ERROR = 1050;
    public static final int ER_BAD_TABLE_ERROR = 1051;
    public static final int ER_DUP_ENTRY = 1062;
    public static final int ER_NO_SUCH_TABLE = 1146;

    public SqlResult {
        rows = rows == null ? List.of() : rows;
    }

    /** An OK whose matched rows are its affected rows (every statement but an UPDATE that left rows as they were). */
    public static SqlResult ok(long affectedRows) {
        return new SqlResult(List.of(), affectedRows, affectedRows, 0, "", "");
    }

    public static SqlResult ok(long affectedRows, long matchedRows) {
        return new SqlResult(List.of(), affectedRows, matchedRows, 0, "", "");
    }

    public static SqlResult rows(List<List<String>> rows) {
        return new SqlResult(rows, 0, 0, 0, "", "");
    }

    public static SqlResult error(int code, String sqlState, String message) {
        return new SqlResult(List.of(), 0, 0, code, sqlState, message);
    }

    public boolean isError() {
        return errorCode != 0;
    }
}
