package io.gatehouse.filters.common;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * MaxScale's regular expression parameters of a filter section: the standard statement rules ({@code match},
 * {@code exclude} and {@code options}) that say which statements a filter acts on, and the {@code options} words
 * ({@code ignorecase}, {@code case}, {@code extended}) with the compilation of patterns for filters that match
 * statements byte by byte. Immutable and thread-safe; shared by every session of the filter.
 *
 * <p>Patterns are Java regular expressions, which accept the PCRE2 patterns MaxScale users write in practice
 * (anchors, classes, {@code \s}, groups, lazy and possessive quantifiers, {@code (?i)}).
 *
 * @param match   statements must contain a match of this pattern, or null for all
 * @param exclude statements containing a match of this pattern are skipped, or null for none
 */
public record StatementRules(Pattern match, Pattern exclude) {
    /** The allowed words of {@code options}. */
    public static final List<String> OPTION_WORDS = List.of("ignorecase", "case", "extended");

    /**
     * The three parameters, with MaxScale's names and defaults ({@code options=case}, as in qlafilter and
     * topfilter).
     */
    public static List<ParamSpec> params() {
        return params(true);
    }

    /** As {@link #params()}, with {@code options} changeable at runtime or only at start (topfilter's). */
    public static List<ParamSpec> params(boolean optionsAtRuntime) {
        return List.of(
                ParamSpec.of("match", ParamType.REGEX, null, true, "Only statements matching this pattern"),
                ParamSpec.of("exclude", ParamType.REGEX, null, true, "Skip statements matching this pattern"),
                ParamSpec.oneOf("options", ParamType.ENUM_MASK, "case", optionsAtRuntime,
                        List.of("case", "ignorecase", "extended"), "Regular expression options for match and exclude"));
    }

    /** The {@code options} parameter as an enum mask defaulting to {@code ignorecase} (namedserverfilter, ccrfilter). */
    public static ParamSpec ignorecaseMaskParameter() {
        return ParamSpec.oneOf("options", ParamType.ENUM_MASK, "ignorecase", true, OPTION_WORDS,
                "Regular expression options: ignorecase, case, extended");
    }

    /** The {@code options} parameter as a single value defaulting to {@code ignorecase} (regexfilter). */
    public static ParamSpec ignorecaseEnumParameter() {
        return ParamSpec.oneOf("options", ParamType.ENUM, "ignorecase", true, OPTION_WORDS,
                "Regular expression options: ignorecase, case or extended");
    }

    /** Reads the rules of a validated section. */
    public static StatementRules of(Params params) {
        int flags = regexFlags(params);
        return new StatementRules(pattern(params, "match", flags), pattern(params, "exclude", flags));
    }

    /**
     * The {@link Pattern} flags that {@code options} asks for, for text decoded as UTF-8 (so {@code ignorecase}
     * folds non-ASCII letters too).
     */
    public static int regexFlags(Params params) {
        Set<String> options = params.has("options") ? params.mask("options") : Set.of();
        int flags = flags(options);
        return (flags & Pattern.CASE_INSENSITIVE) != 0 ? flags | Pattern.UNICODE_CASE : flags;
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
     * The section's regex parameter {@code name} compiled with {@code flags}, or null when it is not set (the
     * validated value already has the optional slashes removed).
     */
    public static Pattern pattern(Params params, String name, int flags) {
        String source = params.string(name);
        if (source == null || source.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(source, flags);
        } catch (PatternSyntaxException e) {
            throw badPattern(params.section(), name, source, e);
        }
    }

    /**
     * Compiles {@code pattern} (configuration text; slashes around it already removed) with {@code flags} for
     * byte-wise matching against {@link StatementText#of} text. Throws {@link IllegalArgumentException} naming
     * {@code section} and {@code parameter}.
     */
    public static Pattern compileBytewise(String section, String parameter, String pattern, int flags) {
        try {
            return Pattern.compile(StatementText.bytewise(pattern), flags);
        } catch (PatternSyntaxException e) {
            throw badPattern(section, parameter, pattern, e);
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

    /** True when the filter acts on {@code sql}: it matches {@code match} (if set) and not {@code exclude}. */
    public boolean wants(String sql) {
        return (match == null || match.matcher(sql).find()) && (exclude == null || !exclude.matcher(sql).find());
    }

    private static IllegalArgumentException badPattern(String section, String parameter, String pattern,
                                                       PatternSyntaxException e) {
        return new IllegalArgumentException("[" + section + "] " + parameter + ": '" + pattern
                + "' (expected: a valid regular expression; " + e.getDescription() + ")");
    }
}
