package io.gatehouse.admin.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.Params;
import java.util.Collection;
import java.util.Set;

/**
 * Renders validated parameters the way MaxScale's REST API shows them: booleans as booleans, counts and sizes as
 * numbers, durations as {@code "2000ms"}, passwords as {@code "*****"} and unset parameters as {@code null}, sorted
 * by name. Stateless; runs on the admin thread.
 */
public final class ParamsJson {
    private ParamsJson() {
    }

    /** Every parameter in {@code specs} except those in {@code skip}, from {@code params}. */
    public static ObjectNode render(Params params, Collection<ParamSpec> specs, Set<String> skip) {
        ObjectNode o = Json.object();
        // Later specs win: a module may redeclare a core parameter with its own default.
        java.util.TreeMap<String, ParamSpec> byName = new java.util.TreeMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        for (ParamSpec s : byName.values()) {
            if (!skip.contains(s.name())) {
                put(o, params, s);
            }
        }
        return o;
    }

    /** A parsed value (as {@link io.gatehouse.api.config.ValueParser} returns it) in the REST API's form. */
    public static com.fasterxml.jackson.databind.JsonNode value(ParamSpec s, Object v) {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        if (v == null) {
            return f.nullNode();
        }
        if (v instanceof java.time.Duration d) {
            return f.textNode(d.toMillis() + "ms");
        }
        if (s.type() == io.gatehouse.api.config.ParamType.PASSWORD) {
            return f.textNode("*****");
        }
        if (v instanceof java.util.Collection<?> c) {
            return f.textNode(String.join(",", c.stream().map(String::valueOf).toList()));
        }
        return Json.MAPPER.valueToTree(v);
    }

    /** The type word MaxScale's module listing uses for a parameter type. */
    public static String typeWord(ParamSpec s) {
        return switch (s.type()) {
            case STRING -> "string";
            case PASSWORD -> "password";
            case INTEGER -> "int";
            case COUNT -> "count";
            case SIZE -> "size";
            case DURATION, DURATION_MS -> "duration";
            case BOOL -> "bool";
            case ENUM -> "enum";
            case ENUM_MASK -> "enum_mask";
            case TARGET_LIST -> "serverlist";
            case TARGET -> "target";
            case PATH -> "path";
            case REGEX -> "regex";
        };
    }

    /**
     * Parameters MaxScale 24.02 declares as booleans that Gatehouse widened to a string with one more word
     * ({@code auto_failover=safe}); shown as booleans whenever the value is one, so clients keep their types.
     */
    private static final Set<String> BOOLEAN_WHEN_BOOLEAN = Set.of("auto_failover");

    static void put(ObjectNode o, Params p, ParamSpec s) {
        String n = s.name();
        if (!p.has(n)) {
            o.putNull(n);
            return;
        }
        if (n.equals("script_max_replication_lag")) {
            // MaxScale shows this duration (default -1s, "disabled") as a number of seconds.
            String t = p.string(n).strip();
            o.put(n, t.startsWith("-") ? -1 : io.gatehouse.api.config.ValueParser.parseDuration(t).toSeconds());
            return;
        }
        if (n.equals("admin_audit_exclude_methods") || n.equals("connection_metadata")) {
            // MaxScale answers these comma-separated lists as arrays (HTTP methods in upper case).
            boolean methods = n.equals("admin_audit_exclude_methods");
            var a = o.putArray(n);
            for (String m : p.string(n).split(",")) {
                if (!m.isBlank()) {
                    a.add(methods ? m.trim().toUpperCase(java.util.Locale.ROOT) : m.trim());
                }
            }
            return;
        }
        if (BOOLEAN_WHEN_BOOLEAN.contains(n)) {
            try {
                o.put(n, io.gatehouse.api.config.ValueParser.parseBool(p.string(n)));
                return;
            } catch (IllegalArgumentException notABoolean) {
                o.put(n, p.string(n));
                return;
            }
        }
        switch (s.type()) {
            case BOOL -> o.put(n, p.bool(n));
            case COUNT, INTEGER -> o.put(n, p.integer(n));
            case SIZE -> o.put(n, p.size(n));
            case DURATION, DURATION_MS -> o.put(n, p.duration(n).toMillis() + "ms");
            case PASSWORD -> o.put(n, "*****");
            case ENUM_MASK, TARGET_LIST -> o.put(n, p.text(n));
            default -> o.put(n, p.string(n));
        }
    }
}
