package io.gatehouse.api.config;

/**
 * The value types of MaxScale's configuration, each with its parsing rule; immutable.
 */
public enum ParamType {
    /** Any text. */
    STRING("a string"),
    /** Text that is never shown back (REST API, logs). */
    PASSWORD("a password"),
    /** A whole number, possibly negative. */
    INTEGER("an integer"),
    /** A whole number of zero or more. */
    COUNT("a non-negative integer"),
    /** A byte size with an optional suffix (k, M, G, T for powers of 1000; Ki, Mi, Gi, Ti for powers of 1024). */
    SIZE("a size such as 64Ki, 16Mi or 1048576"),
    /** A duration with a suffix h, m, s or ms (a bare number is read as seconds, as MaxScale does). */
    DURATION("a duration such as 10s, 500ms or 1h"),
    /**
     * A duration MaxScale declares in milliseconds: a bare number (deprecated, still read from files) means
     * milliseconds, as for {@code monitor_interval=2000}. Values are {@link java.time.Duration}s like DURATION's.
     */
    DURATION_MS("a duration such as 10s, 500ms or 1h"),
    /** true/false, on/off, yes/no, 1/0. */
    BOOL("a boolean (true, false, on, off, yes, no, 1, 0)"),
    /** One word out of a fixed set. */
    ENUM("one of the listed values"),
    /** A comma-separated set of words out of a fixed set. */
    ENUM_MASK("a comma-separated list of the listed values"),
    /** A comma-separated list of names of other configuration sections. */
    TARGET_LIST("a comma-separated list of section names"),
    /** The name of another configuration section. */
    TARGET("the name of a section"),
    /** A filesystem path. */
    PATH("a path"),
    /** A regular expression, optionally between slashes. */
    REGEX("a regular expression");

    private final String rule;

    ParamType(String rule) {
        this.rule = rule;
    }

    /** How a valid value looks, for error messages. */
    public String rule() {
        return rule;
    }
}
