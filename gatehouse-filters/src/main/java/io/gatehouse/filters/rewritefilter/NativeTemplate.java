package io.gatehouse.filters.rewritefilter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a template in MaxScale's native syntax into a {@link RewriteRule}: literal text matched as written
 * (whitespace runs matching any whitespace, or none, under {@code ignore_whitespace}), {@code @{N}} grabbing any
 * text, {@code @{N:regex}} grabbing what the regex matches, a repeated plain {@code @{N}} requiring the same text
 * again, and the whole statement matched (a template that does not start or end with a placeholder gets an
 * anonymous one there). Stateless.
 */
final class NativeTemplate {
    /** One piece of a template: literal text, or a placeholder (number, and its regex or null). */
    private record Token(String literal, int number, String regex) {
    }

    private NativeTemplate() {
    }

    /** Compiles one template; throws {@link IllegalArgumentException} describing what is wrong with it. */
    static RewriteRule compile(TemplateOptions options, String match, String replace) {
        List<Token> tokens = tokens(match, true);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("the match template is empty");
        }
        StringBuilder regex = new StringBuilder();
        Map<Integer, Integer> groupOf = new HashMap<>();
        int groups = 0;
        if (tokens.get(0).literal() != null) {
            regex.append("(?:.*?)");
        }
        for (Token t : tokens) {
            if (t.literal() != null) {
                literal(regex, t.literal(), options.ignoreWhitespace());
            } else if (t.regex() == null && groupOf.containsKey(t.number())) {
                regex.append("(?:\\").append(groupOf.get(t.number())).append(')');   // the same text again
            } else {
                String inner = t.regex() == null ? ".*?" : PosixClasses.toJava(t.regex());
                int innerGroups;
                try {
                    innerGroups = Pattern.compile(inner).matcher("").groupCount();
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("@{" + t.number() + ":" + t.regex() + "}: "
                            + e.getDescription());
                }
                groups++;
                groupOf.put(t.number(), groups);
                groups += innerGroups;
                regex.append('(').append(inner).append(')');
            }
        }
        if (tokens.get(tokens.size() - 1).literal() != null) {
            regex.append("(?:.*)");
        }
        int flags = Pattern.DOTALL | (options.caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex.toString(), flags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("the match template: " + e.getDescription());
        }
        List<RewriteRule.Part> parts = new ArrayList<>();
        for (Token t : tokens(replace, false)) {
            if (t.literal() != null) {
                parts.add(RewriteRule.Part.text(t.literal()));
            } else {
                Integer g = groupOf.get(t.number());
                if (g == null) {
                    throw new IllegalArgumentException("the replace template uses @{" + t.number()
                            + "}, which the match template does not have");
                }
                parts.add(RewriteRule.Part.group(g));
            }
        }
        return new RewriteRule(options, match, pattern, parts, true);
    }

    private static void literal(StringBuilder regex, String text, boolean ignoreWhitespace) {
        if (!ignoreWhitespace) {
            regex.append(Pattern.quote(text));
            return;
        }
        int i = 0;
        while (i < text.length()) {
            int j = i;
            if (Character.isWhitespace(text.charAt(i))) {
                while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
                    j++;
                }
                regex.append("\\s*");
            } else {
                while (j < text.length() && !Character.isWhitespace(text.charAt(j))) {
                    j++;
                }
                regex.append(Pattern.quote(text.substring(i, j)));
            }
            i = j;
        }
    }

    /** Splits a template into literal text and placeholders; in a replace template a placeholder takes no regex. */
    private static List<Token> tokens(String template, boolean allowRegex) {
        List<Token> out = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            if (!template.startsWith("@{", i)) {
                literal.append(template.charAt(i++));
                continue;
            }
            int j = i + 2;
            while (j < template.length() && Character.isDigit(template.charAt(j))) {
                j++;
            }
            if (j == i + 2 || j >= template.length() || (template.charAt(j) != '}' && template.charAt(j) != ':')) {
                throw new IllegalArgumentException("'" + excerpt(template, i) + "': a placeholder is @{N} or @{N:regex}"
                        + " with N a positive integer");
            }
            int number = Integer.parseInt(template.substring(i + 2, j));
            if (number < 1) {
                throw new IllegalArgumentException("'" + excerpt(template, i) + "': placeholders are numbered from 1");
            }
            String regex = null;
            if (template.charAt(j) == ':') {
                if (!allowRegex) {
                    throw new IllegalArgumentException("'" + excerpt(template, i)
                            + "': a placeholder of the replace template takes no regex");
                }
                StringBuilder r = new StringBuilder();
                j++;
                while (j < template.length() && template.charAt(j) != '}') {
                    if (template.charAt(j) == '\\' && j + 1 < template.length() && template.charAt(j + 1) == '}') {
                        r.append('}');                            // \} is a literal brace inside the regex
                        j += 2;
                    } else {
                        r.append(template.charAt(j++));
                    }
                }
                if (j >= template.length()) {
                    throw new IllegalArgumentException("'" + excerpt(template, i) + "': the placeholder has no '}'");
                }
                regex = r.toString();
            }
            if (!literal.isEmpty()) {
                out.add(new Token(literal.toString(), 0, null));
                literal.setLength(0);
            }
            out.add(new Token(null, number, regex));
            i = j + 1;
        }
        if (!literal.isEmpty()) {
            out.add(new Token(literal.toString(), 0, null));
        }
        return out;
    }

    private static String excerpt(String s, int from) {
        return s.substring(from, Math.min(s.length(), from + 30));
    }
}
