package io.gatehouse.api.config;

import java.util.List;

/**
 * One parameter a module or object accepts: name, type, default (as written in a configuration file, or null when
 * there is none), whether it is mandatory, whether it may change at runtime, and for enums the allowed values.
 * Immutable.
 */
public record ParamSpec(String name, ParamType type, String defaultValue, boolean mandatory, boolean runtime,
                        List<String> values, String description) {
    public ParamSpec {
        values = List.copyOf(values);
    }

    /** An optional parameter with a default. */
    public static ParamSpec of(String name, ParamType type, String defaultValue, boolean runtime, String description) {
        return new ParamSpec(name, type, defaultValue, false, runtime, List.of(), description);
    }

    /** A mandatory parameter without a default, fixed at start. */
    public static ParamSpec required(String name, ParamType type, String description) {
        return required(name, type, false, description);
    }

    /** A mandatory parameter without a default; {@code runtime} says whether it may change on a running object. */
    public static ParamSpec required(String name, ParamType type, boolean runtime, String description) {
        return new ParamSpec(name, type, null, true, runtime, List.of(), description);
    }

    /** An enum or enum-mask parameter. */
    public static ParamSpec oneOf(String name, ParamType type, String defaultValue, boolean runtime,
                                  List<String> values, String description) {
        return new ParamSpec(name, type, defaultValue, false, runtime, values, description);
    }

    /** The rule a value must follow, for error messages. */
    public String rule() {
        if (!values.isEmpty()) {
            return (type == ParamType.ENUM_MASK ? "a comma-separated list of " : "one of ") + String.join(", ", values);
        }
        return type.rule();
    }
}
