package io.gatehouse.filters.rewritefilter;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a template written as a plain regular expression (every {@code regex_grammar} but Native) into a
 * {@link RewriteRule} that replaces every match: the replacement takes {@code $N} (group N), {@code $&} (the whole
 * match) and {@code $$} (a dollar sign), as C++'s {@code regex_replace} does; everything else is literal. Stateless.
 */
final class RegexTemplate {
    private RegexTemplate() {
    }

    /** Compiles one template; throws {@link IllegalArgumentException} describing what is wrong with it. */
    static RewriteRule compile(TemplateOptions options, String match, String replace) {
        String java = switch (options.grammar()) {
            case POSIX -> PosixClasses.basicToJava(PosixClasses.toJava(match));
            case GREP -> PosixClasses.basicToJava(PosixClasses.toJava(match)).replace("\n", "|");
            case EGREP -> PosixClasses.toJava(match).replace("\n", "|");
            default -> PosixClasses.toJava(match);
        };
        int flags = options.caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        Pattern pattern;
        try {
            pattern = Pattern.compile(java, flags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("the match template (" + options.grammar().label + "): "
                    + e.getDescription() + " near index " + e.getIndex());
        }
        if (pattern.matcher("").matches()) {
            throw new IllegalArgumentException("the match template matches the empty statement");
        }
        int groups = pattern.matcher("").groupCount();
        List<RewriteRule.Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < replace.length()) {
            char c = replace.charAt(i);
            if (c != '$' || i + 1 >= replace.length()) {
                literal.append(c);
                i++;
                continue;
            }
            char n = replace.charAt(i + 1);
            if (n == '$') {
                literal.append('$');
                i += 2;
            } else if (n == '&' || Character.isDigit(n)) {
                int j = i + 1;
                int group = 0;
                if (n != '&') {
                    while (j < replace.length() && Character.isDigit(replace.charAt(j)) && j < i + 3) {
                        j++;
                    }
                    group = Integer.parseInt(replace.substring(i + 1, j));
                    if (group > groups) {
                        throw new IllegalArgumentException("the replace template uses $" + group
                                + ", but the match template has " + groups + " group(s)");
                    }
                } else {
                    j++;
                }
                if (!literal.isEmpty()) {
                    parts.add(RewriteRule.Part.text(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(RewriteRule.Part.group(group));
                i = j;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(RewriteRule.Part.text(literal.toString()));
        }
        return new RewriteRule(options, match, pattern, parts, false);
    }
}
