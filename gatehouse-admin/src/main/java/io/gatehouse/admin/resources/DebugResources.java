package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.http.ApiResponse;
import io.gatehouse.admin.json.Json;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.core.server.Server;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.users.UserAccountLoader;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.QueryResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * MaxScale's debug routes under {@code /v1/maxscale/debug}, which its own tests and support scripts call:
 * {@code monitor_wait} (returns once every running monitor finished a pass begun after the request),
 * {@code server_diagnostics} (variables, status, InnoDB status and process list of every monitored server, read
 * with its monitor's account), {@code stacktrace} (every JVM thread's stack, outermost frame first, as MaxScale's
 * profile samples are), {@code termination_in_process}, and {@code PUT threads/:id/listen|unlisten} (whether one
 * worker gets new clients). Built on the admin thread; the routes that wait on the network or on monitors are
 * answered {@code later}, off it. Holds no buffers.
 */
public final class DebugResources {
    /** MaxScale's limit for {@code monitor_wait}. */
    private static final Duration MONITOR_WAIT = Duration.ofSeconds(10);
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(10);

    private final Runtime rt;

    public DebugResources(Runtime rt) {
        this.rt = rt;
    }

    /** {@code GET /maxscale/debug/<what>}. */
    public ApiResponse get(JsonApi api, String what) {
        return switch (what) {
            case "monitor_wait" -> ApiResponse.later(this::monitorWait);
            case "server_diagnostics" -> ApiResponse.later(() -> ApiResponse.ok(serverDiagnostics(api)));
            case "stacktrace" -> ApiResponse.ok(stacktrace(api));
            case "termination_in_process" -> {
                // The admin API is the first part Gatehouse stops, so while it answers no shutdown is under way.
                ObjectNode body = Json.object();
                body.put("termination_in_process", false);
                yield ApiResponse.ok(body);
            }
            default -> throw ApiException.notFound("resource 'maxscale/debug/" + what + "'");
        };
    }

    /** {@code PUT /maxscale/debug/threads/:id/listen} ({@code on}) or {@code unlisten}. */
    public ApiResponse listen(String thread, boolean on) {
        int i = MaxScaleInfo.threadIndex(rt, thread);
        try {
            rt.workers().listen(i, on);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return ApiResponse.noContent();
    }

    private ApiResponse monitorWait() throws Exception {
        List<Map.Entry<String, CompletableFuture<Void>>> passes = new ArrayList<>();
        for (Map.Entry<String, Monitor> e : rt.monitors().entrySet()) {
            Monitor m = e.getValue();
            if (m.isRunning()) {
                passes.add(Map.entry(e.getKey(), CompletableFuture.runAsync(() -> {
                    try {
                        m.tickNow();
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted");
                    }
                })));
            }
        }
        long deadline = System.nanoTime() + MONITOR_WAIT.toNanos();
        for (Map.Entry<String, CompletableFuture<Void>> p : passes) {
            try {
                p.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw ApiException.badRequest("monitor_wait timed out: monitor " + p.getKey()
                        + " did not finish a pass within " + MONITOR_WAIT.toSeconds() + " seconds");
            } catch (ExecutionException e) {
                throw ApiException.badRequest("monitor_wait: monitor " + p.getKey() + " failed its pass: "
                        + e.getCause().getMessage());
            }
        }
        return ApiResponse.ok(Json.object());
    }

    /** Each monitored server once, with the account of the first monitor that has it. */
    private ObjectNode serverDiagnostics(JsonApi api) {
        Map<String, Params> accountOf = new LinkedHashMap<>();
        for (String monitor : rt.monitors().keySet()) {
            Params p = rt.monitorParams(monitor);
            for (String server : p.list("servers")) {
                accountOf.putIfAbsent(server, p);
            }
        }
        ObjectNode doc = api.resource("server_diagnostics", "server_diagnostics", null);
        ObjectNode attrs = (ObjectNode) doc.get("attributes");
        for (Map.Entry<String, Params> e : accountOf.entrySet()) {
            Server s = rt.servers().get(e.getKey());
            if (s == null) {
                continue;
            }
            attrs.set(s.name(), diagnose(s, e.getValue().string("user"), e.getValue().string("password")));
        }
        return api.document(doc, "maxscale/debug/server_diagnostics");
    }

    private static ObjectNode diagnose(Server s, String user, String password) {
        ObjectNode out = Json.object();
        try (BlockingClient c = BlockingClient.connect(UserAccountLoader.options(s, user, password == null ? ""
                : password).withConnectTimeout(SERVER_TIMEOUT).withReadTimeout(SERVER_TIMEOUT)
                .withWriteTimeout(SERVER_TIMEOUT))) {
            out.set("global_variables", pairs(c, "SHOW GLOBAL VARIABLES", 0, 1));
            out.set("global_status", pairs(c, "SHOW GLOBAL STATUS", 0, 1));
            out.set("engine_status", pairs(c, "SHOW ENGINE INNODB STATUS", 0, 2));
            out.set("processlist", rows(c, "SHOW PROCESSLIST"));
        } catch (Exception e) {
            out.removeAll();
            out.put("error", e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return out;
    }

    /** One query's rows as {column name: column value}; an error (missing privilege, say) as {"error": text}. */
    private static ObjectNode pairs(BlockingClient c, String sql, int name, int value) {
        ObjectNode o = Json.object();
        try {
            for (List<String> row : c.query(sql).rows()) {
                o.put(row.get(name), row.get(value));
            }
        } catch (Exception e) {
            o.removeAll();
            o.put("error", e.getMessage());
        }
        return o;
    }

    private static com.fasterxml.jackson.databind.JsonNode rows(BlockingClient c, String sql) {
        try {
            QueryResult r = c.query(sql);
            ArrayNode a = Json.array();
            for (List<String> row : r.rows()) {
                ObjectNode o = a.addObject();
                for (int i = 0; i < row.size(); i++) {
                    o.put(r.columns().get(i).name(), row.get(i));
                }
            }
            return a;
        } catch (Exception e) {
            ObjectNode o = Json.object();
            o.put("error", e.getMessage());
            return o;
        }
    }

    private static ObjectNode stacktrace(JsonApi api) {
        ObjectNode doc = api.resource("profile", "profile", null);
        ArrayNode profile = ((ObjectNode) doc.get("attributes")).putArray("profile");
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] frames = e.getValue();
            ArrayNode stack = profile.addArray();
            // Outermost frame first, as MaxScale orders its samples for flame graphs; the thread's name last.
            for (int i = frames.length - 1; i >= 0; i--) {
                stack.add(frames[i].toString());
            }
            stack.add("[thread " + e.getKey().getName() + "]");
        }
        return api.document(doc, "maxscale/debug/profile");
    }
}
