package io.gatehouse.filters.ccrfilter;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.filters.common.StatementRules;
import java.util.List;

/**
 * The ccrfilter module (consistent critical reads): after a session writes, its following statements carry a
 * route-to-primary hint for {@code time} and/or the next {@code count} statements, so that it reads its own writes
 * before the replicas have them. Only statement routers (readwritesplit) act on the hint. Stateless; makes one
 * {@link CcrFilter} per section.
 */
public final class CcrFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("ccrfilter", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "A routing hint filter that sends queries to the primary after data"
            + " modification", "1.1.0", List.of(
                    ParamSpec.of("time", ParamType.DURATION, "60s", true,
                            "How long after a write statements go to the primary (whole seconds; 0 disables)"),
                    ParamSpec.of("count", ParamType.COUNT, "0", true,
                            "How many statements after a write go to the primary (0 disables)"),
                    ParamSpec.of("match", ParamType.REGEX, null, true, "Only writes matching this pattern count"),
                    ParamSpec.of("ignore", ParamType.REGEX, null, true, "Writes matching this pattern do not count"),
                    StatementRules.ignorecaseMaskParameter(),
                    ParamSpec.of("global", ParamType.BOOL, "false", true,
                            "A write of any session sends every session's statements to the primary for time")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        CcrFilter.Settings.of(params);
    }

    @Override
    public Filter create(String name, Params params) {
        return new CcrFilter(CcrFilter.Settings.of(params));
    }
}
