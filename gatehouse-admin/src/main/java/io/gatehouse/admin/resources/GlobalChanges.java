package io.gatehouse.admin.resources;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.api.config.Params;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.runtime.RuntimeChanges;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * {@code PATCH /v1/maxscale}: changes the global log settings at runtime ({@code log_info}, {@code log_debug},
 * {@code log_warning}, {@code log_notice}, {@code admin_log_auth_failures}, read at each failed admin login, and
 * {@code admin_audit}, {@code admin_audit_file} and {@code admin_audit_exclude_methods}, read at each request, and
 * {@code passive}, read by the monitors at each pass, {@code threads}, the workers that get new clients, and the
 * rebalancing settings, read by the balancer at each tick, and {@code auth_connect_timeout}, {@code auth_read_timeout}
 * and {@code auth_write_timeout}, given to every service's user-account store for its next load),
 * applied to Logback at once with the daemon's level mapping and
 * persisted; other global parameters are refused naming the parameter, as they are only read at start. Runs on
 * the admin thread.
 */
public final class GlobalChanges {
    private static final Set<String> APPLICABLE = Set.of("log_info", "log_debug", "log_warning", "log_notice",
            "admin_log_auth_failures", "admin_audit", "admin_audit_file", "admin_audit_exclude_methods", "passive",
            "threads", "rebalance_period", "rebalance_threshold", "rebalance_window", "auth_connect_timeout",
            "auth_read_timeout", "auth_write_timeout");
    private final Runtime rt;

    public GlobalChanges(Runtime rt) {
        this.rt = rt;
    }

    public void alter(JsonNode body) throws Exception {
        Params g;
        try {
            g = RuntimeChanges.of(rt).alterGlobal(Alterations.parameters(body), APPLICABLE);
        } catch (ConfigException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        rt.passive(g.bool("passive"));
        for (var svc : rt.services().values()) {
            svc.users().timeouts(g.duration("auth_connect_timeout"), g.duration("auth_read_timeout"),
                    g.duration("auth_write_timeout"));
        }
        if (rt.workers() != null) {
            rt.workers().activate(Runtime.threads(g));
            rt.balancer().settings(g);
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            // The same mapping the daemon uses at start: MaxScale's notices are always on.
            ctx.getLogger("io.gatehouse").setLevel(g.bool("log_debug") ? Level.TRACE : g.bool("log_info") ? Level.DEBUG
                    : g.bool("log_warning") && g.bool("log_notice") ? Level.INFO : g.bool("log_warning") ? Level.WARN
                    : Level.ERROR);
        }
    }
}
