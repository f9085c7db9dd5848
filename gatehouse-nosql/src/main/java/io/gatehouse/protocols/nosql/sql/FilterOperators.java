package io.gatehouse.protocols.nosql.sql;

import io.gatehouse.protocols.nosql.NosqlException;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The element, evaluation and array query operators of {@link FilterSql} that look at one field's value alone
 * ({@code $type}, {@code $mod}, {@code $size}, {@code $regex}), written as conditions that are 0 or 1, never NULL.
 * Each takes the field's {@code JSON_EXTRACT} expression ({@code x}) and, where it needs the unquoted scalar, its
 * {@code JSON_VALUE} expression. Stateless; any thread.
 */
final class FilterOperators {
    private FilterOperators() {
    }

    /**
     * {@code $type}: a BSON type number or alias, or an array of them, as the JSON types MariaDB reports ("number" is
     * any numeric type; "long" and "int" are integers, as JSON keeps them).
     */
    static String type(String x, BsonValue arg) {
        List<BsonValue> wanted = arg.isArray() ? arg.asArray().getValues() : List.of(arg);
        Set<String> types = new LinkedHashSet<>();
        for (BsonValue t : wanted) {
            String name = t.isString() ? t.asString().getValue() : t.isNumber() ? String.valueOf(t.asNumber().intValue()) : "";
            switch (name) {
                case "1", "double" -> types.add("'DOUBLE'");
                case "2", "string" -> types.add("'STRING'");
                case "3", "object" -> types.add("'OBJECT'");
                case "4", "array" -> types.add("'ARRAY'");
                case "8", "bool" -> types.add("'BOOLEAN'");
                case "10", "null" -> types.add("'NULL'");
                case "16", "int", "18", "long" -> types.add("'INTEGER'");
                case "19", "decimal" -> types.add("'DECIMAL'");
                case "number" -> types.addAll(List.of("'INTEGER'", "'DOUBLE'", "'DECIMAL'"));
                default -> throw NosqlException.badValue("$type: " + t + " (expected: one of double, string, object, array, "
                        + "bool, null, int, long, decimal, number, or their numbers)");
            }
        }
        if (types.isEmpty()) {
            throw NosqlException.badValue("$type needs at least one type");
        }
        return "IFNULL(JSON_TYPE(" + x + ") IN (" + String.join(", ", types) + "), 0)";
    }

    /** {@code $mod: [divisor, remainder]}: numbers whose integer part divided by divisor leaves remainder. */
    static String mod(String x, String scalar, BsonValue arg) {
        if (!arg.isArray() || arg.asArray().size() != 2 || !arg.asArray().get(0).isNumber() || !arg.asArray().get(1).isNumber()) {
            throw NosqlException.badValue("malformed mod, needs to be an array of two numbers");
        }
        long divisor = arg.asArray().get(0).asNumber().longValue();
        long remainder = arg.asArray().get(1).asNumber().longValue();
        if (divisor == 0) {
            throw NosqlException.badValue("divisor cannot be 0");
        }
        return "IFNULL(JSON_TYPE(" + x + ") IN ('INTEGER', 'DOUBLE', 'DECIMAL') AND MOD(TRUNCATE(CAST(" + scalar
                + " AS DOUBLE), 0), " + divisor + ") = " + remainder + ", 0)";
    }

    /** {@code $size}: arrays of exactly that many elements. */
    static String size(String x, BsonValue arg) {
        if (!arg.isNumber() || arg.asNumber().doubleValue() != Math.rint(arg.asNumber().doubleValue())
                || arg.asNumber().doubleValue() < 0) {
            throw NosqlException.badValue("$size needs a non-negative whole number");
        }
        return "IFNULL(JSON_TYPE(" + x + ") = 'ARRAY' AND JSON_LENGTH(" + x + ") = " + arg.asNumber().longValue() + ", 0)";
    }

    /**
     * {@code $regex} (a string or a regular expression, with {@code $options} or its own flags {@code i m s x}): strings
     * matched by MariaDB's PCRE, byte-wise so that case matters unless {@code i} says otherwise.
     */
    static String regex(String x, String scalar, BsonValue pattern, BsonValue options) {
        String text;
        StringBuilder flags = new StringBuilder();
        if (pattern.isRegularExpression()) {
            text = pattern.asRegularExpression().getPattern();
            flags.append(pattern.asRegularExpression().getOptions());
        } else if (pattern.isString()) {
            text = pattern.asString().getValue();
        } else {
            throw NosqlException.badValue("$regex has to be a string");
        }
        if (options != null) {
            if (!options.isString()) {
                throw NosqlException.badValue("$options has to be a string");
            }
            flags.append(options.asString().getValue());
        }
        List<Character> pcre = new ArrayList<>();
        for (char f : flags.toString().toCharArray()) {
            if ("imsx".indexOf(f) < 0) {
                throw NosqlException.badValue("invalid flag in regex options: " + f + " (expected: i, m, s or x)");
            }
            if (!pcre.contains(f)) {
                pcre.add(f);
            }
        }
        StringBuilder prefix = new StringBuilder();
        if (!pcre.isEmpty()) {
            prefix.append("(?");
            pcre.forEach(prefix::append);
            prefix.append(')');
        }
        return "IFNULL(JSON_TYPE(" + x + ") = 'STRING' AND CAST(" + scalar + " AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin"
                + " REGEXP " + SqlText.literal(prefix + text) + ", 0)";
    }
}
