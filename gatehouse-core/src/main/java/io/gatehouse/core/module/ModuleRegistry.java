package io.gatehouse.core.module;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Module;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modules this process can use, found with {@link ServiceLoader}, keyed by kind and lower-case name: the
 * built-in ones on the class path, then those of each jar in the plugin directory ({@code libdir}), every jar in
 * its own class loader. Built once at start on the main thread, then read-only and safe to share between threads.
 */
public final class ModuleRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleRegistry.class);

    private final Map<String, Module> modules = new LinkedHashMap<>();
    private final List<String> refused = new ArrayList<>();
    private final Map<Module, Path> origins = new IdentityHashMap<>();
    private final List<PluginJar> jars = new ArrayList<>();

    private ModuleRegistry() {
    }

    /** Loads every module visible to {@code loader}, refusing those built for an incompatible API version. */
    public static ModuleRegistry load(ClassLoader loader) {
        return load(loader, null);
    }

    /**
     * Loads the built-in modules visible to {@code loader}, then the modules of every jar in {@code libdir} (null
     * or a missing directory: none). A plugin cannot replace a module already loaded under the same kind and name.
     */
    public static ModuleRegistry load(ClassLoader loader, Path libdir) {
        ModuleRegistry r = new ModuleRegistry();
        // The MariaDB protocol is part of the core: always there, whatever the class path holds.
        r.add(new io.gatehouse.core.listener.MariaDBClientProtocol(), null);
        r.loadFrom(ServiceLoader.load(Module.class, loader), null, null);
        for (PluginJar jar : PluginJar.openAll(libdir, loader)) {
            r.jars.add(jar);
            r.loadFrom(ServiceLoader.load(Module.class, jar.loader()), jar.loader(), jar.path());
        }
        return r;
    }

    /**
     * Adds the providers of {@code sl}; with {@code only} set, just those whose class that loader defined (a
     * plugin's loader also sees the built-ins through its parent).
     */
    private void loadFrom(ServiceLoader<Module> sl, ClassLoader only, Path origin) {
        String where = origin == null ? "the class path" : origin.toString();
        var it = sl.stream().iterator();
        while (true) {
            ServiceLoader.Provider<Module> provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
                if (only != null && provider.type().getClassLoader() != only) {
                    continue;
                }
                add(provider.get(), origin);
            } catch (ServiceConfigurationError | LinkageError e) {
                // A jar built against classes this Gatehouse lacks fails here; the others still load.
                String msg = "a module in " + where + " could not be loaded: " + e;
                LOG.error(msg);
                refused.add(msg);
            }
        }
    }

    private void add(Module m, Path origin) {
        ModuleDescriptor d = m.descriptor();
        if (!d.apiVersion().runsOn(ApiVersion.CURRENT)) {
            String msg = "module '" + d.name() + "'" + (origin == null ? "" : " in " + origin.getFileName())
                    + " was built for API " + d.apiVersion() + ", this Gatehouse supports API "
                    + ApiVersion.CURRENT.major() + ".0 to " + ApiVersion.CURRENT;
            LOG.error("Refusing {}", msg);
            refused.add(msg);
            return;
        }
        String key = key(d.kind(), d.name());
        if (modules.containsKey(key)) {
            String msg = "module '" + d.name() + "' in " + origin + " has the name of a module already loaded";
            LOG.error("Refusing {}", msg);
            refused.add(msg);
            return;
        }
        if (origin != null) {
            origins.put(m, origin);
            LOG.info("Loaded {} module '{}' {} (API {}) from {}", d.kind().word(), d.name(), d.version(),
                    d.apiVersion(), origin);
        }
        modules.put(key, m);
        for (String alias : aliases(d)) {
            modules.putIfAbsent(key(d.kind(), alias), m);
        }
    }

    /** MaxScale accepts a few old spellings of module names; keep them working. */
    private static List<String> aliases(ModuleDescriptor d) {
        return switch (d.name()) {
            case "mariadbmon" -> List.of("mysqlmon");
            case io.gatehouse.core.listener.MariaDBClientProtocol.NAME ->
                    io.gatehouse.core.listener.MariaDBClientProtocol.ALIASES;
            default -> List.of();
        };
    }

    /** The module of this kind and name (case-insensitive), or null. */
    public <T extends Module> T find(ModuleKind kind, String name, Class<T> type) {
        Module m = modules.get(key(kind, name));
        return type.isInstance(m) ? type.cast(m) : null;
    }

    /** Every distinct loaded module. */
    public List<Module> all() {
        return modules.values().stream().distinct().toList();
    }

    /** The jar a plugin module came from, or null for a built-in one. */
    public Path origin(Module m) {
        return origins.get(m);
    }

    /** Messages about modules that were found but refused. */
    public List<String> refused() {
        return Collections.unmodifiableList(refused);
    }

    /** Names of the loaded modules of one kind, for error messages. */
    public List<String> names(ModuleKind kind) {
        return all().stream().map(Module::descriptor).filter(d -> d.kind() == kind).map(ModuleDescriptor::name).toList();
    }

    private static String key(ModuleKind kind, String name) {
        return kind + ":" + name.toLowerCase(Locale.ROOT);
    }
}
