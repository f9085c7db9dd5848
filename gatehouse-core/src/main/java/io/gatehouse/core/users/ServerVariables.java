package io.gatehouse.core.users;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The global system variables of one of a service's servers, which a listener's {@code connection_metadata} sends
 * for its {@code auto} values: read with the service's credentials from the first Master target, else the first
 * Slave, else the first Running one, as MaxScale does. Stateless; called on the service's user-account loader
 * thread (it blocks on the network); the map it returns is immutable.
 */
public final class ServerVariables {
    private ServerVariables() {
    }

    /** The server the variables are read from, or null when no target is running. */
    static Server source(List<Server> targets) {
        for (int want : new int[] {ServerStatus.MASTER, ServerStatus.SLAVE, ServerStatus.RUNNING}) {
            for (Server s : targets) {
                boolean running = ServerStatus.has(s.status(), ServerStatus.RUNNING) || !s.isMonitored();
                if (running && (want == ServerStatus.RUNNING || ServerStatus.has(s.status(), want))) {
                    return s;
                }
            }
        }
        return null;
    }

    /** All of {@code server}'s global variables, by lower-case name. */
    static Map<String, String> load(Server server, String user, String password, Duration connectTimeout,
                                    Duration readTimeout, Duration writeTimeout) throws Exception {
        ClientOptions opts = UserAccountLoader.options(server, user, password).withConnectTimeout(connectTimeout)
                .withReadTimeout(readTimeout).withWriteTimeout(writeTimeout);
        Map<String, String> m = new HashMap<>();
        try (BlockingClient c = ClientOptions.connectPreferring(opts, server.extraPort())) {
            for (List<String> row : c.query("SHOW GLOBAL VARIABLES").rows()) {
                if (row.size() >= 2 && row.get(0) != null) {
                    m.put(row.get(0).toLowerCase(java.util.Locale.ROOT), row.get(1) == null ? "" : row.get(1));
                }
            }
        }
        return Map.copyOf(m);
    }
}
