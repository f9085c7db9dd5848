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
 * equality (a scalar also matches an array that contains it; a regular expression matches strings), {@code $eq $ne
 * $gt $gte $lt $lte $in $nin $exists $not $type $mod $regex $size $all $elemMatch} on fields and {@code $and $or $nor
 * $alwaysTrue $alwaysFalse} at any level; anything else is refused with a BadValue error naming the operator.
 * Stateless; any thread.
 *
 * <p>Every condition it writes is 0 or 1, never NULL (a missing field compares as NULL in SQL), so that a
 * {@code NOT} around it ({@code $ne}, {@code $nin}, {@code $not}, {@code $nor}) matches documents without the field
 * as MongoDB does. Strings compare byte-wise, as MongoDB's default collation does, not with the server's.
 */
public final class FilterSql {
    private static final java.util.regex.Pattern WRAPPED_TEXT =
            java.util.regex.Pattern.compile("\"\\$(?:date|oid)\"\\s*:\\s*\"([^\"]*)\"");
    private static final String NUMBER_TYPES = "('INTEGER','DOUBLE','DECIMAL')";
    /** The field name that stands for the array element {@code $elemMatch} looks at: the whole of its {@code doc}. */
    private static final String ELEMENT = "";

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
                case "$alwaysTrue" -> parts.add("TRUE");
                case "$alwaysFalse" -> parts.add("FALSE");
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
            BsonDocument ops = value.asDocument();
            for (Map.Entry<String, BsonValue> op : ops.entrySet()) {
                if (op.getKey().equals("$options")) {
                    if (!ops.containsKey("$regex")) {
                        throw NosqlException.badValue("$options needs a $regex");
                    }
                } else if (op.getKey().equals("$regex")) {
                    parts.add(regex(name, op.getValue(), ops.get("$options")));
                } else {
                    parts.add(operator(name, op.getKey(), op.getValue()));
                }
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
            case "$exists" -> (truthy(arg) ? "" : "NOT ") + "JSON_CONTAINS_PATH(doc, 'one', " + path(name) + ")";
            case "$not" -> {
                if (!arg.isDocument() || !isOperatorDocument(arg.asDocument())) {
                    throw NosqlException.badValue("$not needs a document of operators");
                }
                yield "NOT " + field(name, arg);
            }
            case "$type" -> FilterOperators.type(extract(name), arg);
            case "$mod" -> FilterOperators.mod(extract(name), "JSON_VALUE(doc, " + path(name) + ")", arg);
            case "$size" -> FilterOperators.size(extract(name), arg);
            case "$all" -> all(name, arg);
            case "$elemMatch" -> elemMatch(name, arg);
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
        if (value.isRegularExpression()) {
            return regex(name, value, null);
        }
        String x = extract(name);
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
            scalar = "JSON_TYPE(" + x + ") IN " + NUMBER_TYPES + " AND JSON_VALUE(doc, " + path(name) + ") = "
                    + DocumentJson.valueJson(value);
        } else if (value.isString()) {
            scalar = "JSON_TYPE(" + x + ") = 'STRING' AND BINARY JSON_VALUE(doc, " + path(name) + ") = BINARY "
                    + SqlText.literal(value.asString().getValue());
        } else if (value.isBoolean()) {
            scalar = "JSON_TYPE(" + x + ") = 'BOOLEAN' AND JSON_VALUE(doc, " + path(name) + ") = "
                    + (value.asBoolean().getValue() ? "'true'" : "'false'");
        } else {
            scalar = "JSON_EQUALS(" + x + ", " + json + ")";
        }
        String inArray = value.isArray() ? "" : " OR (JSON_TYPE(" + x + ") = 'ARRAY' AND JSON_CONTAINS(" + x + ", " + json + "))";
        return "IFNULL((" + scalar + ")" + inArray + ", 0)";
    }

    private static String compare(String name, String sqlOp, BsonValue value) {
        String x = extract(name);
        String v = "JSON_VALUE(doc, " + path(name) + ")";
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

    private static String regex(String name, BsonValue pattern, BsonValue options) {
        return FilterOperators.regex(extract(name), "JSON_VALUE(doc, " + path(name) + ")", pattern, options);
    }

    /** {@code $all}: every value is there (each as equality means it, so in an array too). */
    private static String all(String name, BsonValue arg) {
        if (!arg.isArray()) {
            throw NosqlException.badValue("$all needs an array");
        }
        List<String> parts = new ArrayList<>();
        for (BsonValue v : arg.asArray()) {
            parts.add(v.isDocument() && isOperatorDocument(v.asDocument()) ? field(name, v) : equal(name, v));
        }
        return join(parts, " AND ", "FALSE");
    }

    /**
     * {@code $elemMatch}: some element of the array matches, either a document's conditions or operators on the element
     * itself. Each element is a row of JSON_TABLE whose column is named {@code doc}, so the conditions written for the
     * table's {@code doc} apply to the element as they are.
     */
    private static String elemMatch(String name, BsonValue arg) {
        if (!arg.isDocument() || arg.asDocument().isEmpty()) {
            throw NosqlException.badValue("$elemMatch needs a nonempty document");
        }
        BsonDocument d = arg.asDocument();
        String condition = isOperatorDocument(d) ? field(ELEMENT, d) : where(d);
        String x = extract(name);
        return "IFNULL(JSON_TYPE(" + x + ") = 'ARRAY' AND EXISTS (SELECT 1 FROM JSON_TABLE(" + x
                + ", '$[*]' COLUMNS (doc JSON PATH '$')) AS element WHERE " + condition + "), 0)";
    }

    /** The JSON path literal of a field, {@code '$'} for the element of {@code $elemMatch}. */
    private static String path(String name) {
        return name.equals(ELEMENT) ? "'$'" : SqlText.path(name);
    }

    private static String extract(String name) {
        return "JSON_EXTRACT(doc, " + path(name) + ")";
    }

    private static String pathText(String field) {
        String quoted = path(field);
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
