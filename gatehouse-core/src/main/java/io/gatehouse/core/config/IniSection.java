package io.gatehouse.core.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code [name]} section of a configuration file with its parameters in file order. Mutable only while the
 * reader builds it; treated as immutable afterwards. Used on the thread that loads the configuration.
 */
public final class IniSection {
    private final String name;
    private final Path source;
    private final Map<String, String> params = new LinkedHashMap<>();

    public IniSection(String name, Path source) {
        this.name = name;
        this.source = source;
    }

    public String name() {
        return name;
    }

    /** The file the section came from. */
    public Path source() {
        return source;
    }

    public Map<String, String> params() {
        return params;
    }

    public String get(String key) {
        return params.get(key);
    }
}
