package io.gatehouse.core.config;

import io.gatehouse.api.config.Params;
import java.nio.file.Path;
import java.util.List;

/**
 * A whole validated configuration: the global section and every object, in file order. Immutable; a runtime change
 * produces a new one.
 */
public record GatehouseConfig(Path source, Params global, List<ObjectConfig> servers, List<ObjectConfig> monitors,
                              List<ObjectConfig> services, List<ObjectConfig> listeners, List<ObjectConfig> filters) {
    /** One object section: its name, its module (router, monitor, filter or listener protocol; empty for a server), its parameters. */
    public record ObjectConfig(String name, String module, Params params, List<String> targets) {
        public ObjectConfig {
            targets = List.copyOf(targets);
        }
    }

    public ObjectConfig server(String name) {
        return servers.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    public ObjectConfig service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    public ObjectConfig monitor(String name) {
        return monitors.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }
}
