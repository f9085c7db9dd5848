package io.gatehouse.filters.firewall;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import java.nio.file.Path;
import java.util.List;

/**
 * The firewall module: a statement whitelist in the spirit of ProxySQL's firewall (MaxScale removed its own
 * dbfwfilter). In {@code learning} mode it records the canonical digests each user@host sends; in {@code enforcing}
 * mode it refuses what no allow rule and no learned digest allows (and what a deny rule matches). Stateless; makes
 * one {@link FirewallFilter} per section, whose rules file lives in {@code directory} or in the filter's own
 * directory under the global {@code datadir}.
 */
public final class FirewallModule implements FilterModule {
    /** The rules file's name inside the directory. */
    static final String FILE = "firewall.json";
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("firewall", ModuleKind.FILTER,
            Maturity.BETA, new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR),
            "Statement firewall: learns the statement digests each user@host uses, then refuses the rest", "1.0.0",
            List.of(
                    ParamSpec.oneOf("mode", ParamType.ENUM, "learning", true,
                            List.of("learning", "enforcing", "off"),
                            "learning records each user@host's statement digests and lets everything through;"
                                    + " enforcing refuses what no rule or learned digest allows; off does nothing."
                                    + " A change applies at once to every session"),
                    ParamSpec.of("max_learned_digests", ParamType.COUNT, "100000", true,
                            "The most digests learning keeps, for all users together; past it new digests are not"
                                    + " learned (logged once) and enforcing refuses them. 0 is no limit"),
                    new ParamSpec("directory", ParamType.PATH, null, false, false, List.of(),
                            "The directory of the rules file (" + FILE + "); default: the filter's directory under"
                                    + " datadir")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /** Without a data directory (module test harnesses), {@code directory} must be given. */
    @Override
    public Filter create(String name, Params params) {
        if (params.string("directory") == null) {
            throw new IllegalArgumentException("[" + name + "] directory: missing (expected: a directory for the"
                    + " rules file when Gatehouse gives the filter none)");
        }
        return create(name, params, null);
    }

    @Override
    public Filter create(String name, Params params, Path dataDirectory) {
        String dir = params.string("directory");
        Path file = (dir != null ? Path.of(dir) : dataDirectory).resolve(FILE);
        return new FirewallFilter(name, FirewallStore.acquire(file), FirewallMode.of(params.string("mode")),
                params.integer("max_learned_digests"));
    }
}
