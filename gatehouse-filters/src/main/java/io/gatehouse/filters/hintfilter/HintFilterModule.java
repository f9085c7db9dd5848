package io.gatehouse.filters.hintfilter;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import java.util.List;

/**
 * The hintfilter module: reads routing hints from SQL comments ({@code -- maxscale route to slave}) and attaches
 * them to statements for the router. Stateless; its sessions keep the named and active hints.
 */
public final class HintFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("hintfilter", ModuleKind.FILTER,
            Maturity.BETA, ApiVersion.CURRENT, "A hint parsing filter", "1.0.0", List.of());

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Filter create(String name, Params params) {
        return client -> new HintSession();
    }
}
