package io.gatehouse.core.config;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.ValueParser;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MaxScale's deprecated spellings that Gatehouse still reads as MaxScale 24.02 does: old parameter names that mean
 * a current one, and durations written without a unit. Each use is accepted and logged as a warning, so an old
 * {@code maxscale.cnf} keeps working and its owner learns what to change. Stateless; runs on the configuration
 * thread.
 */
final class DeprecatedAliases {
    private static final Logger LOG = LoggerFactory.getLogger(DeprecatedAliases.class);

    /** Old name to current name, by scope (section kind or module name). */
    private static final Map<String, Map<String, String>> ALIASES = Map.of(
            "global", Map.of("admin_ssl_ca_cert", "admin_ssl_ca"),
            "readwritesplit", Map.of("max_slave_replication_lag", "max_replication_lag"));

    private DeprecatedAliases() {
    }

    /**
     * The spec an old parameter name stands for in this section, or null when {@code name} is no alias there.
     * Throws when the section also sets the current name, since one of the two values would be dropped.
     */
    static ParamSpec resolve(IniSection s, String name, Map<String, ParamSpec> byName, String... scopes)
            throws ConfigException {
        for (String scope : scopes) {
            String current = ALIASES.getOrDefault(scope, Map.of()).get(name);
            if (current == null || !byName.containsKey(current)) {
                continue;
            }
            if (s.get(current) != null) {
                throw ConfigException.badValue(s.name(), name, s.get(name), "not set together with " + current
                        + ", its current name");
            }
            LOG.warn("[{}] {} is deprecated; it is read as {}", s.name(), name, current);
            return byName.get(current);
        }
        return null;
    }

    /** Logs MaxScale's deprecation warning for a duration without a unit, saying which unit it was read in. */
    static void warnIfUnitless(String section, ParamSpec spec, String text) {
        if ((spec.type() == ParamType.DURATION || spec.type() == ParamType.DURATION_MS) && ValueParser.lacksUnit(text)
                && ValueParser.parseInteger(text) != 0) {
            LOG.warn("[{}] {}: '{}' has no unit and is read as {}; durations without a unit are deprecated", section,
                    spec.name(), text, spec.type() == ParamType.DURATION_MS ? "milliseconds" : "seconds");
        }
    }
}
