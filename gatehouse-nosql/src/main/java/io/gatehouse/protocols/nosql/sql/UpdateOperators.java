package io.gatehouse.protocols.nosql.sql;

import io.gatehouse.protocols.nosql.DocumentJson;
import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonDateTime;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The field update operators of {@link UpdateSql} beyond {@code $set $unset $inc}: {@code $mul $min $max $rename
 * $currentDate $push $addToSet $pop $bit}. Each turns the expression of the document so far ({@code expr}) into the next one,
 * reading the old values from {@code doc} as it was before the update, as MongoDB applies the operators of one update
 * to the document it found. Stateless; any thread.
 */
final class UpdateOperators {
    private static final String NUMBER_TYPES = "('INTEGER', 'DOUBLE', 'DECIMAL')";

    private UpdateOperators() {
    }

    static String apply(String op, String expr, String field, BsonValue arg) {
        String path = SqlText.path(field);
        String old = "JSON_EXTRACT(doc, " + path + ")";
        String oldScalar = "JSON_VALUE(doc, " + path + ")";
        return switch (op) {
            case "$mul" -> {
                number(op, field, arg);
                // A missing field becomes 0, as MongoDB does.
                yield "JSON_SET(" + expr + ", " + path + ", IFNULL(" + oldScalar + ", 0) * " + DocumentJson.valueJson(arg) + ")";
            }
            case "$min", "$max" -> minMax(op, expr, path, old, oldScalar, field, arg);
            case "$rename" -> rename(expr, path, field, arg);
            case "$currentDate" -> {
                boolean date = arg.isBoolean() && arg.asBoolean().getValue() || arg.isDocument()
                        && arg.asDocument().isString("$type") && arg.asDocument().getString("$type").getValue().equals("date");
                if (!date) {
                    throw NosqlException.badValue("$currentDate: {" + field + ": " + arg + "} (expected: true or {$type: \"date\"})");
                }
                yield "JSON_SET(" + expr + ", " + path + ", " + UpdateSql.value(new BsonDateTime(System.currentTimeMillis())) + ")";
            }
            case "$push", "$addToSet" -> push(op, expr, path, old, arg);
            case "$pop" -> {
                if (!arg.isNumber() || Math.abs(arg.asNumber().doubleValue()) != 1) {
                    throw NosqlException.badValue("$pop expects 1 or -1, found: " + arg);
                }
                String at = arg.asNumber().doubleValue() > 0 ? "[last]" : "[0]";
                yield "IF(JSON_TYPE(" + old + ") = 'ARRAY' AND JSON_LENGTH(" + old + ") > 0, JSON_REMOVE(" + expr + ", "
                        + SqlText.literal(pathText(path) + at) + "), " + expr + ")";
            }
            case "$bit" -> bit(expr, path, oldScalar, field, arg);
            default -> throw NosqlException.badValue("unsupported update operator: " + op);
        };
    }

    private static void number(String op, String field, BsonValue arg) {
        if (!arg.isNumber()) {
            throw new NosqlException(14, "TypeMismatch", "Cannot apply " + op + " with non-numeric argument: {" + field + ": "
                    + arg + "}");
        }
    }

    /** {@code $min}/{@code $max}: the new value when the field is missing or compares lower/higher (numbers, strings). */
    private static String minMax(String op, String expr, String path, String old, String oldScalar, String field, BsonValue arg) {
        String cmp = op.equals("$min") ? "<" : ">";
        String replace;
        if (arg.isNumber()) {
            replace = "JSON_TYPE(" + old + ") IN " + NUMBER_TYPES + " AND " + DocumentJson.valueJson(arg) + " " + cmp
                    + " CAST(" + oldScalar + " AS DOUBLE)";
        } else if (arg.isString()) {
            replace = "JSON_TYPE(" + old + ") = 'STRING' AND BINARY " + SqlText.literal(arg.asString().getValue()) + " " + cmp
                    + " BINARY " + oldScalar;
        } else {
            throw NosqlException.badValue(op + " of {" + field + ": " + arg + "}: only numbers and strings are supported");
        }
        return "IF(" + old + " IS NULL OR IFNULL(" + replace + ", 0), JSON_SET(" + expr + ", " + path + ", "
                + UpdateSql.value(arg) + "), " + expr + ")";
    }

