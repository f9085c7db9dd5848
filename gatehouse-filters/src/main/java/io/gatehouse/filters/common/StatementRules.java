package io.gatehouse.filters.common;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * MaxScale's standard statement rules of a filter section ({@code match}, {@code exclude} and {@code options}):
 * which statements a filter acts on. Immutable and thread-safe; shared by every session of the filter.
 *
 * @param match   statements must contain a match of this pattern, or null for all
 * @param exclude statements containing a match of this pattern are skipped, or null for none
 */
public record StatementRules(Pattern match, Pattern exclude) {
    /** The three parameters, with MaxScale's names and defaults. */
    public static List<ParamSpec> params() {
        return List.of(
                ParamSpec.of("match", ParamType.REGEX, null, true, "Only statements matching this pattern"),
                ParamSpec.of("exclude", ParamType.REGEX, null, true, "Skip statements matching this pattern"),
                ParamSpec.oneOf("options", ParamType.ENUM_MASK, "case", true, List.of("case", "ignorecase", "extended"),
                        "Regular expression options for match and exclude"));
    }

    /** Reads the rules of a validated section. */
    public static StatementRules of(Params params) {
        int flags = regexFlags(params);
        return new StatementRules(pattern(params, "match", flags), pattern(params, "exclude", flags));
    }

    /** The {@link Pattern} flags that {@code options} asks for. */
    public static int regexFlags(Params params) {
        Set<String> options = params.has("options") ? params.mask("options") : Set.of();
        int flags = 0;
        if (options.contains("ignorecase")) {
            flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        }
        if (options.contains("extended")) {
            flags |= Pattern.COMMENTS;
        }
        return flags;
    }

    /** The section's regex parameter {@code name} compiled with {@code flags}, or null when it is not set. */
    public static Pattern pattern(Params params, String name, int flags) {
        String source = params.string(name);
        return source == null || source.isEmpty() ? null : Pattern.compile(source, flags);
    }

    /** True when the filter acts on {@code sql}: it matches {@code match} (if set) and not {@code exclude}. */
    public boolean wants(String sql) {
        return (match == null || match.matcher(sql).find()) && (exclude == null || !exclude.matcher(sql).find());
    }
}
