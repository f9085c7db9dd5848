package io.gatehouse.filters.rewritefilter;

import java.util.Map;

/**
 * Rewrites the parts of C++ {@code std::regex} syntax (which MaxScale's templates use) that Java reads differently:
 * POSIX classes such as {@code [[:digit:]]} inside brackets, and for the basic grammars (Posix, Grep) the escaped
 * groups, braces and alternation of basic regular expressions. Stateless.
 */
final class PosixClasses {
    private static final Map<String, String> CLASSES = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("blank", "\\p{Blank}"),
            Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"), Map.entry("graph", "\\p{Graph}"),
            Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"), Map.entry("punct", "\\p{Punct}"),
            Map.entry("space", "\\s"), Map.entry("upper", "\\p{Upper}"), Map.entry("xdigit", "\\p{XDigit}"),
            Map.entry("w", "\\w"), Map.entry("d", "\\d"), Map.entry("s", "\\s"));

    private PosixClasses() {
    }

    /** {@code regex} with each {@code [:name:]} inside a bracket expression replaced by Java's class. */
    static String toJava(String regex) {
        StringBuilder out = new StringBuilder(regex.length());
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(i + 1));
                i += 2;
                continue;
            }
            if (regex.startsWith("[:", i)) {
                int end = regex.indexOf(":]", i + 2);
                String java = end < 0 ? null : CLASSES.get(regex.substring(i + 2, end));
                if (java == null) {
                    throw new IllegalArgumentException("'" + regex + "': unknown character class at "
                            + regex.substring(i, Math.min(regex.length(), i + 12)));
                }
                out.append(java);
                i = end + 2;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /**
     * A basic regular expression (POSIX BRE) as Java reads it: {@code \( \) \{ \} \|} are the operators and the
     * bare characters are literal ({@code + ?} too, which BRE does not have).
     */
    static String basicToJava(String regex) {
        StringBuilder out = new StringBuilder(regex.length());
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char n = regex.charAt(++i);
                if ("(){}|".indexOf(n) >= 0) {
                    out.append(n);
                } else {
                    out.append('\\').append(n);
                }
            } else if ("(){}|+?".indexOf(c) >= 0) {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