    private static String rename(String expr, String path, String field, BsonValue arg) {
        if (!arg.isString() || arg.asString().getValue().isEmpty()) {
            throw NosqlException.badValue("The 'to' field for $rename must be a string: " + field + ": " + arg);
        }
        String to = arg.asString().getValue();
        if (to.equals(field) || to.equals("_id") || to.startsWith("_id.")) {
            throw NosqlException.badValue("$rename of " + field + " to " + to + " is not allowed");
        }
        return "IF(JSON_CONTAINS_PATH(doc, 'one', " + path + "), JSON_REMOVE(JSON_SET(" + expr + ", " + SqlText.path(to)
                + ", JSON_EXTRACT(doc, " + path + ")), " + path + "), " + expr + ")";
    }

    /**
     * {@code $push} of a value or {@code {$each: [...]}}: appended to the array, which a missing field starts; a field
     * that is not an array is left as it is (MongoDB fails the update there; SQL has no way to fail one row's update
     * with a chosen error). {@code $addToSet} appends only the values the array does not hold yet. Written so that
     * {@code expr} appears once, as every branch is JSON (an IF mixing JSON with SQL values would store text).
     */
    private static String push(String op, String expr, String path, String old, BsonValue arg) {
        List<BsonValue> values = new ArrayList<>();
        if (arg.isDocument() && arg.asDocument().containsKey("$each")) {
            for (String key : arg.asDocument().keySet()) {
                if (!key.equals("$each")) {
                    throw NosqlException.badValue(op + " modifier " + key + " is not supported (only $each)");
                }
            }
            if (!arg.asDocument().isArray("$each")) {
                throw NosqlException.badValue("The argument to $each in " + op + " must be an array");
            }
            values.addAll(arg.asDocument().getArray("$each").getValues());
        } else {
            values.add(arg);
        }
        if (op.equals("$addToSet")) {
            values = values.stream().distinct().toList();
        }
        List<String> items = new ArrayList<>();
        for (BsonValue v : values) {
            items.add(UpdateSql.value(v));
        }
        String all = "JSON_ARRAY(" + String.join(", ", items) + ")";
        String added = all;
        if (op.equals("$addToSet") && !values.isEmpty()) {
            // Remove, from the highest index down, the values the array already holds; the others get the index just
            // past the end, which removes nothing.
            List<String> paths = new ArrayList<>();
            for (int i = values.size() - 1; i >= 0; i--) {
                paths.add("IF(JSON_CONTAINS(" + old + ", " + SqlText.literal(DocumentJson.valueJson(values.get(i)))
                        + "), '$[" + i + "]', '$[" + values.size() + "]')");
            }
            added = "JSON_REMOVE(" + all + ", " + String.join(", ", paths) + ")";
        }
        return "JSON_SET(" + expr + ", " + path + ", IF(JSON_TYPE(" + old + ") = 'ARRAY', JSON_MERGE_PRESERVE(" + old + ", "
                + added + "), IF(" + old + " IS NULL, " + all + ", " + old + ")))";
    }

    /** {@code $bit}: {@code and}, {@code or}, {@code xor} with integers, on an integer field (a missing one is 0). */
    private static String bit(String expr, String path, String oldScalar, String field, BsonValue arg) {
        if (!arg.isDocument() || arg.asDocument().isEmpty()) {
            throw NosqlException.badValue("$bit needs a document of and/or/xor: " + field);
        }
        String value = "CAST(IFNULL(" + oldScalar + ", 0) AS SIGNED)";
        for (Map.Entry<String, BsonValue> e : arg.asDocument().entrySet()) {
            if (!e.getValue().isInt32() && !e.getValue().isInt64()) {
                throw NosqlException.badValue("$bit: the " + e.getKey() + " of " + field + " must be an integer");
            }
            String sqlOp = switch (e.getKey()) {
                case "and" -> "&";
                case "or" -> "|";
                case "xor" -> "^";
                default -> throw NosqlException.badValue("$bit: " + e.getKey() + " (expected: and, or or xor)");
            };
            value = "(" + value + " " + sqlOp + " " + e.getValue().asNumber().longValue() + ")";
        }
        return "JSON_SET(" + expr + ", " + path + ", CAST(" + value + " AS SIGNED))";
    }

    private static String pathText(String quoted) {
        return quoted.substring(1, quoted.length() - 1).replace("''", "'").replace("\\\\", "\\");
    }
}
