package io.gatehouse.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated, typed parameter values of one configuration section, defaults filled in. Immutable and
 * thread-safe: a new object is made when the configuration changes.
 */
public final class Params {
    private final String section;
    private final Map<String, Object> values;
    private final Map<String, String> texts;

    public Params(String section, Map<String, Object> values, Map<String, String> texts) {
        this.section = section;
        this.values = Map.copyOf(values);
        this.texts = Map.copyOf(texts);
    }

    /** The section these values belong to. */
    public String section() {
        return section;
    }

    /** True when the parameter has a value (given or default). */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The text as written (or the default's text), or null. */
    public String text(String name) {
        return texts.get(name);
    }

    /** All parameter texts, as written or defaulted. */
    public Map<String, String> texts() {
        return texts;
    }

    public String string(String name) {
        Object v = values.get(name);
        return v == null ? null : v.toString();
    }

    public long integer(String name) {
        return (Long) require(name);
    }

    public boolean bool(String name) {
        return (Boolean) require(name);
    }

    public Duration duration(String name) {
        return (Duration) require(name);
    }

    /** A size in bytes. */
    public long size(String name) {
        return (Long) require(name);
    }

    @SuppressWarnings("unchecked")
    public Set<String> mask(String name) {
        return (Set<String>) require(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        Object v = values.get(name);
        return v == null ? List.of() : (List<String>) v;
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("[" + section + "] parameter '" + name + "' has no value and no default");
        }
        return v;
    }
}
