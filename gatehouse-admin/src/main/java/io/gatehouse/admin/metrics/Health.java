package io.gatehouse.admin.metrics;

import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.http.ApiResponse;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.listener.Listener;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.server.Server;
import java.util.List;

/**
 * Health endpoints for external load balancers, answering 200 or 503 with a one-line reason:
 * {@code /health/live} (the process answers), {@code /health/ready} (every listener accepts and every service has
 * a server that takes new sessions), {@code /health/primary/:server} and {@code /health/replica/:server} (that
 * server is a running, usable primary or replica according to its monitor). Runs on the admin thread.
 */
public final class Health {
    private static final String TEXT = "text/plain; charset=utf-8";
    private final Runtime rt;

    public Health(Runtime rt) {
        this.rt = rt;
    }

    public ApiResponse check(List<String> path) {
        String what = path.size() > 1 ? path.get(1) : "";
        return switch (what) {
            case "live" -> ApiResponse.text(200, "live\n", TEXT);
            case "ready" -> ready();
            case "primary" -> role(path, ServerStatus.MASTER, "primary");
            case "replica" -> role(path, ServerStatus.SLAVE, "replica");
            default -> throw ApiException.notFound("resource '" + String.join("/", path) + "'");
        };
    }

    private ApiResponse ready() {
        for (Listener l : rt.listeners().values()) {
            if (rt.isServiceStarted(l.service().name()) && !l.isRunning()) {
                return ApiResponse.text(503, "listener " + l.name() + " is not accepting\n", TEXT);
            }
        }
        for (var s : rt.services().values()) {
            if (s.targets().stream().noneMatch(t -> ServerStatus.acceptsNewSessions(t.status()))) {
                return ApiResponse.text(503, "service " + s.name() + " has no usable server\n", TEXT);
            }
        }
        return ApiResponse.text(200, "ready\n", TEXT);
    }

    private ApiResponse role(List<String> path, int bit, String word) {
        if (path.size() != 3) {
            throw ApiException.notFound("resource '" + String.join("/", path) + "'");
        }
        Server s = rt.servers().get(path.get(2));
        if (s == null) {
            throw ApiException.notFound("server '" + path.get(2) + "'");
        }
        int st = s.status();
        boolean ok = ServerStatus.acceptsNewSessions(st) && ServerStatus.has(st, bit);
        String state = ServerStatus.describe(st);
        return ApiResponse.text(ok ? 200 : 503, s.name() + (ok ? " is a " : " is not a usable ") + word + ": " + state + "\n",
                TEXT);
    }
}
