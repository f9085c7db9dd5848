package io.gatehouse.filters.rewritefilter;

import io.gatehouse.api.config.ValueParser;
import java.util.Locale;

/**
 * The options of one rewrite template: those of the filter section ({@code regex_grammar}, {@code case_sensitive})
 * as defaults, overridden per template in the template file, plus the per-template {@code ignore_whitespace},
 * {@code continue_if_matched} and {@code what_if}. Immutable.
 */
record TemplateOptions(Grammar grammar, boolean caseSensitive, boolean ignoreWhitespace, boolean continueIfMatched,
        boolean whatIf) {

    /** MaxScale's regex grammars: its own placeholder syntax, and the six of C++'s std::regex. */
    enum Grammar {
        NATIVE("Native"), ECMASCRIPT("ECMAScript"), POSIX("Posix"), EPOSIX("EPosix"), AWK("Awk"), GREP("Grep"),
        EGREP("EGrep");

        final String label;

        Grammar(String label) {
            this.label = label;
        }

        /** The grammar named {@code text} (case-insensitive), or null. */
        static Grammar of(String text) {
            for (Grammar g : values()) {
                if (g.label.toLowerCase(Locale.ROOT).equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return g;
                }
            }
            return null;
        }

        static String labels() {
            StringBuilder b = new StringBuilder();
            for (Grammar g : values()) {
                b.append(b.isEmpty() ? "" : ", ").append(g.label);
            }
            return b.toString();
        }
    }

    /** The defaults of a filter section: per-template options start from these. */
    static TemplateOptions defaults(Grammar grammar, boolean caseSensitive) {
        return new TemplateOptions(grammar, caseSensitive, true, false, false);
    }

    /**
     * These options with {@code name} set to {@code value}, as written in a template file. Throws
     * {@link IllegalArgumentException} (without location; the caller adds it) for an unknown option or a bad value.
     */
    TemplateOptions with(String name, String value) {
        return switch (name) {
            case "regex_grammar" -> {
                Grammar g = Grammar.of(value);
                if (g == null) {
                    throw new IllegalArgumentException("regex_grammar: '" + value + "' (expected: one of "
                            + Grammar.labels() + ")");
                }
                yield new TemplateOptions(g, caseSensitive, ignoreWhitespace, continueIfMatched, whatIf);
            }
            case "case_sensitive" -> new TemplateOptions(grammar, bool(name, value), ignoreWhitespace,
                    continueIfMatched, whatIf);
            case "ignore_whitespace" -> new TemplateOptions(grammar, caseSensitive, bool(name, value),
                    continueIfMatched, whatIf);
            case "continue_if_matched" -> new TemplateOptions(grammar, caseSensitive, ignoreWhitespace,
                    bool(name, value), whatIf);
            case "what_if" -> new TemplateOptions(grammar, caseSensitive, ignoreWhitespace, continueIfMatched,
                    bool(name, value));
            default -> throw new IllegalArgumentException("unknown option '" + name + "' (expected: regex_grammar,"
                    + " case_sensitive, ignore_whitespace, continue_if_matched or what_if)");
        };
    }

    private static boolean bool(String name, String value) {
        try {
            return ValueParser.parseBool(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' (expected: true or false)");
        }
    }
}
