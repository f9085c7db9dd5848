package io.gatehouse.api.filter;

import io.gatehouse.api.Module;
import io.gatehouse.api.config.Params;

/** A filter module: makes one {@link Filter} per filter section that names it. Stateless. */
public interface FilterModule extends Module {
    /** Creates the filter of one section; parameters are already validated against the descriptor. */
    Filter create(String name, Params params);
}
