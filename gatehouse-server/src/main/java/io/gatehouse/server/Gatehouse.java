package io.gatehouse.server;

import io.gatehouse.admin.AdminServer;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.GatehouseConfig;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.module.ModuleRegistry;
import io.gatehouse.core.runtime.PersistedConfigs;
import io.gatehouse.core.runtime.Runtime;
import java.nio.file.Path;

/**
 * A whole Gatehouse in this process: loads and validates a configuration, then starts the runtime. Used by the
 * daemon's main, the sandbox and tests. Start and close from one thread; the runtime's own threads do the work.
 */
public final class Gatehouse implements AutoCloseable {
    private final Runtime runtime;
    private final AdminServer admin;

    private Gatehouse(Runtime runtime, AdminServer admin) {
        this.runtime = runtime;
        this.admin = admin;
    }

    /** Validates {@code config} without starting anything; throws with the one-line message when it is wrong. */
    public static GatehouseConfig check(Path config) throws ConfigException {
        return new ConfigLoader(modules(config)).build(config, PersistedConfigs.read(config));
    }

    /** Loads, validates and starts. */
    public static Gatehouse start(Path config) throws Exception {
        // Before anything logs: GET /maxscale/logs/entries then shows the start too, not only what followed it.
        io.gatehouse.admin.logs.LogRing.install();
        SessionTraceFilter.install();            // session_trace: idle (one volatile read) until it is set
        Runtime rt = PersistedConfigs.create(config, modules(config));
        rt.start();
        AdminServer admin;
        try {
            admin = AdminServer.startFor(rt);
        } catch (Exception e) {
            // As MaxScale: an admin port that cannot be bound (another instance already running, say) stops the
            // start, rather than leaving a proxy nobody can administer.
            rt.close();
            throw new Exception(e.getMessage(), e);
        }
        return new Gatehouse(rt, admin);
    }

    /** The built-in modules and those of the configuration's plugin directory ({@code libdir}). */
    static ModuleRegistry modules(Path config) throws ConfigException {
        return ModuleRegistry.load(Gatehouse.class.getClassLoader(), PersistedConfigs.libdir(config));
    }

    public Runtime runtime() {
        return runtime;
    }

    /** The port a listener is bound to (the real one when the configuration asked for port 0). */
    public int port(String listener) {
        Listener l = runtime.listeners().get(listener);
        if (l == null) {
            throw new IllegalArgumentException("no listener named " + listener);
        }
        return l.boundPort();
    }

    /** The admin API server, or null when {@code admin_enabled=false}. */
    public AdminServer admin() {
        return admin;
    }

    @Override
    public void close() {
        // The admin API goes first so that nobody changes the runtime while it stops.
        if (admin != null) {
            admin.close();
        }
        runtime.close();
    }
}
