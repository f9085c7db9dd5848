package io.gatehouse.core.config;

import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.config.ValueParser;
import io.gatehouse.api.monitor.MonitorModule;
import io.gatehouse.api.router.RouterModule;
import io.gatehouse.core.module.ModuleRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates sections read by {@link IniReader} against the core's and the modules' parameter specifications and
 * builds a {@link GatehouseConfig}. Stops at the first problem with a one-line {@link ConfigException}. Runs on the
 * loading thread; keeps no state.
 */
public final class ConfigLoader {
    private final ModuleRegistry modules;

    public ConfigLoader(ModuleRegistry modules) {
        this.modules = modules;
    }

    public GatehouseConfig load(Path file) throws ConfigException {
        return build(file, IniReader.read(file));
    }

    public GatehouseConfig build(Path file, Map<String, IniSection> sections) throws ConfigException {
        this.passwords = ConfigPasswords.forSections(sections);
        Params global = new Params("maxscale", Map.of(), Map.of());
        List<GatehouseConfig.ObjectConfig> servers = new ArrayList<>();
        List<GatehouseConfig.ObjectConfig> monitors = new ArrayList<>();
        List<GatehouseConfig.ObjectConfig> services = new ArrayList<>();
        List<GatehouseConfig.ObjectConfig> listeners = new ArrayList<>();
        List<GatehouseConfig.ObjectConfig> filters = new ArrayList<>();
        boolean sawGlobal = false;
        for (IniSection s : sections.values()) {
            if (s.name().equals("maxscale") || s.name().equals("gatehouse")) {
                global = validate(s, CoreParams.GLOBAL, "the [maxscale] section", "global");
                if (global.bool("admin_gui")) {
                    throw ConfigException.badValue(s.name(), "admin_gui", global.text("admin_gui"),
                            "false; Gatehouse has no GUI");
                }
                for (String m : global.string("admin_audit_exclude_methods").split(",")) {
                    if (!m.isBlank() && !List.of("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT",
                            "TRACE").contains(m.trim().toUpperCase(java.util.Locale.ROOT))) {
                        throw ConfigException.badValue(s.name(), "admin_audit_exclude_methods",
                                global.text("admin_audit_exclude_methods"),
                                "HTTP methods separated by commas: GET, PUT, POST, PATCH, DELETE, HEAD, OPTIONS, CONNECT, TRACE");
                    }
                }
                try {
                    LogThrottling.parse(global.string("log_throttling"));
                } catch (IllegalArgumentException e) {
                    throw ConfigException.badValue(s.name(), "log_throttling", global.text("log_throttling"),
                            "count, window, suppression such as " + LogThrottling.DEFAULT);
                }
                try {
                    io.gatehouse.core.runtime.Runtime.localAddress(global);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(e.getMessage());
                }
                threadRules(s.name(), global);
                sawGlobal = true;
                continue;
            }
            String type = s.get("type");
            if (type == null) {
                throw new ConfigException("[" + s.name() + "] type: missing (expected: one of server, service, listener, monitor, filter)");
            }
            switch (type) {
                case "server" -> {
                    Params p = validate(s, CoreParams.SERVER, "a server", "server");
                    diskThresholdRule(p);
                    if (p.string("address") == null && p.string("socket") == null) {
                        throw new ConfigException("[" + s.name() + "] address: missing (expected: address or socket for a server)");
                    }
                    tlsRules(p, false);
                    monitorAccountRules(p);
                    if (!p.string("protocol").equalsIgnoreCase("mariadbbackend")) {
                        throw ConfigException.badValue(s.name(), "protocol", p.string("protocol"), "mariadbbackend");
                    }
                    servers.add(new GatehouseConfig.ObjectConfig(s.name(), "", p, List.of()));
                }
                case "monitor" -> {
                    String module = require(s, "module");
                    MonitorModule m = modules.find(ModuleKind.MONITOR, module, MonitorModule.class);
                    if (m == null) {
                        throw ConfigException.badValue(s.name(), "module", module, "one of " + modules.names(ModuleKind.MONITOR));
                    }
                    Params p = validate(s, merge(CoreParams.MONITOR, m.descriptor().parameters()), "a monitor using " + module, "monitor", m.descriptor().name());
                    diskThresholdRule(p);
                    moduleRules(m, p);
                    monitors.add(new GatehouseConfig.ObjectConfig(s.name(), m.descriptor().name(), p, p.list("servers")));
                }
                case "service" -> {
                    String router = require(s, "router");
                    RouterModule m = modules.find(ModuleKind.ROUTER, router, RouterModule.class);
                    if (m == null) {
                        throw ConfigException.badValue(s.name(), "router", router, "one of " + modules.names(ModuleKind.ROUTER));
                    }
                    Params p = validate(s, merge(CoreParams.SERVICE, m.descriptor().parameters()), "a service using " + router, "service", m.descriptor().name());
                    moduleRules(m, p);
                    accountsFileRules(p);
                    services.add(new GatehouseConfig.ObjectConfig(s.name(), m.descriptor().name(), p, List.of()));
                }
                case "listener" -> {
                    String protoName = s.get("protocol") == null ? io.gatehouse.core.listener.MariaDBClientProtocol.NAME
                            : s.get("protocol");
                    io.gatehouse.api.protocol.ProtocolModule pm = modules.find(ModuleKind.PROTOCOL, protoName,
                            io.gatehouse.api.protocol.ProtocolModule.class);
                    if (pm == null) {
                        throw ConfigException.badValue(s.name(), "protocol", protoName,
                                "one of " + modules.names(ModuleKind.PROTOCOL));
                    }
                    Params p = validate(s, merge(CoreParams.LISTENER, pm.descriptor().parameters()),
                            "a listener using " + pm.descriptor().name(), "listener", pm.descriptor().name());
                    moduleRules(pm, p);
                    if (!(pm instanceof io.gatehouse.core.listener.MariaDBClientProtocol)) {
                        moduleProtocolRules(p, pm.descriptor().name());
                    }
                    tlsRules(p, true);
                    if (p.bool("ssl_verify_peer_host")) {
                        throw ConfigException.badValue(s.name(), "ssl_verify_peer_host", p.text("ssl_verify_peer_host"),
                                "false; Gatehouse does not check client certificates against the client's host");
                    }
                    try {
                        io.gatehouse.core.listener.Listener.clientSettings(p);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(e.getMessage());
                    }
                    // port=0 written out asks for any free port (tests); leaving both out is a mistake.
                    if (s.get("port") == null && p.string("socket") == null) {
                        throw new ConfigException("[" + s.name() + "] port: missing (expected: port or socket for a listener)");
                    }
                    listeners.add(new GatehouseConfig.ObjectConfig(s.name(), pm.descriptor().name(), p,
                            List.of(p.string("service"))));
                }
                case "filter" -> {
                    String module = require(s, "module");
                    io.gatehouse.api.filter.FilterModule m = modules.find(ModuleKind.FILTER, module,
                            io.gatehouse.api.filter.FilterModule.class);
                    if (m == null) {
                        throw ConfigException.badValue(s.name(), "module", module, "one of " + modules.names(ModuleKind.FILTER));
                    }
                    Params p = validate(s, merge(CoreParams.FILTER, m.descriptor().parameters()), "a filter using " + module, m.descriptor().name());
                    moduleRules(m, p);
                    filters.add(new GatehouseConfig.ObjectConfig(s.name(), m.descriptor().name(), p, List.of()));
                }
                default -> throw ConfigException.badValue(s.name(), "type", type, "one of server, service, listener, monitor, filter");
            }
        }
        if (!sawGlobal) {
            global = validate(new IniSection("maxscale", file), CoreParams.GLOBAL, "the [maxscale] section", "global");
        }
        checkReferences(servers, monitors, services, listeners);
        String syncCluster = global.has("config_sync_cluster") ? global.string("config_sync_cluster") : null;
        if (syncCluster != null && !syncCluster.isBlank()
                && monitors.stream().noneMatch(m -> m.name().equals(syncCluster))) {
            throw ConfigException.badValue("maxscale", "config_sync_cluster", syncCluster,
                    "the name of a monitor section, whose primary keeps the shared configuration");
        }
        for (var svc : services) {
            for (String f : filterNames(svc.params())) {
                if (filters.stream().noneMatch(x -> x.name().equals(f))) {
                    throw ConfigException.badValue(svc.name(), "filters", svc.params().string("filters"),
                            "names of filter sections separated by |; '" + f + "' is not one");
                }
            }
        }
        services = resolveTargets(services, servers, monitors);
        filterReferences(filters, servers, services);
        return new GatehouseConfig(file, global, servers, monitors, services, listeners, filters);
    }

