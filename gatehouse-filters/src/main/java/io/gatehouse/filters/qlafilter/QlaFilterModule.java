package io.gatehouse.filters.qlafilter;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.filters.common.Filebase;
import io.gatehouse.filters.common.StatementRules;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The qlafilter module (Query Log All): logs the statements of a service's sessions as separated-value lines, to
 * one file per session, one file for all sessions, or standard output, with MaxScale's parameters and defaults.
 * Stateless; each section gets a {@link QlaFilter}.
 */
public final class QlaFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR;

    static {
        List<ParamSpec> params = new ArrayList<>();
        params.add(ParamSpec.required("filebase", ParamType.STRING, "The basename of the output files"));
        params.addAll(StatementRules.params());
        params.add(ParamSpec.of("user", ParamType.STRING, "", true, "Log only the sessions of this user"));
        params.add(ParamSpec.of("source", ParamType.STRING, "", true, "Log only the sessions from this address"));
        params.add(ParamSpec.of("user_match", ParamType.REGEX, null, true, "Log only users matching this pattern"));
        params.add(ParamSpec.of("user_exclude", ParamType.REGEX, null, true, "Do not log users matching this pattern"));
        params.add(ParamSpec.of("source_match", ParamType.REGEX, null, true, "Log only hosts matching this pattern"));
        params.add(ParamSpec.of("source_exclude", ParamType.REGEX, null, true,
                "Do not log hosts matching this pattern"));
        params.add(ParamSpec.oneOf("log_type", ParamType.ENUM_MASK, "session", true,
                List.of("session", "unified", "stdout"), "The type of log file to use"));
        params.add(ParamSpec.oneOf("log_data", ParamType.ENUM_MASK, "date,user,query", true, LogField.keys(),
                "Type of data to log in the log files"));
        params.add(ParamSpec.oneOf("duration_unit", ParamType.ENUM, "milliseconds", true,
                List.of("milliseconds", "ms", "microseconds", "us"), "The unit of logged durations"));
        params.add(ParamSpec.of("use_canonical_form", ParamType.BOOL, "false", true,
                "Log statements with their literals replaced by ?"));
        params.add(ParamSpec.of("flush", ParamType.BOOL, "false", true, "Flush log files after every write"));
        params.add(ParamSpec.of("append", ParamType.BOOL, "true", true, "Append to existing log files"));
        params.add(ParamSpec.of("separator", ParamType.STRING, ",", true, "The separator between fields"));
        params.add(ParamSpec.of("newline_replacement", ParamType.STRING, "\" \"", true,
                "What replaces newlines of logged statements; empty keeps them"));
        DESCRIPTOR = new ModuleDescriptor("qlafilter", ModuleKind.FILTER, Maturity.GA, ApiVersion.CURRENT,
                "A simple query logging filter", "1.1.1", params);
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /**
     * The directory of {@code filebase} must exist and be writable, and {@code source} must be IP addresses: a typo
     * is found at start, not per session.
     */
    @Override
    public void validate(Params params) {
        Filebase.check(params);
        QlaSettings.of(params);
    }

    @Override
    public Filter create(String name, Params params) {
        QlaSettings settings = QlaSettings.of(params);
        try {
            return new QlaFilter(name, settings);
        } catch (IOException e) {
            throw new IllegalStateException("[" + name + "] filebase: '" + settings.filebase()
                    + "' (cannot open the unified log file: " + e.getMessage() + ")", e);
        }
    }
}
