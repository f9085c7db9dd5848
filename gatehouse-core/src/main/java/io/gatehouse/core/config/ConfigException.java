package io.gatehouse.core.config;

/**
 * A configuration that cannot be used, with a one-line message naming the section, the parameter, the value and
 * the rule, for example {@code [server1] port: 'abc' (expected: a non-negative integer)}.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    /** The standard one-line form for a bad value. */
    public static ConfigException badValue(String section, String param, String value, String rule) {
        return new ConfigException("[" + section + "] " + param + ": '" + value + "' (expected: " + rule + ")");
    }
}
