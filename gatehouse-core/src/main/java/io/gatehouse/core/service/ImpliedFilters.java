package io.gatehouse.core.service;

import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.api.router.Router;
import io.gatehouse.core.module.ModuleRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The filters a service's router implies ({@link Router#impliedFilters}): made from their modules with default
 * parameters when the router is made, and run after the service's own filters. Runs on the configuration or admin
 * thread; the filters it makes are shared by the service's sessions like any filter. Holds no buffers.
 */
public final class ImpliedFilters {
    private ImpliedFilters() {
    }

    /** The filters {@code router} asks for, each named {@code SERVICE:MODULE}. */
    public static List<Filter> of(String service, Router router, ModuleRegistry modules) {
        List<Filter> out = new ArrayList<>();
        for (String module : router.impliedFilters()) {
            FilterModule fm = modules.find(ModuleKind.FILTER, module, FilterModule.class);
            String name = service + ":" + module;
            out.add(fm.create(name, new Params(name, Map.of(), Map.of())));
        }
        return out;
    }
}
