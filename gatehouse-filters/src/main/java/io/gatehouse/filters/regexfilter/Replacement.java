package io.gatehouse.filters.regexfilter;

import io.gatehouse.filters.common.StatementText;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A replacement text in PCRE2's form, as MaxScale's regexfilter takes it: {@code $1} or {@code ${1}} inserts a
 * numbered group, {@code $name} or {@code ${name}} a named one, {@code $$} a dollar sign, and every other character
 * (a backslash too) stands for itself. Parsed and checked against its pattern once; immutable and thread-safe.
 */
final class Replacement {
    /** A piece of the replacement: literal text, or a group reference (number, or name when {@code name} is set). */
    private record Part(String literal, int group, String name) {
    }

    private final Pattern pattern;
    private final List<Part> parts;

    private Replacement(Pattern pattern, List<Part> parts) {
        this.pattern = pattern;
        this.parts = parts;
    }

    /**
     * Parses {@code text} for {@code pattern}. Throws {@link IllegalArgumentException} naming {@code section} and
     * {@code replace} for a reference to a group the pattern does not have or a malformed {@code $} sequence.
     */
    static Replacement parse(String section, Pattern pattern, String text) {
        String t = StatementText.bytewise(text);
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int groups = pattern.matcher("").groupCount();
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < t.length() && t.charAt(i + 1) == '$') {
                literal.append('$');
                i += 2;
                continue;
            }
            boolean braced = i + 1 < t.length() && t.charAt(i + 1) == '{';
            int start = i + (braced ? 2 : 1);
            int end = start;
            while (end < t.length() && (Character.isLetterOrDigit(t.charAt(end)) || t.charAt(end) == '_')) {
                end++;
            }
            String ref = t.substring(start, end);
            if (ref.isEmpty() || (braced && (end >= t.length() || t.charAt(end) != '}'))) {
                throw bad(section, text, "'$' starts a group reference ($1, ${1}, $name, ${name}); write $$ for a"
                        + " dollar sign");
            }
            if (Character.isDigit(ref.charAt(0))) {
                if (!ref.chars().allMatch(Character::isDigit)) {
                    throw bad(section, text, "'" + ref + "' is not a group number");
                }
                int group = Integer.parseInt(ref);
                if (group > groups) {
                    throw bad(section, text, "the pattern has " + groups + " group(s), not " + group);
                }
                flush(literal, parts);
                parts.add(new Part(null, group, null));
            } else {
                if (!pattern.pattern().contains("(?<" + ref + ">")) {
                    throw bad(section, text, "the pattern has no group named '" + ref + "'");
                }
                flush(literal, parts);
                parts.add(new Part(null, 0, ref));
            }
            i = end + (braced ? 1 : 0);
        }
        flush(literal, parts);
        return new Replacement(pattern, List.copyOf(parts));
    }

    /** {@code sql} with every match of the pattern replaced (as PCRE2's global substitution), or null for no match. */
    String apply(String sql) {
        Matcher m = pattern.matcher(sql);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {                         // find() moves past an empty match by itself
            if (out == null) {
                out = new StringBuilder(sql.length() + 16);
            }
            out.append(sql, last, m.start());
            for (Part p : parts) {
                if (p.literal != null) {
                    out.append(p.literal);
                } else {
                    String g = p.name != null ? m.group(p.name) : m.group(p.group);
                    if (g != null) {
                        out.append(g);
                    }
                }
            }
            last = m.end();
        }
        if (out == null) {
            return null;
        }
        return out.append(sql, last, sql.length()).toString();
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.length() > 0) {
            parts.add(new Part(literal.toString(), 0, null));
            literal.setLength(0);
        }
    }

    private static IllegalArgumentException bad(String section, String text, String why) {
        return new IllegalArgumentException("[" + section + "] replace: '" + text + "' (expected: a replacement text; "
                + why + ")");
    }
}
