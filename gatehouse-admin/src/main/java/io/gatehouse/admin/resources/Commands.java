package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.admin.http.ApiResponse;
import io.gatehouse.admin.json.Json;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.core.config.GatehouseConfig.ObjectConfig;
import java.util.List;

/**
 * Module commands, {@code POST /maxscale/modules/:module/:command?arg1&arg2...}: the first argument names the
 * monitor, filter or service (for a router's command) that runs the command, the rest are handed to it
 * ({@code switchover}, {@code failover}, {@code rejoin}, their {@code async-} forms and {@code fetch-cmd-result} of
 * mariadbmon; {@code reload} of masking; {@code reset-gtid} of readwritesplit). The checks run on the admin thread; the call, which waits while the monitor's thread carries the
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
                    + "': missing argument (expected: the name of a monitor or filter first)");
        }
        String monitorName = args.get(0);
        io.gatehouse.core.service.Service service = ctx.runtime().services().get(monitorName);
        if (service != null && module.equalsIgnoreCase(service.routerName()) && service.router() != null) {
            return callRouter(module, command, service, List.copyOf(args.subList(1, args.size())));
        }
        Monitor m = ctx.runtime().monitors().get(monitorName);
        io.gatehouse.api.filter.Filter filter = ctx.runtime().filters().get(monitorName);
        if (m == null && filter != null && module.equalsIgnoreCase(filterModule(monitorName))) {
            return callFilter(filter, module, command, List.copyOf(args.subList(1, args.size())));
        }
        if (m == null || !module.equalsIgnoreCase(ctx.runtime().monitorModule(monitorName))) {
            if (ctx.runtime().modules().all().stream().noneMatch(x -> x.descriptor().name().equalsIgnoreCase(module))) {
                throw ApiException.notFound("module '" + module + "'");
            }
            throw ApiException.badRequest("'" + monitorName + "' is not a monitor, filter or service using module "
                    + module);
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

    /** The module of the filter section {@code name} as configured now, or null. */
    private String filterModule(String name) {
        List<ObjectConfig> filters;
        try {
            filters = io.gatehouse.core.runtime.RuntimeChanges.of(ctx.runtime()).current().filters();
        } catch (io.gatehouse.core.config.ConfigException e) {
            filters = ctx.runtime().config().filters();
        }
        return filters.stream().filter(f -> f.name().equals(name)).map(ObjectConfig::module)
                .findFirst().orElse(null);
    }

    /** A filter's command (masking's reload), run on the admin command executor like a monitor's. */
    private static ApiResponse callFilter(io.gatehouse.api.filter.Filter filter, String module, String command,
                                          List<String> rest) {
        if (!filter.commands().contains(command)) {
            throw ApiException.notFound("command '" + command + "' of module " + module);
        }
        return ApiResponse.later(() -> {
            Object out;
            try {
                out = filter.call(command, rest);
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
