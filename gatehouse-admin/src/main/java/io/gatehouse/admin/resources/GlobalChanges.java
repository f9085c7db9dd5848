package io.gatehouse.admin.resources;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.admin.http.ApiException;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.Params;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.runtime.Runtime;
import io.gatehouse.core.runtime.RuntimeChanges;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * {@code PATCH /v1/maxscale}: changes global parameters at runtime. Every parameter the core marks as changeable at
 * runtime is accepted (validated with the whole configuration, then persisted) and takes effect from its next use:
 * the running proxy through {@link Runtime#global(Params)}, the log levels here at once with the daemon's level
 * mapping (the daemon's listener also applies the rest of the log settings). Parameters that need a restart are
 * refused naming the parameter. Runs on the admin thread.
 */
public final class GlobalChanges {
    private static final Set<String> APPLICABLE = CoreParams.GLOBAL.stream().filter(ParamSpec::runtime)
            .map(ParamSpec::name).collect(Collectors.toUnmodifiableSet());
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
        rt.global(g);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            // The same mapping the daemon uses at start: MaxScale's notices are always on.
            ctx.getLogger("io.gatehouse").setLevel(g.bool("log_debug") ? Level.TRACE : g.bool("log_info") ? Level.DEBUG
                    : g.bool("log_warning") && g.bool("log_notice") ? Level.INFO : g.bool("log_warning") ? Level.WARN
                    : Level.ERROR);
        }
    }
}
