package io.gatehouse.admin;

import io.gatehouse.api.config.Params;
import java.nio.file.Path;

/**
 * The admin server's settings, taken from the {@code [maxscale]} section: address, port (0 binds any free port),
 * whether it is enabled and the data directory holding the admin users. Immutable.
 */
public record AdminSettings(String host, int port, boolean enabled, Path datadir) {
    /** Reads {@code admin_host}, {@code admin_port}, {@code admin_enabled} and {@code datadir}. */
    public static AdminSettings from(Params global) {
        return new AdminSettings(global.string("admin_host"), (int) global.integer("admin_port"),
                global.bool("admin_enabled"), Path.of(global.string("datadir")));
    }
}
