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
 * monitor (or the service, for a router's command) that runs the command, the rest are handed to it
 * ({@code switchover}, {@code failover}, {@code rejoin} of mariadbmon, {@code reset-gtid} of readwritesplit). The checks run on the admin thread; the call, which waits while the monitor's thread carries the
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
        io.gatehouse.core.service.Service service = ctx.runtime().services().get(monitorName);
        if (service != null && module.equalsIgnoreCase(service.routerName()) && service.router() != null) {
            return callRouter(module, command, service, List.copyOf(args.subList(1, args.size())));
        }
        Monitor m = ctx.runtime().monitors().get(monitorName);
        if (m == null || !module.equalsIgnoreCase(ctx.runtime().monitorModule(monitorName))) {
            if (ctx.runtime().modules().all().stream().noneMatch(x -> x.descriptor().name().equalsIgnoreCase(module))) {
                throw ApiException.notFound("module '" + module + "'");
            }
            throw ApiException.badRequest("'" + monitorName + "' is not a monitor or service using module " + module);
        }
        if (!m.commands().contains(command)) {
            throw ApiException.notFound("command '" + command + "' of module " + module);
        }
        List<String> rest = List.copyOf(args.subList(1, args.size()));
        return ApiResponse.later(() -> answer(() -> m.call(command, rest)));
    }

    /** A router's command (readwritesplit's {@code reset-gtid}), the first argument naming its service. */
    private ApiResponse callRouter(String module, String command, io.gatehouse.core.service.Service service,
                                   List<String> rest) {
        io.gatehouse.api.router.Router r = service.router();
        if (!r.commands().contains(command)) {
            throw ApiException.notFound("command '" + command + "' of module " + module);
        }
        return ApiResponse.later(() -> answer(() -> r.call(command, rest)));
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static ApiResponse answer(Call call) throws Exception {
        Object out;
        try {
            out = call.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (out == null) {
            return ApiResponse.noContent();
        }
        ObjectNode doc = Json.object();
        Json.putValue(doc, "meta", out);
        return ApiResponse.ok(doc);
    }
}
