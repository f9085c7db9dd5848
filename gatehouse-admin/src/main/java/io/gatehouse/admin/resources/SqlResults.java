package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.json.Json;
import io.gatehouse.protocol.ColumnTypes;
import io.gatehouse.protocol.client.QueryResult;
import io.gatehouse.protocol.client.ServerErrorException;
import java.util.List;

/**
 * Turns what the blocking client read into the SQL API's JSON results, in MaxScale's shapes: a result set as
 * {@code fields}, {@code data} and {@code complete}, an OK as {@code affected_rows}, {@code last_insert_id} and
 * {@code warnings}, an error as {@code errno}, {@code message} and {@code sqlstate}. Stateless; called on whichever
 * thread ran the query; the results hold no buffers.
 */
final class SqlResults {
    private SqlResults() {
    }

    /** Every result of one request, in order; {@code error} (may be null) ends them, as the server's reply did. */
    static ArrayNode of(List<QueryResult> results, ServerErrorException error, int maxRows) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (QueryResult q : results) {
            all.add(one(q, maxRows));
        }
        if (error != null) {
            all.addObject().put("errno", error.code()).put("message", error.serverMessage())
                    .put("sqlstate", error.sqlState());
        }
        return all;
    }

    private static ObjectNode one(QueryResult q, int maxRows) {
        ObjectNode o = Json.object();
        if (!q.isResultSet()) {
            o.put("affected_rows", q.affectedRows()).put("last_insert_id", q.lastInsertId()).put("warnings", q.warnings());
            return o;
        }
        ArrayNode fields = o.putArray("fields");
        q.columnNames().forEach(fields::add);
        ArrayNode data = o.putArray("data");
        int n = maxRows == 0 ? q.rowCount() : Math.min(maxRows, q.rowCount());
        for (int i = 0; i < n; i++) {
            ArrayNode row = data.addArray();
            List<String> values = q.rows().get(i);
            for (int c = 0; c < values.size(); c++) {
                addValue(row, q.columns().get(c).type(), values.get(c));
            }
        }
        o.put("complete", n == q.rowCount());
        return o;
    }

    /** Integers and floating-point columns as JSON numbers, as MaxScale answers them; the rest as text or null. */
    private static void addValue(ArrayNode row, int type, String v) {
        if (v == null) {
            row.addNull();
            return;
        }
        try {
            switch (type) {
                case ColumnTypes.TINY, ColumnTypes.SHORT, ColumnTypes.LONG, ColumnTypes.INT24, ColumnTypes.LONGLONG,
                        ColumnTypes.YEAR -> row.add(new java.math.BigInteger(v));
                case ColumnTypes.FLOAT, ColumnTypes.DOUBLE -> row.add(Double.parseDouble(v));
                case ColumnTypes.NEWDECIMAL -> row.add(new java.math.BigDecimal(v));
                default -> row.add(v);
            }
        } catch (NumberFormatException e) {
            // inf, nan and the like have no JSON number.
            row.add(v);
        }
    }
}
