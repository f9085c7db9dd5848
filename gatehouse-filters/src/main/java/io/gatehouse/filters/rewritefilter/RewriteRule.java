package io.gatehouse.filters.rewritefilter;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One compiled rewrite template: a Java pattern made from the match template and the pieces of the replacement.
 * A native template matches the whole statement once; the other grammars replace every match (scan and replace).
 * Immutable and thread-safe (each use makes its own {@link Matcher}).
 */
final class RewriteRule {
    /** A piece of a replacement: literal text, or (when {@code group >= 0}) the text a group captured. */
    record Part(String literal, int group) {
        static Part text(String s) {
            return new Part(s, -1);
        }

        static Part group(int g) {
            return new Part(null, g);
        }
    }

    private final TemplateOptions options;
    private final String matchTemplate;
    private final Pattern pattern;
    private final List<Part> replacement;
    private final boolean wholeStatement;

    RewriteRule(TemplateOptions options, String matchTemplate, Pattern pattern, List<Part> replacement,
            boolean wholeStatement) {
        this.options = options;
        this.matchTemplate = matchTemplate;
        this.pattern = pattern;
        this.replacement = List.copyOf(replacement);
        this.wholeStatement = wholeStatement;
    }

    TemplateOptions options() {
        return options;
    }

    String matchTemplate() {
        return matchTemplate;
    }

    /** The Java pattern the template compiled to (diagnostics and tests). */
    String pattern() {
        return pattern.pattern();
    }

    /** {@code sql} rewritten, or null when the template does not match it. */
    String apply(String sql) {
        Matcher m = pattern.matcher(sql);
        if (wholeStatement) {
            if (!m.matches()) {
                return null;
            }
            StringBuilder out = new StringBuilder(sql.length() + 32);
            expand(m, out);
            return out.toString();
        }
        StringBuilder out = null;
        int last = 0;
        int from = 0;
        while (from <= sql.length() && m.find(from)) {
            if (out == null) {
                out = new StringBuilder(sql.length() + 32);
            }
            out.append(sql, last, m.start());
            expand(m, out);
            last = m.end();
            from = m.end() == m.start() ? m.end() + 1 : m.end();   // an empty match: go on after the next char
        }
        if (out == null) {
            return null;
        }
        out.append(sql, last, sql.length());
        return out.toString();
    }

    private void expand(Matcher m, StringBuilder out) {
        for (Part p : replacement) {
            if (p.group() < 0) {
                out.append(p.literal());
            } else {
                String g = m.group(p.group());
                if (g != null) {
                    out.append(g);
                }
            }
        }
    }
}
