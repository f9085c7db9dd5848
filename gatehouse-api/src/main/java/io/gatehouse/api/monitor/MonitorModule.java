package io.gatehouse.api.monitor;

import io.gatehouse.api.Module;

/** A monitor module: creates a {@link Monitor} for each monitor section that names it. Stateless. */
public interface MonitorModule extends Module {
    Monitor create(MonitorContext context);
}
