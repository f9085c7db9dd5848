package io.gatehouse.core.module;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Module;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modules this process can use, found with {@link ServiceLoader}, keyed by kind and lower-case name. Built once
 * at start on the main thread, then read-only and safe to share between threads.
 */
public final class ModuleRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleRegistry.class);

    private final Map<String, Module> modules = new LinkedHashMap<>();
    private final List<String> refused = new ArrayList<>();

    private ModuleRegistry() {
    }

    /** Loads every module visible to {@code loader}, refusing those built for an incompatible API version. */
    public static ModuleRegistry load(ClassLoader loader) {
        ModuleRegistry r = new ModuleRegistry();
        ServiceLoader<Module> sl = ServiceLoader.load(Module.class, loader);
        var it = sl.iterator();
        while (true) {
            Module m;
            try {
                if (!it.hasNext()) {
                    break;
                }
                m = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.error("Could not load a module: {}", e.getMessage());
                r.refused.add(e.getMessage());
                continue;
            }
            r.add(m);
        }
        return r;
    }

    private void add(Module m) {
        ModuleDescriptor d = m.descriptor();
        if (!d.apiVersion().runsOn(ApiVersion.CURRENT)) {
            String msg = "module '" + d.name() + "' was built for API " + d.apiVersion()
                    + ", this Gatehouse supports API " + ApiVersion.CURRENT.major() + ".0 to " + ApiVersion.CURRENT;
            LOG.error("Refusing {}", msg);
            refused.add(msg);
            return;
        }
        modules.put(key(d.kind(), d.name()), m);
        for (String alias : aliases(d)) {
            modules.putIfAbsent(key(d.kind(), alias), m);
        }
    }

    /** MaxScale accepts a few old spellings of module names; keep them working. */
    private static List<String> aliases(ModuleDescriptor d) {
        return switch (d.name()) {
            case "mariadbmon" -> List.of("mysqlmon");
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