    /**
     * {@code threads} is auto or 1 to {@code threads_max}; the rebalancing numbers are in MaxScale's ranges. Also
     * used for runtime changes of the global section.
     */
    public static void threadRules(String section, Params global) throws ConfigException {
        long max = global.integer("threads_max");
        if (max < 1) {
            throw ConfigException.badValue(section, "threads_max", global.text("threads_max"), "at least 1");
        }
        int threads;
        try {
            threads = io.gatehouse.core.worker.Workers.parseThreads(global.string("threads"));
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(section, "threads", global.text("threads"), "auto or a number of at least 1");
        }
        boolean auto = global.string("threads").trim().equalsIgnoreCase("auto");
        if (!auto && threads > max) {
            throw ConfigException.badValue(section, "threads", global.text("threads"),
                    "auto or 1 to threads_max=" + max);
        }
        long threshold = global.integer("rebalance_threshold");
        if (threshold < 5 || threshold > 100) {
            throw ConfigException.badValue(section, "rebalance_threshold", global.text("rebalance_threshold"),
                    "a percentage from 5 to 100");
        }
        long window = global.integer("rebalance_window");
        if (window < 1 || window > 60) {
            throw ConfigException.badValue(section, "rebalance_window", global.text("rebalance_window"),
                    "a number of seconds from 1 to 60");
        }
    }

