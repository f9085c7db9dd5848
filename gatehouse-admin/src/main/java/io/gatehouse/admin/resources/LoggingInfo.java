package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.AdminContext;
import io.gatehouse.admin.json.JsonApi;
import io.gatehouse.api.config.Params;
import java.nio.file.Path;

/**
 * {@code GET /v1/maxscale/logs}: where the log file is, which priorities are logged and the logging parameters (the
 * subset of the global ones MaxScale's logging resource shows, kept because maxctrl's {@code show logging} reads it).
 * Built on the admin API's thread from the configuration; owns no buffers.
 */
public final class LoggingInfo {
    private final AdminContext ctx;

    public LoggingInfo(AdminContext ctx) {
        this.ctx = ctx;
    }

    /** The global parameters the logging resource shows, and so the only ones its PATCH changes. */
    private static final java.util.Set<String> LOGGING = java.util.Set.of("ms_timestamp", "maxlog", "syslog",
            "log_warning", "log_notice", "log_info", "log_debug", "log_throttling");

    /** Refuses a PATCH of the logging resource that names a parameter it does not have. */
    public static void requireLoggingParameters(com.fasterxml.jackson.databind.JsonNode body) {
        var params = body == null ? null : body.path("data").path("attributes").path("parameters");
        if (params == null || !params.isObject() || params.isEmpty()) {
            throw io.gatehouse.admin.http.ApiException.badRequest(
                    "data.attributes.parameters: missing (expected: logging parameters such as log_info)");
        }
        for (var e : params.properties()) {
            if (!LOGGING.contains(e.getKey())) {
                throw io.gatehouse.admin.http.ApiException.badRequest("'" + e.getKey() + "' is not a logging"
                        + " parameter (expected: one of " + new java.util.TreeSet<>(LOGGING) + ")");
            }
        }
    }

    public ObjectNode get(JsonApi api) {
        Params g;
        try {
            // The current configuration, so log levels changed with PATCH /v1/maxscale show at once.
            g = io.gatehouse.core.runtime.RuntimeChanges.of(ctx.runtime()).current().global();
        } catch (io.gatehouse.core.config.ConfigException e) {
            throw io.gatehouse.admin.http.ApiException.badRequest(e.getMessage());
        }
        ObjectNode r = api.resource("logs", "logs", "maxscale/logs");
        ObjectNode a = (ObjectNode) r.get("attributes");
        if (g.bool("maxlog")) {
            a.put("log_file", Path.of(g.string("logdir")).resolve("gatehouse.log").toString());
        } else {
            a.putNull("log_file");
        }
        // Errors (and alerts) are always logged; the other priorities follow their switches.
        ArrayNode prio = a.putArray("log_priorities").add("alert").add("error");
        for (String level : new String[] {"warning", "notice", "info", "debug"}) {
            if (g.bool("log_" + level)) {
                prio.add(level);
            }
        }
        ObjectNode p = a.putObject("parameters");
        for (String name : new String[] {"ms_timestamp", "maxlog", "syslog", "log_warning", "log_notice", "log_info",
                "log_debug"}) {
            p.put(name, g.bool(name));
        }
        p.put("log_throttling", g.string("log_throttling"));
        return api.document(r, "maxscale/logs");
    }
}
