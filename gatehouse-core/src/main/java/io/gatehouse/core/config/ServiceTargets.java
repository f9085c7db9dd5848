package io.gatehouse.core.config;

import io.gatehouse.api.config.Params;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Resolves what a service routes to when its {@code targets} name other services (MaxScale lets a schemarouter sit
 * over readwritesplit services of several clusters): the servers reached through every service named, recursively,
 * in order without repeats, and a refusal at start of a service that reaches itself. Runs on the thread that loads
 * the configuration; holds no buffers.
 */
final class ServiceTargets {
    private ServiceTargets() {
    }

    /**
     * The servers {@code service} reaches: its {@code targets} (or {@code servers}) taken in order, a server as
     * itself, a service as the servers it reaches.
     *
     * @param direct the names each service lists, by service name
     */
    static List<String> servers(String service, Map<String, List<String>> direct,
                                List<String> serverNames, String key, Params p) throws ConfigException {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        walk(service, direct, serverNames, key, p, new ArrayList<>(List.of(service)), out);
        return new ArrayList<>(out);
    }

    private static void walk(String service, Map<String, List<String>> direct,
                             List<String> serverNames, String key, Params p, List<String> path,
                             LinkedHashSet<String> out) throws ConfigException {
        for (String t : direct.get(service)) {
            if (serverNames.contains(t)) {
                out.add(t);
                continue;
            }
            if (!"targets".equals(key) || !direct.containsKey(t)) {
                throw ConfigException.badValue(path.get(0), key, p.text(key), "targets".equals(key)
                        ? "names of server or service sections; '" + t + "' is neither"
                        : "names of server sections; '" + t + "' is not one");
            }
            if (path.contains(t)) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(t), path.size()));
                cycle.add(t);
                throw ConfigException.badValue(path.get(0), key, p.text(key),
                        "services that do not lead back to themselves; " + String.join(" -> ", cycle));
            }
            path.add(t);
            walk(t, direct, serverNames, key, p, path, out);
            path.remove(path.size() - 1);
        }
    }
}
