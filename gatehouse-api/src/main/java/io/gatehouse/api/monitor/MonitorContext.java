package io.gatehouse.api.monitor;

import io.gatehouse.api.config.Params;
import io.gatehouse.api.server.MonitoredServer;
import java.nio.file.Path;
import java.util.List;

/** What the core gives a monitor when creating it. Immutable. */
public interface MonitorContext {
    /** The monitor's section name. */
    String name();

    /** The monitor section's validated parameters. */
    Params params();

    /** The servers to watch, in configuration order. */
    List<MonitoredServer> servers();

    /**
     * This monitor's own directory for what it keeps across restarts (a journal): a directory named after the
     * monitor under the global {@code datadir}. It may not exist yet; the monitor creates it when it writes.
     */
    Path dataDirectory();

    /**
     * True while the global {@code passive} is on: this instance watches and routes but leaves the cluster alone
     * (no automatic failover, switchover, rejoin or read-only enforcement, no monitor scripts), as another instance
     * acts. It may change at runtime, so a monitor asks at each pass. Since API 2.4.
     */
    default boolean passive() {
        return false;
    }
}
