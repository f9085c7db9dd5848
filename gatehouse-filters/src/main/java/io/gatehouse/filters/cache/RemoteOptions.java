package io.gatehouse.filters.cache;

import io.gatehouse.api.config.ValueParser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code storage_options} of a remote storage, read once when the filter is made: {@code server=host[:port]}
 * (required) for both; {@code username} and {@code password} for Redis (AUTH; Redis 6 ACL users with a user name);
 * {@code max_value_size} for memcached (default 1Mi, memcached's own item limit). Immutable; holds no buffers.
 *
 * @param maxValueSize the largest entry stored, 0 for no limit
 */
record RemoteOptions(RemoteProtocol protocol, String host, int port, String username, String password,
                     long maxValueSize) {
    private static final Set<String> REDIS = Set.of("server", "username", "password");
    private static final Set<String> MEMCACHED = Set.of("server", "max_value_size");

    /**
     * Reads {@code text} (comma-separated {@code name=value}) for {@code storage}; throws
     * {@link IllegalArgumentException} naming the section, the option, its value and the rule.
     */
    static RemoteOptions parse(String section, String storage, String text) {
        boolean redis = storage.equals("storage_redis");
        RemoteProtocol protocol = redis ? RedisProtocol.INSTANCE : MemcachedProtocol.INSTANCE;
        Set<String> allowed = redis ? REDIS : MEMCACHED;
        Map<String, String> options = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = (eq < 0 ? part : part.substring(0, eq)).trim();
            String value = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(section + "storage_options: '" + name + "' (expected: one of "
                        + String.join(", ", allowed.stream().sorted().toList()) + " for " + storage + ")");
            }
            options.put(name, value);
        }
        String server = options.get("server");
        if (server == null || server.isEmpty()) {
            throw new IllegalArgumentException(section + "storage_options: '" + text + "' (expected: server=host[:port],"
                    + " which " + storage + " requires)");
        }
        String host = server;
        int port = protocol.defaultPort();
        int colon = server.lastIndexOf(':');
        if (colon > 0 && server.indexOf(':') == colon) {
            host = server.substring(0, colon);
            try {
                port = Integer.parseInt(server.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(section + "storage_options: server='" + server
                        + "' (expected: host[:port] with a port from 1 to 65535)");
            }
        }
        long maxValue = 0;
        if (!redis) {
            String size = options.getOrDefault("max_value_size", "1Mi");
            try {
                maxValue = ValueParser.parseSize(size);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(section + "storage_options: max_value_size='" + size
                        + "' (expected: a size such as 1Mi or 512Ki)");
            }
        }
        String password = options.get("password");
        String username = options.get("username");
        if (username != null && password == null) {
            throw new IllegalArgumentException(section + "storage_options: username='" + username
                    + "' (expected: a password with it)");
        }
        return new RemoteOptions(protocol, host, port, username, password, maxValue);
    }
}
