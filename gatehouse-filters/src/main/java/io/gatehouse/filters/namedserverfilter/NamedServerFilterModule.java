package io.gatehouse.filters.namedserverfilter;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The namedserverfilter module: attaches routing hints to statements that match a regular expression
 * ({@code match01}/{@code target01} ... {@code match25}/{@code target25}), for sessions of the {@code source}
 * addresses and {@code user} it names. Only statement routers (readwritesplit, schemarouter) act on the hints; a
 * target may name a service where the filter's service routes to services. Stateless; makes
 * one {@link NamedServerFilter} per section.
 */
public final class NamedServerFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = descriptor0();

    private static ModuleDescriptor descriptor0() {
        List<ParamSpec> params = new ArrayList<>();
        params.add(ParamSpec.of("source", ParamType.STRING, null, true, "Only divert statements from these addresses"));
        params.add(ParamSpec.of("user", ParamType.STRING, null, true, "Only divert statements of this user"));
        params.add(StatementRules.ignorecaseMaskParameter());
        params.add(ParamSpec.of("match", ParamType.STRING, null, false,
                "Deprecated single pattern, used with server"));
        params.add(ParamSpec.of("server", ParamType.STRING, null, false,
                "Deprecated single server for statements matching match"));
        for (int i = 1; i <= RouteRules.MAX_PAIRS; i++) {
            params.add(ParamSpec.of(RouteRules.matchName(i), ParamType.REGEX, null, true, "Regular expression to match"));
            params.add(ParamSpec.of(RouteRules.targetName(i), ParamType.STRING, null, true,
                    "Target of matching statements: server (or target service) names, ->master, ->slave or ->all"));
        }
        return new ModuleDescriptor("namedserverfilter", ModuleKind.FILTER, Maturity.BETA, ApiVersion.CURRENT,
                "A routing hint filter that uses regular expressions to direct queries", "1.1.0", params);
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        RouteRules.of(params);
        clients(params);
    }

    @Override
    public void validateReferences(Params params, Set<String> servers, Set<String> services) {
        RouteRules.of(params).checkTargets(params.section(), servers, services, Set.of());
    }

    @Override
    public void validateReferences(Params params, Set<String> servers, Set<String> services,
                                   Set<String> serviceTargets) {
        RouteRules.of(params).checkTargets(params.section(), servers, services, serviceTargets);
    }

    @Override
    public Filter create(String name, Params params) {
        return new NamedServerFilter(RouteRules.of(params), clients(params), params.string("user"));
    }

    private static SessionRules clients(Params params) {
        return SessionRules.addresses(params.section(), params.string("source"), params.string("user"));
    }
}
