package io.gatehouse.api;

import io.gatehouse.api.config.ParamSpec;
import java.util.List;

/**
 * What a module says about itself: its name (the one {@code maxscale.cnf} uses), kind, maturity, the API version
 * it was built for and the typed specification of its parameters. Immutable.
 */
public record ModuleDescriptor(String name, ModuleKind kind, Maturity maturity, ApiVersion apiVersion,
                               String description, String version, List<ParamSpec> parameters) {
    public ModuleDescriptor {
        parameters = List.copyOf(parameters);
    }

    /** The parameter with this name, or null. */
    public ParamSpec parameter(String name) {
        for (ParamSpec p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
