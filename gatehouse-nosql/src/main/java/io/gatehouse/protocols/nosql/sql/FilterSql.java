package io.gatehouse.protocols.nosql.sql;

import io.gatehouse.protocols.nosql.DocumentJson;
import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates a MongoDB query filter into a SQL condition on a collection table's {@code doc} column. Supported:
 * equality (a scalar also matches an array that contains it), {@code $eq $ne $gt $gte $lt $lte $in $nin $exists
 * $not} on fields and {@code $and $or $nor} at any level; anything else is refused with a BadValue error naming the
 * operator. Stateless; any thread.
 *
 * <p>Every condition it writes is 0 or 1, never NULL (a missing field compares as NULL in SQL), so that a
 * {@code NOT} around it ({@code $ne}, {@code $nin}, {@code $not}, {@code $nor}) matches documents without the field
 * as MongoDB does. Strings compare byte-wise, as MongoDB's default collation does, not with the server's.
 */
public final class FilterSql {
    private static final java.util.regex.Pattern WRAPPED_TEXT =
            java.util.regex.Pattern.compile("\"\\$(?:date|oid)\"\\s*:\\s*\"([^\"]*)\"");
    private static final String NUMBER_TYPES = "('INTEGER','DOUBLE','DECIMAL')";

    private FilterSql() {
    }

    /** The condition for a whole filter; {@code TRUE} for an empty or absent one. */
    public static String where(BsonDocument filter) {
        if (filter == null || filter.isEmpty()) {
            return "TRUE";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, BsonValue> e : filter.entrySet()) {
            String key = e.getKey();
            BsonValue value = e.getValue();
            switch (key) {
                case "$and" -> parts.add(join(clauses(key, value), " AND ", "TRUE"));
                case "$or" -> parts.add(join(clauses(key, value), " OR ", "FALSE"));
                case "$nor" -> parts.add("NOT " + join(clauses(key, value), " OR ", "FALSE"));
                case "$comment" -> { }
                default -> {
                    if (key.startsWith("$")) {
                        throw NosqlException.badValue("unknown top level operator: " + key);
                    }
                    parts.add(field(key, value));
                }
            }
        }
        return join(parts, " AND ", "TRUE");
    }

    private static List<String> clauses(String op, BsonValue value) {
        if (!value.isArray() || value.asArray().isEmpty()) {
            throw NosqlException.badValue(op + " must be a nonempty array");
        }
        List<String> out = new ArrayList<>();
        for (BsonValue v : value.asArray()) {
            if (!v.isDocument()) {
                throw NosqlException.badValue(op + " argument's entries must be objects");
            }
            out.add(where(v.asDocument()));
        }
        return out;
    }

