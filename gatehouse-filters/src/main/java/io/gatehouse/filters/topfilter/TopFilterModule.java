package io.gatehouse.filters.topfilter;

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
import io.gatehouse.filters.common.QuotedText;
import io.gatehouse.filters.common.SessionRules;
import io.gatehouse.filters.common.StatementRules;
import java.util.ArrayList;
import java.util.List;

/**
 * The topfilter module: times each statement of a session (from the statement to the first byte of its reply) and,
 * when the session ends, writes its {@code count} slowest statements with a summary to {@code filebase.ID}, with
 * MaxScale's parameters and defaults. Stateless; each section gets a {@link TopFilter}.
 */
public final class TopFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR;

    static {
        List<ParamSpec> params = new ArrayList<>();
        params.add(ParamSpec.required("filebase", ParamType.STRING, true, "The basename of the output files"));
        params.add(ParamSpec.of("count", ParamType.COUNT, "10", true, "How many statements to report"));
        params.addAll(StatementRules.params(false));    // options is start-only in MaxScale's topfilter
        params.add(ParamSpec.of("source", ParamType.STRING, "", true, "Report only sessions from this address"));
        params.add(ParamSpec.of("user", ParamType.STRING, "", true, "Report only sessions of this user"));
        DESCRIPTOR = new ModuleDescriptor("topfilter", ModuleKind.FILTER, Maturity.GA, ApiVersion.CURRENT,
                "A top N query logging filter", "1.0.1", params);
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /** {@code count} must be at least 1, {@code filebase} writable and {@code source} a list of IP addresses. */
    @Override
    public void validate(Params params) {
        if (params.integer("count") < 1) {
            throw new IllegalArgumentException("[" + params.section() + "] count: '" + params.text("count")
                    + "' (expected: a positive integer)");
        }
        Filebase.check(params);
        SessionRules.of(params);
    }

    @Override
    public Filter create(String name, Params params) {
        return new TopFilter(QuotedText.unquote(params.string("filebase")), (int) Math.min(params.integer("count"),
                100_000), StatementRules.of(params), SessionRules.of(params));
    }
}
