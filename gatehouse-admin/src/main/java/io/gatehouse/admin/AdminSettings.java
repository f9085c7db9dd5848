package io.gatehouse.admin;

import io.gatehouse.api.config.Params;
import java.nio.file.Path;

/**
 * The admin server's settings, taken from the {@code [maxscale]} section: address, port (0 binds any free port),
 * whether it is enabled, the data directory holding the admin users, and the TLS files that turn on HTTPS.
 * Immutable.
 */
public record AdminSettings(String host, int port, boolean enabled, Path datadir, Path sslKey, Path sslCert,
                            Path sslCa, String sslVersion) {
    /** Reads {@code admin_host}, {@code admin_port}, {@code admin_enabled}, {@code datadir} and {@code admin_ssl_*}. */
    public static AdminSettings from(Params global) {
        return new AdminSettings(global.string("admin_host"), (int) global.integer("admin_port"),
                global.bool("admin_enabled"), Path.of(global.string("datadir")), path(global, "admin_ssl_key"),
                path(global, "admin_ssl_cert"), path(global, "admin_ssl_ca"),
                global.has("admin_ssl_version") ? global.string("admin_ssl_version") : "MAX");
    }

    /** The settings for plain HTTP (tests and embedders that build settings by hand). */
    public AdminSettings(String host, int port, boolean enabled, Path datadir) {
        this(host, port, enabled, datadir, null, null, null, "MAX");
    }

    /** True when both key and certificate are set: the API is served over HTTPS only. */
    public boolean secure() {
        return sslKey != null && sslCert != null;
    }

    private static Path path(Params p, String name) {
        String v = p.has(name) ? p.string(name) : null;
        return v == null || v.isBlank() ? null : Path.of(v);
    }
}
