package io.gatehouse.filters.support;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * MaxScale's {@code options} parameter of filters with regular expressions ({@code ignorecase} (the default),
 * {@code case}, {@code extended}) and the compilation of patterns with it. Stateless and thread-safe.
 *
 * <p>Patterns are Java regular expressions, which accept the PCRE2 patterns MaxScale users write in practice
 * (anchors, classes, {@code \s}, groups, lazy and possessive quantifiers, {@code (?i)}); like MaxScale's, they match
 * the statement byte by byte (see {@link StatementText}).
 */
public final class RegexOptions {
    /** The allowed words. */
    public static final List<String> VALUES = List.of("ignorecase", "case", "extended");

    private RegexOptions() {
    }

    /** The {@code options} parameter as an enum mask (namedserverfilter, ccrfilter). */
    public static ParamSpec maskParameter() {
        return ParamSpec.oneOf("options", ParamType.ENUM_MASK, "ignorecase", true, VALUES,
                "Regular expression options: ignorecase, case, extended");
    }

    /** The {@code options} parameter as a single value (regexfilter). */
    public static ParamSpec enumParameter() {
        return ParamSpec.oneOf("options", ParamType.ENUM, "ignorecase", true, VALUES,
                "Regular expression options: ignorecase, case or extended");
    }

    /**
     * Java pattern flags for a set of option words: each word adds its flag, as MaxScale ORs them, so {@code extended}
     * alone matches case-sensitively and {@code ignorecase} wins over {@code case}.
     */
    public static int flags(Set<String> words) {
        int flags = 0;
        if (words.contains("ignorecase")) {
            flags |= Pattern.CASE_INSENSITIVE;
        }
        if (words.contains("extended")) {
            flags |= Pattern.COMMENTS;
        }
        return flags;
    }

    /**
     * Compiles {@code pattern} (configuration text; slashes around it already removed) with {@code flags} for
     * byte-wise matching. Throws {@link IllegalArgumentException} naming {@code section} and {@code parameter}.
     */
    public static Pattern compile(String section, String parameter, String pattern, int flags) {
        try {
            return Pattern.compile(StatementText.bytewise(pattern), flags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("[" + section + "] " + parameter + ": '" + pattern
                    + "' (expected: a valid regular expression; " + e.getDescription() + ")");
        }
    }

    /** The pattern text of a REGEX parameter as written, without the optional slashes around it, or null. */
    public static String patternText(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.length() >= 2 && t.startsWith("/") && t.endsWith("/")) {
            t = t.substring(1, t.length() - 1);
        }
        return t;
    }
}
