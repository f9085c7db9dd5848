package io.gatehouse.filters.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the comments of a SQL statement ({@code -- }, {@code #}, {@code /* *}{@code /}) outside string literals and
 * quoted names, where MaxScale's hint comments live. Stateless and thread-safe.
 */
public final class SqlComments {
    private SqlComments() {
    }

    /** The text of each comment of {@code sql}, in order. */
    public static List<String> of(String sql) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < n && sql.charAt(j) != c) {
                    j += sql.charAt(j) == '\\' && c != '`' ? 2 : 1;
                }
                i = j + 1;
            } else if (c == '#' || (c == '-' && i + 2 < n && sql.charAt(i + 1) == '-'
                    && Character.isWhitespace(sql.charAt(i + 2)))) {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.add(sql.substring(c == '#' ? i + 1 : i + 2, end));
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end;
                out.add(sql.substring(i + 2, end));
                i = end + 2;
            } else {
                i++;
            }
        }
        return out;
    }
}
