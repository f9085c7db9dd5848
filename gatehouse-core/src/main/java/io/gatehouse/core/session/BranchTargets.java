package io.gatehouse.core.session;

import io.gatehouse.core.server.Server;
import io.gatehouse.core.service.Service;
import java.util.Map;

/**
 * The servers and services a filter's branch (tee) may go to, by name: an immutable snapshot the runtime publishes
 * on the admin thread whenever it creates or destroys one, read by workers when a session opens a branch. Holds no
 * buffers.
 */
public final class BranchTargets {
    private record Snapshot(Map<String, Server> servers, Map<String, Service> services) {
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /** Publishes copies of the runtime's maps; admin or main thread. */
    public void publish(Map<String, Server> servers, Map<String, Service> services) {
        snapshot = new Snapshot(Map.copyOf(servers), Map.copyOf(services));
    }

    /** The server of that name, or null; any thread. */
    public Server server(String name) {
        return snapshot.servers().get(name);
    }

    /** The service of that name, or null; any thread. */
    public Service service(String name) {
        return snapshot.services().get(name);
    }
}
