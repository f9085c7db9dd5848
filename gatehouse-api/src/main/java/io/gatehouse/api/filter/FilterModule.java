package io.gatehouse.api.filter;

import io.gatehouse.api.Module;
import io.gatehouse.api.config.Params;

/** A filter module: makes one {@link Filter} per filter section that names it. Stateless. */
public interface FilterModule extends Module {
    /** Creates the filter of one section; parameters are already validated against the descriptor. */
    Filter create(String name, Params params);

    /**
     * Creates the filter of one section, giving it a directory of its own for what it keeps across restarts (a
     * directory named after the filter under the global {@code datadir}; it may not exist yet). The core calls this
     * one; the default ignores the directory.
     */
    default Filter create(String name, Params params, java.nio.file.Path dataDirectory) {
        return create(name, params);
    }

    /**
     * Checks the names of servers and services the section's parameters refer to (namedserverfilter's targets), once
     * every section of the configuration is known; called when a configuration is loaded or checked, after
     * {@link #validate}. Throws {@link IllegalArgumentException} with a one-line message in the form
     * {@code [section] parameter: 'value' (expected: rule)}. The default refers to nothing.
     *
     * @param servers  the names of the configuration's server sections
     * @param services the names of the configuration's service sections
     */
    default void validateReferences(Params params, java.util.Set<String> servers, java.util.Set<String> services) {
    }

    /**
     * As {@link #validateReferences(Params, java.util.Set, java.util.Set)}, also told which services the filter's
     * statements can be routed to: the services named in {@code targets} of the services whose chain holds it (a
     * filter that sends statements to a named target, such as namedserverfilter, may name those). The core calls
     * this one; the default ignores {@code serviceTargets}.
     */
    default void validateReferences(Params params, java.util.Set<String> servers, java.util.Set<String> services,
                                    java.util.Set<String> serviceTargets) {
        validateReferences(params, servers, services);
    }
}