    /** Filters that name servers or services (namedserverfilter's targets) are checked once all sections are known. */
    private void filterReferences(List<GatehouseConfig.ObjectConfig> filters, List<GatehouseConfig.ObjectConfig> servers,
                                  List<GatehouseConfig.ObjectConfig> services) throws ConfigException {
        java.util.Set<String> serverNames = new java.util.HashSet<>();
        servers.forEach(s -> serverNames.add(s.name()));
        java.util.Set<String> serviceNames = new java.util.HashSet<>();
        services.forEach(s -> serviceNames.add(s.name()));
        for (var f : filters) {
            // The services a statement through this filter can reach: those its services name in targets.
            java.util.Set<String> serviceTargets = new java.util.HashSet<>();
            for (var s : services) {
                if (filterNames(s.params()).contains(f.name()) && s.params().has("targets")) {
                    s.params().list("targets").stream().filter(serviceNames::contains).forEach(serviceTargets::add);
                }
            }
            try {
                modules.find(ModuleKind.FILTER, f.module(), io.gatehouse.api.filter.FilterModule.class)
                        .validateReferences(f.params(), java.util.Set.copyOf(serverNames),
                                java.util.Set.copyOf(serviceNames), java.util.Set.copyOf(serviceTargets));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }
    }

    /** The filter names of a service's {@code filters} parameter ({@code a|b}, as MaxScale writes them). */
    public static List<String> filterNames(Params p) {
        String text = p.string("filters");
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String part : text.split("\\|")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /**
     * A listener whose protocol is a module hands its client's channel to that module as accepted: TLS and PROXY
     * headers on it are the MariaDB protocol's features, so asking for them there is refused rather than ignored.
     */
    private static void moduleProtocolRules(Params p, String protocol) throws ConfigException {
        for (String tls : List.of("ssl", "ssl_verify_peer_certificate")) {
            if (p.bool(tls)) {
                throw ConfigException.badValue(p.section(), tls, p.text(tls), "false with protocol=" + protocol
                        + "; TLS for clients is part of the MariaDB protocol");
            }
        }
        if (p.string("proxy_protocol_networks") != null) {
            throw ConfigException.badValue(p.section(), "proxy_protocol_networks", p.string("proxy_protocol_networks"),
                    "unset with protocol=" + protocol + "; PROXY headers are read by the MariaDB protocol only");
        }
    }

    /** TLS settings that cannot work (a listener without a key, an unreadable file) are refused at load. */
    private static void tlsRules(Params p, boolean listener) throws ConfigException {
        try {
            io.gatehouse.core.tls.TlsSettings.of(p, listener);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** A server's own monitor account needs both halves: a lone monitorpw or monitoruser would be ignored. */
    private static void monitorAccountRules(Params p) throws ConfigException {
        boolean user = p.string("monitoruser") != null;
        boolean pw = p.string("monitorpw") != null;
        if (pw && !user) {
            throw new ConfigException("[" + p.section() + "] monitorpw: '*****' (expected: together with monitoruser,"
                    + " whose password it is)");
        }
        if (user && !pw) {
            throw ConfigException.badValue(p.section(), "monitoruser", p.string("monitoruser"),
                    "together with monitorpw, its password");
        }
    }

    /** disk_space_threshold: path:percent pairs (the monitors parse it again, so it must parse here). */
    private static void diskThresholdRule(Params p) throws ConfigException {
        String v = p.has("disk_space_threshold") ? p.string("disk_space_threshold") : null;
        if (v == null || v.isBlank()) {
            return;
        }
        for (String part : v.split(",")) {
            String t = part.trim();
            int colon = t.lastIndexOf(':');
            boolean ok = colon > 0 && (t.startsWith("/") || t.startsWith("*"));
            if (ok) {
                try {
                    int pct = Integer.parseInt(t.substring(colon + 1).trim());
                    ok = pct >= 0 && pct <= 100;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                throw ConfigException.badValue(p.section(), "disk_space_threshold", v,
                        "path:percent pairs separated by commas, an absolute path or *, 0 to 100 percent");
            }
        }
    }

    /** A user_accounts_file must read cleanly at start, and file_only_always needs one. */
    private static void accountsFileRules(Params p) throws ConfigException {
        boolean fileOnly = "file_only_always".equals(p.string("user_accounts_file_usage"));
        if (!p.has("user_accounts_file")) {
            if (fileOnly) {
                throw ConfigException.badValue(p.section(), "user_accounts_file_usage", "file_only_always",
                        "add_when_load_ok unless user_accounts_file names a file");
            }
            return;
        }
        try {
            io.gatehouse.core.users.UserAccountsFile.read(Path.of(p.string("user_accounts_file")));
        } catch (java.io.IOException e) {
            throw new ConfigException("[" + p.section() + "] " + e.getMessage());
        }
    }

    private static void moduleRules(io.gatehouse.api.Module m, Params p) throws ConfigException {
        try {
            m.validate(p);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static List<ParamSpec> merge(List<ParamSpec> core, List<ParamSpec> module) {
        Map<String, ParamSpec> all = new LinkedHashMap<>();
        core.forEach(p -> all.put(p.name(), p));
        module.forEach(p -> all.put(p.name(), p));
        return List.copyOf(all.values());
    }

    private static String require(IniSection s, String key) throws ConfigException {
        String v = s.get(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException("[" + s.name() + "] " + key + ": missing (expected: a value)");
        }
        return v;
    }

    /** Decrypts encrypted passwords of the configuration being built (the key file of its datadir). */
    private ConfigPasswords passwords = ConfigPasswords.NONE;

    /**
     * Checks every parameter of the section against the specs and fills in defaults. {@code scopes} are the section
     * kind and module whose deprecated aliases and refused MaxScale parameters apply (see {@link DeprecatedAliases},
     * {@link RefusedParams}).
     */
    Params validate(IniSection s, List<ParamSpec> specs, String what, String... scopes) throws ConfigException {
        Map<String, ParamSpec> byName = new HashMap<>();
        specs.forEach(p -> byName.put(p.name(), p));
        Map<String, Object> values = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        for (Map.Entry<String, String> e : s.params().entrySet()) {
            ParamSpec spec = byName.get(e.getKey());
            if (spec == null) {
                spec = DeprecatedAliases.resolve(s, e.getKey(), byName, scopes);
            }
            if (spec == null) {
                for (String scope : scopes) {
                    String reason = RefusedParams.reason(scope, e.getKey());
                    if (reason != null) {
                        String shown = ConfigPasswords.looksSecret(e.getKey()) ? "*****" : e.getValue();
                        throw new ConfigException("[" + s.name() + "] " + e.getKey() + ": '" + shown
                                + "' (expected: not set; Gatehouse does not support this MaxScale parameter: "
                                + reason + ")");
                    }
                }
            }
            if (spec == null) {
                // A misspelt password parameter must not put the password in the message.
                String shown = ConfigPasswords.looksSecret(e.getKey()) ? "*****" : e.getValue();
                throw new ConfigException("[" + s.name() + "] " + e.getKey() + ": '" + shown
                        + "' (expected: a parameter of " + what + "; unknown parameter)");
            }
            if (spec.type() == ParamType.PASSWORD) {
                values.put(spec.name(), passwords.plain(s.name(), spec.name(), e.getValue()));
                texts.put(spec.name(), "*****");
                continue;
            }
            try {
                values.put(spec.name(), ValueParser.parse(spec, e.getValue()));
                texts.put(spec.name(), e.getValue());
                SingleValueParams.check(s.name(), spec, e.getValue(), values.get(spec.name()), scopes);
                DeprecatedAliases.warnIfUnitless(s.name(), spec, e.getValue());
            } catch (IllegalArgumentException | ArithmeticException ex) {
                // The name as written: an old alias is reported under the name the user will look for.
                throw ConfigException.badValue(s.name(), e.getKey(), e.getValue(), spec.rule());
            }
        }
        for (ParamSpec spec : specs) {
            if (values.containsKey(spec.name())) {
                continue;
            }
            if (spec.mandatory()) {
                throw new ConfigException("[" + s.name() + "] " + spec.name() + ": missing (expected: " + spec.rule() + ")");
            }
            if (spec.defaultValue() != null) {
                values.put(spec.name(), ValueParser.parse(spec, spec.defaultValue()));
                texts.put(spec.name(), spec.defaultValue());
            }
        }
        return new Params(s.name(), values, texts);
    }

    private static void checkReferences(List<GatehouseConfig.ObjectConfig> servers, List<GatehouseConfig.ObjectConfig> monitors,
                                        List<GatehouseConfig.ObjectConfig> services, List<GatehouseConfig.ObjectConfig> listeners)
            throws ConfigException {
        var serverNames = servers.stream().map(GatehouseConfig.ObjectConfig::name).toList();
        for (var m : monitors) {
            for (String t : m.targets()) {
                if (!serverNames.contains(t)) {
                    throw ConfigException.badValue(m.name(), "servers", m.params().text("servers"), "names of server sections; '" + t + "' is not one");
                }
            }
        }
        var serviceNames = services.stream().map(GatehouseConfig.ObjectConfig::name).toList();
        for (var l : listeners) {
            if (!serviceNames.contains(l.targets().get(0))) {
                throw ConfigException.badValue(l.name(), "service", l.targets().get(0), "the name of a service section");
            }
        }
    }

    private static List<GatehouseConfig.ObjectConfig> resolveTargets(List<GatehouseConfig.ObjectConfig> services,
                                                                     List<GatehouseConfig.ObjectConfig> servers,
                                                                     List<GatehouseConfig.ObjectConfig> monitors) throws ConfigException {
        var serverNames = servers.stream().map(GatehouseConfig.ObjectConfig::name).toList();
        // What each service lists itself first, so that a service may name a service defined after it.
        java.util.Map<String, List<String>> direct = new java.util.HashMap<>();
        for (var s : services) {
            Params p = s.params();
            int given = (p.has("servers") ? 1 : 0) + (p.has("targets") ? 1 : 0) + (p.has("cluster") ? 1 : 0);
            if (given > 1) {
                throw new ConfigException("[" + s.name() + "] cluster: '" + p.text("cluster")
                        + "' (expected: only one of servers, targets and cluster)");
            }
            if (p.has("cluster")) {
                var mon = monitors.stream().filter(m -> m.name().equals(p.string("cluster"))).findFirst().orElse(null);
                if (mon == null) {
                    throw ConfigException.badValue(s.name(), "cluster", p.string("cluster"), "the name of a monitor section");
                }
                direct.put(s.name(), mon.targets());
            } else {
                direct.put(s.name(), p.list(p.has("servers") ? "servers" : "targets"));
            }
        }
        List<GatehouseConfig.ObjectConfig> out = new ArrayList<>();
        for (var s : services) {
            Params p = s.params();
            String key = p.has("cluster") ? "cluster" : p.has("servers") ? "servers" : "targets";
            // The servers reached, through the services named too: they give the service its user accounts and
            // version; the router sees the services themselves (Service.routingTargets).
            List<String> targets = ServiceTargets.servers(s.name(), direct, serverNames, key, p);
            out.add(new GatehouseConfig.ObjectConfig(s.name(), s.module(), p, targets));
        }
        return out;
    }
}
