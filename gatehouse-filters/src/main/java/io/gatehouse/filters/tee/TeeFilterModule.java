package io.gatehouse.filters.tee;

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
import java.util.Set;

/**
 * The tee filter module: copies the statements of a service's sessions to another server or service (the branch
 * target), discarding what that target answers; with {@code sync} the client's next statement waits until both have
 * answered. Stateless; makes one {@link TeeFilter} per section.
 */
public final class TeeFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("tee", ModuleKind.FILTER, Maturity.BETA,
            ApiVersion.CURRENT, "A tee piece in the filter plumbing", "1.0.0", List.of(
                    ParamSpec.of("target", ParamType.STRING, null, true,
                            "The server or service the statements are copied to"),
                    ParamSpec.of("service", ParamType.STRING, null, true,
                            "Deprecated: the service the statements are copied to (use target)"),
                    ParamSpec.of("match", ParamType.REGEX, null, true, "Only copy statements matching this pattern"),
                    ParamSpec.of("exclude", ParamType.REGEX, null, true, "Do not copy statements matching this pattern"),
                    StatementRules.ignorecaseMaskParameter(),
                    ParamSpec.of("source", ParamType.STRING, null, true, "Only copy sessions from this address"),
                    ParamSpec.of("user", ParamType.STRING, null, true, "Only copy sessions of this user"),
                    ParamSpec.of("sync", ParamType.BOOL, "false", true,
                            "Wait for both targets to answer before the client's next statement is routed")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        TeeFilter.Settings.of(params);
    }

    @Override
    public void validateReferences(Params params, Set<String> servers, Set<String> services) {
        TeeFilter.Settings s = TeeFilter.Settings.of(params);
        if (!servers.contains(s.target()) && !services.contains(s.target())) {
            throw new IllegalArgumentException("[" + params.section() + "] " + s.parameter() + ": '" + s.target()
                    + "' (expected: the name of a server or service section)");
        }
    }

    @Override
    public Filter create(String name, Params params) {
        return new TeeFilter(name, TeeFilter.Settings.of(params));
    }
}