    private static String field(String name, BsonValue value) {
        if (value.isDocument() && isOperatorDocument(value.asDocument())) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, BsonValue> op : value.asDocument().entrySet()) {
                parts.add(operator(name, op.getKey(), op.getValue()));
            }
            return join(parts, " AND ", "TRUE");
        }
        return equal(name, value);
    }

    static boolean isOperatorDocument(BsonDocument doc) {
        return !doc.isEmpty() && doc.getFirstKey().startsWith("$");
    }

    private static String operator(String name, String op, BsonValue arg) {
        return switch (op) {
            case "$eq" -> equal(name, arg);
            case "$ne" -> "NOT " + equal(name, arg);
            case "$gt" -> compare(name, ">", arg);
            case "$gte" -> compare(name, ">=", arg);
            case "$lt" -> compare(name, "<", arg);
            case "$lte" -> compare(name, "<=", arg);
            case "$in" -> in(name, arg);
            case "$nin" -> "NOT " + in(name, arg);
            case "$exists" -> (truthy(arg) ? "" : "NOT ") + "JSON_CONTAINS_PATH(doc, 'one', " + SqlText.path(name) + ")";
            case "$not" -> {
                if (!arg.isDocument() || !isOperatorDocument(arg.asDocument())) {
                    throw NosqlException.badValue("$not needs a document of operators");
                }
                yield "NOT " + field(name, arg);
            }
            default -> throw NosqlException.badValue("unknown operator: " + op);
        };
    }

    private static String in(String name, BsonValue arg) {
        if (!arg.isArray()) {
            throw NosqlException.badValue("$in/$nin needs an array");
        }
        List<String> parts = new ArrayList<>();
        for (BsonValue v : arg.asArray()) {
            parts.add(equal(name, v));
        }
        return join(parts, " OR ", "FALSE");
    }

    /** Equality as MongoDB means it: null also matches a missing field; a scalar also matches inside an array. */
    static String equal(String name, BsonValue value) {
        if (value.isDocument() && isOperatorDocument(value.asDocument())) {
            throw NosqlException.badValue("unknown operator: " + value.asDocument().getFirstKey());
        }
        String x = SqlText.extract(name);
        if (value.isNull()) {
            return "(" + x + " IS NULL OR JSON_TYPE(" + x + ") = 'NULL')";
        }
        String json = SqlText.literal(DocumentJson.valueJson(value));
        if (name.equals("_id")) {
            // The id column holds the compacted JSON of _id and is indexed: use it.
            return "IFNULL(id = JSON_COMPACT(" + json + "), 0)";
        }
        String scalar;
        if (value.isNumber()) {
            scalar = "JSON_TYPE(" + x + ") IN " + NUMBER_TYPES + " AND JSON_VALUE(doc, " + SqlText.path(name) + ") = "
                    + DocumentJson.valueJson(value);
        } else if (value.isString()) {
            scalar = "JSON_TYPE(" + x + ") = 'STRING' AND BINARY JSON_VALUE(doc, " + SqlText.path(name) + ") = BINARY "
                    + SqlText.literal(value.asString().getValue());
        } else if (value.isBoolean()) {
            scalar = "JSON_TYPE(" + x + ") = 'BOOLEAN' AND JSON_VALUE(doc, " + SqlText.path(name) + ") = "
                    + (value.asBoolean().getValue() ? "'true'" : "'false'");
        } else {
            scalar = "JSON_EQUALS(" + x + ", " + json + ")";
        }
        String inArray = value.isArray() ? "" : " OR (JSON_TYPE(" + x + ") = 'ARRAY' AND JSON_CONTAINS(" + x + ", " + json + "))";
        return "IFNULL((" + scalar + ")" + inArray + ", 0)";
    }

    private static String compare(String name, String sqlOp, BsonValue value) {
        String x = SqlText.extract(name);
        String v = "JSON_VALUE(doc, " + SqlText.path(name) + ")";
        if (value.isNumber()) {
            return "IFNULL(JSON_TYPE(" + x + ") IN " + NUMBER_TYPES + " AND CAST(" + v + " AS DOUBLE) " + sqlOp + " "
                    + DocumentJson.valueJson(value) + ", 0)";
        }
        if (value.isString()) {
            return "IFNULL(JSON_TYPE(" + x + ") = 'STRING' AND BINARY " + v + " " + sqlOp + " BINARY "
                    + SqlText.literal(value.asString().getValue()) + ", 0)";
        }
        if (value.isDateTime() || value.isObjectId()) {
            // Both are stored as {"$date": ...} / {"$oid": ...} whose text orders as the values do for ids and ISO dates.
            String key = value.isDateTime() ? "$date" : "$oid";
            String inner = "JSON_VALUE(doc, " + SqlText.literal(pathText(name) + ".\"" + key + "\"") + ")";
            java.util.regex.Matcher m = WRAPPED_TEXT.matcher(DocumentJson.valueJson(value));
            if (!m.find()) {
                throw NosqlException.badValue("comparison with " + value.getBsonType() + " " + value + " is not supported");
            }
            String arg = m.group(1);
            return "IFNULL(BINARY " + inner + " " + sqlOp + " BINARY " + SqlText.literal(arg) + ", 0)";
        }
        throw NosqlException.badValue("comparison with a value of type " + value.getBsonType() + " is not supported");
    }

    private static String pathText(String field) {
        String quoted = SqlText.path(field);
        return quoted.substring(1, quoted.length() - 1).replace("''", "'").replace("\\\\", "\\");
    }

    private static boolean truthy(BsonValue v) {
        if (v.isBoolean()) {
            return v.asBoolean().getValue();
        }
        if (v.isNumber()) {
            return v.asNumber().doubleValue() != 0;
        }
        return !v.isNull();
    }

    private static String join(List<String> parts, String sep, String empty) {
        if (parts.isEmpty()) {
            return empty;
        }
        if (parts.size() == 1) {
            return "(" + parts.get(0) + ")";
        }
        return "(" + String.join(sep, parts.stream().map(p -> "(" + p + ")").toList()) + ")";
    }
}
