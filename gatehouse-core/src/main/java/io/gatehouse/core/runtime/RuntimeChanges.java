package io.gatehouse.core.runtime;

import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.FilterModule;
import io.gatehouse.api.monitor.MonitorModule;
import io.gatehouse.api.router.RouterModule;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.config.GatehouseConfig;
import io.gatehouse.core.config.IniSection;
import io.gatehouse.core.server.Server;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes a running proxy: alters parameters of servers, monitors, services and listeners, creates and destroys
 * objects, and links and unlinks them. Every change is checked against the whole configuration with the change in
 * place first (so an invalid value is refused with a message naming the section and parameter and nothing is
 * half-applied), then applied to the live objects by {@link RuntimeObjects}, then persisted by
 * {@link RuntimePersistence}. One instance per runtime ({@link #of}); its methods are synchronized and run on the
 * admin thread. Holds its own copy of the raw sections.
 */
public final class RuntimeChanges {
    private static final Map<Runtime, RuntimeChanges> INSTANCES = new java.util.WeakHashMap<>();
    private final Runtime rt;
    private final Map<String, IniSection> sections;
    private final RuntimeObjects objects;
    private final RuntimePersistence persistence;
    private GatehouseConfig current;

    public RuntimeChanges(Runtime rt) throws ConfigException {
        this.rt = rt;
        this.sections = rt.config().source() == null ? new LinkedHashMap<>() : PersistedConfigs.read(rt.config().source());
        this.objects = new RuntimeObjects(rt);
        this.persistence = new RuntimePersistence(rt);
        this.current = rt.config();
    }

    /** The one change manager of a runtime, made on first use. */
    public static RuntimeChanges of(Runtime rt) throws ConfigException {
        synchronized (INSTANCES) {
            RuntimeChanges c = INSTANCES.get(rt);
            if (c == null) {
                c = new RuntimeChanges(rt);
                INSTANCES.put(rt, c);
            }
            return c;
        }
    }

    /** The configuration as it is now, runtime changes included. */
    public synchronized GatehouseConfig current() {
        return current;
    }

    /** The object type ({@code server}, {@code service}, ...) of a section, or null when there is none. */
    public synchronized String typeOf(String name) {
        IniSection s = sections.get(name);
        return s == null ? null : s.get("type");
    }

    /** A copy of the parameters of an object's section (its {@code type} included), or null when there is none. */
    public synchronized Map<String, String> sectionParams(String name) {
        IniSection s = sections.get(name);
        return s == null ? null : new LinkedHashMap<>(s.params());
    }

    /** Changes parameters of a server: {@code changes} maps names to values as written in a configuration file. */
    public synchronized void alterServer(String name, Map<String, String> changes) throws ConfigException, IOException {
        Server s = rt.servers().get(name);
        if (s == null) {
            throw new IllegalArgumentException("no server named '" + name + "'");
        }
        checkRuntime(name, changes, CoreParams.SERVER, "a server");
        Staged st = validate(name, changes);
        s.params(st.cfg().server(name).params());
        s.resolve();
        commit(st);
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
        checkRuntime(name, changes, specs, "a monitor using " + module);
        Staged st = validate(name, changes);
        rt.replaceMonitorParams(name, st.cfg().monitor(name).params());
        commit(st);
    }

    /**
     * Changes global parameters of the {@code [maxscale]} section; only those in {@code applicable} (the ones the
     * caller can apply to the running process) are accepted. Returns the new global parameters for the caller to
     * apply.
     */
    public synchronized Params alterGlobal(Map<String, String> changes, java.util.Set<String> applicable)
            throws ConfigException, IOException {
        String name = sections.containsKey("gatehouse") && !sections.containsKey("maxscale") ? "gatehouse" : "maxscale";
        sections.putIfAbsent(name, new IniSection(name, rt.config().source()));
        checkRuntime(name, changes, CoreParams.GLOBAL, "the [maxscale] section");
        for (String k : changes.keySet()) {
            if (!applicable.contains(k)) {
                throw new ConfigException("[" + name + "] " + k + ": '" + changes.get(k)
                        + "' (expected: one of " + new java.util.TreeSet<>(applicable)
                        + "; Gatehouse applies other global parameters at start only)");
            }
        }
        Staged st = validate(name, changes);
        commit(st);
        return st.cfg().global();
    }

    /** Changes parameters of a service; new sessions use them, open sessions keep theirs. */
    public synchronized void alterService(String name, Map<String, String> changes) throws ConfigException, IOException {
        var svc = rt.services().get(name);
        if (svc == null) {
            throw new IllegalArgumentException("no service named '" + name + "'");
        }
        List<ParamSpec> specs = new ArrayList<>(CoreParams.SERVICE);
        specs.addAll(rt.modules().find(ModuleKind.ROUTER, svc.routerName(), RouterModule.class).descriptor().parameters());
        checkRuntime(name, changes, specs, "a service using " + svc.routerName());
        Staged st = validate(name, changes);
        objects.updateService(st.cfg().service(name));
        commit(st);
    }

    /**
     * Changes parameters of a filter: a new instance is made with them and put into the chain of every service
     * using the filter, so new sessions get it while open sessions keep the instance they started with.
     * Parameters the module marks as start-only (and {@code type}, {@code module}) are refused, naming them.
     */
    public synchronized void alterFilter(String name, Map<String, String> changes) throws ConfigException, IOException {
        if (!"filter".equals(typeOf(name)) || !rt.filters().containsKey(name)) {
            throw new IllegalArgumentException("no filter named '" + name + "'");
        }
        String module = sections.get(name).get("module");
        List<ParamSpec> specs = new ArrayList<>(CoreParams.FILTER);
        specs.addAll(rt.modules().find(ModuleKind.FILTER, module, FilterModule.class).descriptor().parameters());
        checkRuntime(name, changes, specs, "a filter using " + module);
        Staged st = validate(name, changes);
        io.gatehouse.api.filter.Filter old;
        try {
            old = objects.addFilter(find(st.cfg().filters(), name));
        } catch (RuntimeException e) {
            // A file the module cannot open with the new values is a bad value, not a proxy fault.
            throw new ConfigException(e.getMessage() == null ? "[" + name + "] " + e : e.getMessage());
        }
        objects.refreshFilterChains(st.cfg(), name);
        if (old != null) {
            old.close();
        }
        commit(st);
    }

    /** Changes parameters of a listener; it is bound again with them (open sessions continue). */
    public synchronized void alterListener(String name, Map<String, String> changes) throws Exception {
        if (!rt.listeners().containsKey(name)) {
            throw new IllegalArgumentException("no listener named '" + name + "'");
        }
        List<ParamSpec> specs = new java.util.ArrayList<>(CoreParams.LISTENER);
        specs.addAll(rt.listeners().get(name).protocolParameters());
        checkRuntime(name, changes, specs, "a listener");
        Staged st = validate(name, changes);
        objects.replaceListener(listener(st.cfg(), name), listener(current, name));
        commit(st);
    }

    /**
     * Replaces one relationship of an object: a service's {@code servers} or {@code filters}, or a monitor's
     * {@code servers}. An empty list removes them all. Linking a service to servers ends its use of a cluster.
     */
    public synchronized void relate(String name, String relation, List<String> targets) throws Exception {
        String type = typeOf(name);
        Map<String, String> changes = new LinkedHashMap<>();
        String joined = targets.isEmpty() ? null : String.join(",", targets);
        if ("service".equals(type) && relation.equals("servers")) {
            changes.put("servers", joined);
            changes.put("targets", null);
            changes.put("cluster", null);
        } else if ("service".equals(type) && relation.equals("filters")) {
            changes.put("filters", targets.isEmpty() ? null : String.join("|", targets));
        } else if ("monitor".equals(type) && relation.equals("servers")) {
            changes.put("servers", joined);
        } else {
            throw new IllegalArgumentException("a " + (type == null ? "missing object" : type) + " has no relationship '"
                    + relation + "' that can be changed");
        }
        Staged st = validate(name, changes);
        applyEdited(st.cfg(), name);
        commit(st);
    }

    /**
     * Creates an object of {@code type} from its parameters (as in a configuration file, {@code type} excluded).
     * It works at once: a listener accepts clients, a monitor watches its servers.
     */
    public synchronized void create(String type, String name, Map<String, String> params) throws Exception {
        if (!name.matches("[A-Za-z0-9_.~-]+")) {
            throw new ConfigException("[" + name + "] name: '" + name
                    + "' (expected: letters, digits and the characters _ . ~ -)");
        }
        if (sections.containsKey(name) || name.equals("maxscale") || name.equals("gatehouse")) {
            throw new ConfigException("[" + name + "] name: '" + name + "' (expected: a name no other object has)");
        }
        IniSection s = new IniSection(name, null);
        s.params().put("type", type);
        params.forEach((k, v) -> {
            if (v != null) {
                s.params().put(k, v);
            }
        });
        Map<String, IniSection> all = new LinkedHashMap<>(sections);
        all.put(name, s);
        GatehouseConfig cfg = new ConfigLoader(rt.modules()).build(rt.config().source(), all);
        switch (type) {
            case "server" -> objects.addServer(cfg.server(name));
            case "filter" -> objects.addFilter(find(cfg.filters(), name));
            case "monitor" -> objects.putMonitor(cfg.monitor(name));
            case "service" -> objects.addService(cfg.service(name));
            case "listener" -> {
                try {
                    objects.addListener(listener(cfg, name));
                } catch (Exception e) {
                    // A port already taken is a bad value of the new object, not a server fault.
                    throw new ConfigException(e.getMessage());
                }
            }
            default -> throw new ConfigException("[" + name + "] type: '" + type
                    + "' (expected: one of server, service, listener, monitor, filter)");
        }
        sections.put(name, s);
        current = cfg;
        persistence.save(sections.get(name));
    }

    /**
     * Destroys an object. One still in use is refused unless {@code force}: then a server or filter is first taken
     * out of the services and monitors using it, a service's listeners are destroyed with it and a monitor's
     * servers are unlinked. A monitor that a service uses as its cluster is never destroyed.
     */
    public synchronized void destroy(String type, String name, boolean force) throws Exception {
        if (!type.equals(typeOf(name))) {
            throw new IllegalArgumentException("no " + type + " named '" + name + "'");
        }
        Map<String, Map<String, String>> edits = new LinkedHashMap<>();
        List<String> cascade = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (IniSection o : sections.values()) {
            String t = o.get("type");
            if (t == null || o.name().equals(name)) {
                continue;
            }
            switch (type) {
                case "server" -> {
                    for (String key : List.of("servers", "targets")) {
                        List<String> list = split(o.get(key), ",");
                        if (list.remove(name)) {
                            users.add(o.name());
                            edits.computeIfAbsent(o.name(), k -> new LinkedHashMap<>())
                                    .put(key, list.isEmpty() ? null : String.join(",", list));
                        }
                    }
                }
                case "filter" -> {
                    List<String> list = split(o.get("filters"), "|");
                    if ("service".equals(t) && list.remove(name)) {
                        users.add(o.name());
                        edits.put(o.name(), mapOf("filters", list.isEmpty() ? null : String.join("|", list)));
                    }
                }
                case "service" -> {
                    if ("listener".equals(t) && name.equals(o.get("service"))) {
                        users.add(o.name());
                        cascade.add(o.name());
                    }
                }
                case "monitor" -> {
                    if ("service".equals(t) && name.equals(o.get("cluster"))) {
                        throw new ConfigException("monitor '" + name + "' is used by service '" + o.name()
                                + "' as its cluster; destroy or relink the service first");
                    }
                }
                default -> {
                }
            }
        }
        if (type.equals("monitor") && !split(sections.get(name).get("servers"), ",").isEmpty()) {
            users.add("its servers " + sections.get(name).get("servers"));
        }
        if (!users.isEmpty() && !force) {
            throw new ConfigException(type + " '" + name + "' is in use by " + String.join(", ", users)
                    + "; remove the relationships first or destroy with force=yes");
        }
        Map<String, IniSection> all = new LinkedHashMap<>(sections);
        all.remove(name);
        cascade.forEach(all::remove);
        edits.forEach((obj, ch) -> all.put(obj, edited(all.get(obj), ch)));
        GatehouseConfig cfg = new ConfigLoader(rt.modules()).build(rt.config().source(), all);
        for (String l : cascade) {
            objects.remove("listener", l);
        }
        for (String obj : edits.keySet()) {
            applyEdited(cfg, obj);
        }
        objects.remove(type, name);
        sections.clear();
        sections.putAll(all);
        current = cfg;
        for (String obj : edits.keySet()) {
            persistence.save(sections.get(obj));
        }
        for (String gone : cascade) {
            persistence.forget(gone);
        }
        persistence.forget(name);
    }

    /** Applies a validated change of a service's or monitor's parameters to its live object. */
    private void applyEdited(GatehouseConfig cfg, String name) throws InterruptedException {
        String type = sections.get(name).get("type");
        if ("monitor".equals(type)) {
            objects.putMonitor(cfg.monitor(name));
            objects.syncServices(cfg);
        } else if ("service".equals(type)) {
            objects.updateService(cfg.service(name));
        }
    }

    private static void checkRuntime(String name, Map<String, String> changes, List<ParamSpec> specs, String what)
            throws ConfigException {
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        specs.forEach(sp -> byName.put(sp.name(), sp));
        for (Map.Entry<String, String> e : changes.entrySet()) {
            ParamSpec sp = byName.get(e.getKey());
            // Passwords (and what looks like one) never go into a message.
            String shown = (sp != null && sp.type() == io.gatehouse.api.config.ParamType.PASSWORD)
                    || io.gatehouse.core.config.ConfigPasswords.looksSecret(e.getKey()) ? "*****" : e.getValue();
            if (sp == null) {
                throw new ConfigException("[" + name + "] " + e.getKey() + ": '" + shown
                        + "' (expected: a parameter of " + what + "; unknown parameter)");
            }
            if (!sp.runtime()) {
                throw new ConfigException("[" + name + "] " + e.getKey() + ": '" + shown
                        + "' (expected: no change at runtime; this parameter needs a restart)");
            }
        }
    }

    /** A validated change not yet committed: the whole new configuration and the changed section. */
    private record Staged(GatehouseConfig cfg, IniSection section) {
    }

    /** Builds the whole configuration with one section changed; throws naming the parameter when it is invalid. */
    private Staged validate(String name, Map<String, String> changes) throws ConfigException {
        IniSection currentSection = sections.get(name);
        if (currentSection == null) {
            throw new ConfigException("[" + name + "] has no section in the configuration");
        }
        IniSection changed = edited(currentSection, changes);
        Map<String, IniSection> all = new LinkedHashMap<>(sections);
        all.put(name, changed);
        return new Staged(new ConfigLoader(rt.modules()).build(rt.config().source(), all), changed);
    }

    private void commit(Staged st) throws IOException {
        sections.put(st.section().name(), st.section());
        current = st.cfg();
        persistence.save(st.section());
    }

    private static IniSection edited(IniSection current, Map<String, String> changes) {
        IniSection changed = new IniSection(current.name(), current.source());
        changed.params().putAll(current.params());
        changes.forEach((k, v) -> {
            if (v == null) {
                changed.params().remove(k);
            } else {
                changed.params().put(k, v);
            }
        });
        return changed;
    }

    private static GatehouseConfig.ObjectConfig listener(GatehouseConfig cfg, String name) {
        return find(cfg.listeners(), name);
    }

    private static GatehouseConfig.ObjectConfig find(List<GatehouseConfig.ObjectConfig> list, String name) {
        return list.stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
    }

    private static List<String> split(String text, String sep) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(java.util.regex.Pattern.quote(sep))) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    private static Map<String, String> mapOf(String k, String v) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k, v);
        return m;
    }
}
