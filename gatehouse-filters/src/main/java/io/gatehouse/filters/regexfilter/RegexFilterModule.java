package io.gatehouse.filters.regexfilter;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.filters.common.SessionRules;
import io.gatehouse.filters.common.StatementRules;
import java.util.List;

/**
 * The regexfilter module: rewrites statements by replacing what a regular expression matches, with MaxScale's
 * parameters ({@code match}, {@code replace}, {@code options}, {@code source}, {@code user}, {@code log_file},
 * {@code log_trace}). Stateless; makes one {@link RegexFilter} per section.
 */
public final class RegexFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("regexfilter", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "A query rewrite filter that uses regular expressions to rewrite queries",
            "1.1.0", List.of(
                    ParamSpec.required("match", ParamType.REGEX, true, "The pattern whose matches are replaced"),
                    ParamSpec.required("replace", ParamType.STRING, true,
                            "The replacement text; $1 or ${1} for a group, $$ for a dollar sign"),
                    StatementRules.ignorecaseEnumParameter(),
                    ParamSpec.of("source", ParamType.STRING, null, true, "Only rewrite statements from these addresses"),
                    ParamSpec.of("user", ParamType.STRING, null, true, "Only rewrite statements of this user"),
                    ParamSpec.of("log_file", ParamType.STRING, null, true,
                            "Append every statement, matched (with its replacement) or not, to this file"),
                    ParamSpec.of("log_trace", ParamType.BOOL, "false", true,
                            "Log every statement, matched (with its replacement) or not, at info level (log_info=true)")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        RegexFilter.Settings.of(params);
        String file = params.string("log_file");
        if (file != null && !file.isEmpty()) {
            MatchLog.check(params.section(), file);
        }
    }

    @Override
    public Filter create(String name, Params params) {
        return new RegexFilter(name, RegexFilter.Settings.of(params));
    }

    /** Parses {@code source} and {@code user} of {@code params}. */
    static SessionRules clients(Params params) {
        return SessionRules.addresses(params.section(), params.string("source"), params.string("user"));
    }
}
