package io.gatehouse.core.runtime;

import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.MonitorModule;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.config.GatehouseConfig;
import io.gatehouse.core.config.IniSection;
import io.gatehouse.core.server.Server;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alters servers and monitors of a running proxy: checks that every parameter exists and may change at runtime,
 * validates the whole configuration with the change in place (so an invalid value is refused with a message
 * naming the section and parameter, and nothing is half-applied), applies it, and persists the object's section
 * to {@code persistdir} when {@code persist_runtime_changes} is on. Used on the admin thread; keeps its own copy
 * of the raw sections, read from the configuration at construction.
 */
public final class RuntimeChanges {
    private final Runtime rt;
    private final Map<String, IniSection> sections;

    public RuntimeChanges(Runtime rt) throws ConfigException {
        this.rt = rt;
        this.sections = rt.config().source() == null ? new LinkedHashMap<>() : PersistedConfigs.read(rt.config().source());
    }

    /** Changes parameters of a server: {@code changes} maps names to values as written in a configuration file. */
    public synchronized void alterServer(String name, Map<String, String> changes) throws ConfigException, IOException {
        Server s = rt.servers().get(name);
        if (s == null) {
            throw new IllegalArgumentException("no server named '" + name + "'");
        }
        Params p = validate(name, changes, CoreParams.SERVER, "a server").server(name).params();
        s.params(p);
        s.resolve();
        persist(name);
    }

    /** Changes parameters of a monitor; it is restarted with them when it was running. */
    public synchronized void alterMonitor(String name, Map<String, String> changes)
            throws ConfigException, IOException, InterruptedException {
        String module = rt.monitorModule(name);
        if (module == null) {
            throw new IllegalArgumentException("no monitor named '" + name + "'");
        }
        List<ParamSpec> specs = new ArrayList<>(CoreParams.MONITOR);
        specs.addAll(rt.modules().find(ModuleKind.MONITOR, module, MonitorModule.class).descriptor().parameters());
        GatehouseConfig cfg = validate(name, changes, specs, "a monitor using " + module);
        rt.replaceMonitorParams(name, cfg.monitor(name).params());
        persist(name);
    }

    private GatehouseConfig validate(String name, Map<String, String> changes, List<ParamSpec> specs, String what)
            throws ConfigException {
        IniSection current = sections.get(name);
        if (current == null) {
            throw new ConfigException("[" + name + "] has no section in the configuration");
        }
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        specs.forEach(sp -> byName.put(sp.name(), sp));
        for (Map.Entry<String, String> e : changes.entrySet()) {
            ParamSpec sp = byName.get(e.getKey());
            if (sp == null) {
                throw new ConfigException("[" + name + "] " + e.getKey() + ": '" + e.getValue()
                        + "' (expected: a parameter of " + what + "; unknown parameter)");
            }
            if (!sp.runtime()) {
                throw new ConfigException("[" + name + "] " + e.getKey() + ": '" + e.getValue()
                        + "' (expected: no change at runtime; this parameter needs a restart)");
            }
        }
        IniSection changed = new IniSection(name, current.source());
        changed.params().putAll(current.params());
        changes.forEach((k, v) -> {
            if (v == null) {
                changed.params().remove(k);
            } else {
                changed.params().put(k, v);
            }
        });
        Map<String, IniSection> all = new LinkedHashMap<>(sections);
        all.put(name, changed);
        GatehouseConfig cfg = new ConfigLoader(rt.modules()).build(rt.config().source(), all);
        sections.put(name, changed);
        return cfg;
    }

    private void persist(String name) throws IOException {
        Params g = rt.config().global();
        if (!g.bool("persist_runtime_changes")) {
            return;
        }
        Path file = PersistedConfigs.write(Path.of(g.string("persistdir")), sections.get(name));
        rt.persistedFile(name, file);
    }
}
