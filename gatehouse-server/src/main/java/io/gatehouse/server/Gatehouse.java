package io.gatehouse.server;

import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.GatehouseConfig;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.module.ModuleRegistry;
import io.gatehouse.core.runtime.Runtime;
import java.nio.file.Path;

/**
 * A whole Gatehouse in this process: loads and validates a configuration, then starts the runtime. Used by the
 * daemon's main, the sandbox and tests. Start and close from one thread; the runtime's own threads do the work.
 */
public final class Gatehouse implements AutoCloseable {
    private final Runtime runtime;

    private Gatehouse(Runtime runtime) {
        this.runtime = runtime;
    }

    /** Validates {@code config} without starting anything; throws with the one-line message when it is wrong. */
    public static GatehouseConfig check(Path config) throws ConfigException {
        return new ConfigLoader(ModuleRegistry.load(Gatehouse.class.getClassLoader())).load(config);
    }

    /** Loads, validates and starts. */
    public static Gatehouse start(Path config) throws Exception {
        GatehouseConfig cfg = check(config);
        Runtime rt = new Runtime(cfg, ModuleRegistry.load(Gatehouse.class.getClassLoader()));
        rt.start();
        return new Gatehouse(rt);
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

    @Override
    public void close() {
        runtime.close();
    }
}
