package io.gatehouse.filters.cache;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text side of the cache's session variables ({@code SET @maxscale.cache.populate|use|soft_ttl|hard_ttl = v})
 * and the cheap test that a statement may be a SELECT before it is classified. Stateless.
 */
final class CacheVariables {
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "\\s*SET\\s+@maxscale\\.cache\\.(populate|use|soft_ttl|hard_ttl)\\s*:?=\\s*(.*?)\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** One assignment: the variable's last name part, lower case, and the value as written. */
    record Assignment(String name, String value) {
    }

    private CacheVariables() {
    }

    /** A quick test before the regular expression: the text mentions the variables at all. */
    static boolean isCandidate(String sql) {
        return sql.regionMatches(true, firstWord(sql), "SET", 0, 3)
                && sql.toLowerCase(Locale.ROOT).contains("@maxscale.cache.");
    }

    /** The assignment, or null when the statement is something else (other SETs go to the servers). */
    static Assignment parse(String sql) {
        Matcher m = ASSIGNMENT.matcher(sql);
        if (!m.matches() || m.group(2).contains(",")) {
            return null;
        }
        return new Assignment(m.group(1).toLowerCase(Locale.ROOT), unquote(m.group(2)));
    }

    static Boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    static Long seconds(String v) {
        try {
            long s = Long.parseLong(v);
            return s < 0 || s > Long.MAX_VALUE / 1_000_000_000L ? null : s;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** True when the first word (after blanks, comments and opening parentheses) is SELECT or WITH. */
    static boolean startsWithSelect(String sql) {
        int at = firstWord(sql);
        return sql.regionMatches(true, at, "SELECT", 0, 6) || sql.regionMatches(true, at, "WITH", 0, 4);
    }

    /** The index of the first character that is no blank, no opening parenthesis and not in a comment. */
    private static int firstWord(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char ch = sql.charAt(i);
            if (Character.isWhitespace(ch) || ch == '(') {
                i++;
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return n;
                }
                if (i + 2 < n && sql.charAt(i + 2) == '!') {
                    return n;                   // executable comment: leave the decision to the classifier
                }
                i = end + 2;
            } else if (ch == '#' || ch == '-' && sql.startsWith("-- ", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else {
                break;
            }
        }
        return i;
    }
}
