package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.http.ApiResponse;
import io.gatehouse.admin.json.Json;
import io.gatehouse.api.monitor.Monitor;
import java.util.List;

/**
 * Module commands, {@code POST /maxscale/modules/:module/:command?arg1&arg2...}: the first argument names the
 * monitor that runs the command, the rest are handed to it ({@code switchover}, {@code failover}, {@code rejoin}
 * of mariadbmon). The checks run on the admin thread; the call, which waits while the monitor's thread carries the
 * command out, is answered later on the admin command executor.
 */
public final class Commands {
    private final AdminContext ctx;

    public Commands(AdminContext ctx) {
        this.ctx = ctx;
    }

    public ApiResponse call(String module, String command, List<String> args) {
        if (args.isEmpty()) {
            throw ApiException.badRequest("module command '" + module + " " + command
                    + "': missing argument (expected: the name of a monitor first)");
        }
        String monitorName = args.get(0);
        Monitor m = ctx.runtime().monitors().get(monitorName);
        if (m == null || !module.equalsIgnoreCase(ctx.runtime().monitorModule(monitorName))) {
            if (ctx.runtime().modules().all().stream().noneMatch(x -> x.descriptor().name().equalsIgnoreCase(module))) {
                throw ApiException.notFound("module '" + module + "'");
            }
            throw ApiException.badRequest("'" + monitorName + "' is not a monitor using module " + module);
        }
        if (!m.commands().contains(command)) {
            throw ApiException.notFound("command '" + command + "' of module " + module);
        }
        List<String> rest = List.copyOf(args.subList(1, args.size()));
        return ApiResponse.later(() -> {
            Object out;
            try {
                out = m.call(command, rest);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            if (out == null) {
                return ApiResponse.noContent();
            }
            ObjectNode doc = Json.object();
            Json.putValue(doc, "meta", out);
            return ApiResponse.ok(doc);
        });
    }
}
