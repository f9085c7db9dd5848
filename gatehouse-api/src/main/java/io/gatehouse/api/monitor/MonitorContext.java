package io.gatehouse.api.monitor;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.MonitoredServer;
import java.util.List;

/** What the core gives a monitor when creating it. Immutable. */
public interface MonitorContext {
    /** The monitor's section name. */
    String name();

    /** The monitor section's validated parameters. */
    Params params();

    /** The servers to watch, in configuration order. */
    List<MonitoredServer> servers();
}
