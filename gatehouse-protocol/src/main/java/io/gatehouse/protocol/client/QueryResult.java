package io.gatehouse.protocol.client;

import io.gatehouse.protocol.ColumnDefinition;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One result of a text-protocol statement: either a result set (columns and rows of nullable strings) or an OK
 * (affected rows, last insert id). Immutable and thread-safe once returned by {@link BlockingClient}.
 *
 * @param columns      column definitions; empty for an OK result
 * @param rows         rows in server order, each a list of nullable strings, one per column
 * @param affectedRows from the OK packet; 0 for a result set
 * @param lastInsertId from the OK packet; 0 for a result set
 * @param warnings     warning count of the closing OK or EOF packet
 * @param status       server status flags of the closing OK or EOF packet
 * @param info         the OK packet's info text (e.g. "Rows matched: 1  Changed: 1"); empty for a result set
 */
public record QueryResult(List<ColumnDefinition> columns, List<List<String>> rows, long affectedRows,
                          long lastInsertId, int warnings, int status, String info) {
    public QueryResult {
        columns = List.copyOf(columns);
        rows = Collections.unmodifiableList(rows);
    }

    /** An OK result. */
    static QueryResult ok(long affectedRows, long lastInsertId, int warnings, int status, String info) {
        return new QueryResult(List.of(), List.of(), affectedRows, lastInsertId, warnings, status, info);
    }

    /** Wraps a row array as an unmodifiable list that allows nulls. */
    static List<String> row(String[] values) {
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    /** True when the statement produced a result set (possibly with no rows). */
    public boolean isResultSet() {
        return !columns.isEmpty();
    }

    /** The column names (aliases) in order. */
    public List<String> columnNames() {
        return columns.stream().map(ColumnDefinition::name).toList();
    }

    public int rowCount() {
        return rows.size();
    }

    /** The index of the column named {@code name} (case-insensitive, as SQL is), or -1. */
    public int columnIndex(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The value of column {@code column} in row {@code row} (null for SQL NULL); throws for an unknown column. */
    public String value(int row, String column) {
        int i = columnIndex(column);
        if (i < 0) {
            throw new IllegalArgumentException("column: " + column + " (expected: one of " + columnNames() + ")");
        }
        return rows.get(row).get(i);
    }

    /** Row {@code row} as a map from column name to value, in column order (handy for SHOW ... STATUS). */
    public Map<String, String> rowAsMap(int row) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> values = rows.get(row);
        for (int i = 0; i < columns.size(); i++) {
            out.put(columns.get(i).name(), values.get(i));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The first column of the first row, or null when there is no row; for {@code SELECT @@x} style queries. */
    public String scalar() {
        return rows.isEmpty() || columns.isEmpty() ? null : rows.get(0).get(0);
    }
}
