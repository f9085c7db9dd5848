package io.gatehouse.core.config;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ValueParser;
import java.util.Map;
import java.util.Objects;

/**
 * MaxScale parameters Gatehouse accepts with one value only: the one that describes what Gatehouse does (often
 * MaxScale's default). Any other value stops the start with a message naming the parameter, the value it must
 * have and why, so nothing is accepted and then ignored. Keyed by scope (section kind or module name), like
 * {@link RefusedParams}. Constants only.
 */
final class SingleValueParams {
    /** The one value accepted, as written in a configuration file, and why no other can be. */
    record Only(String value, String reason) {
    }

    private static final String PER_SERVICE_LOG = "log levels are global; set them in [maxscale]";

    private static final Map<String, Map<String, Only>> BY_SCOPE = Map.of(
            "global", Map.of(
                    "substitute_variables", new Only("false", "environment variables are not substituted"),
                    "admin_auth", new Only("true", "the admin API always asks for a user and password")),
            "server", Map.of(),
            "service", Map.of(
                    "strip_db_esc", new Only("true", "backslash escapes in grant database names are always read, so"
                            + " escaped names match the databases they name"),
                    "session_track_trx_state", new Only("false", "transaction state is read from the status flags"
                            + " of each reply"),
                    "force_connection_keepalive", new Only("false", "a session whose client is idle past"
                            + " wait_timeout is closed, so its connections need no pings"),
                    "log_debug", new Only("false", PER_SERVICE_LOG),
                    "log_info", new Only("false", PER_SERVICE_LOG),
                    "log_notice", new Only("false", PER_SERVICE_LOG),
                    "log_warning", new Only("false", PER_SERVICE_LOG)),
            "readwritesplit", Map.of(),
            "mariadbmon", Map.of(
                    "assume_unique_hostnames", new Only("true", "replicas are matched to servers by host and port"
                            + " (server_id only when no server has that address)")));

    private SingleValueParams() {
    }

    /**
     * Throws when {@code spec} is single-valued in one of {@code scopes} and {@code parsed} (the value read from
     * {@code text}) is not its value.
     */
    static void check(String section, ParamSpec spec, String text, Object parsed, String... scopes)
            throws ConfigException {
        for (String scope : scopes) {
            Only only = BY_SCOPE.getOrDefault(scope, Map.of()).get(spec.name());
            if (only != null && !Objects.equals(ValueParser.parse(spec, only.value()), parsed)) {
                throw ConfigException.badValue(section, spec.name(), text, only.value() + " only; " + only.reason());
            }
        }
    }
}
