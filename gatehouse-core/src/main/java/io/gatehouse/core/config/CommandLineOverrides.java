package io.gatehouse.core.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Global parameters given on the daemon's command line ({@code --libdir}, {@code --datadir}, ...), which win over
 * the {@code [maxscale]} section every time the configuration is read: at start and when a runtime change re-reads
 * it. Set once by the daemon's main thread before anything reads the configuration; in-process users (tests, the
 * sandbox) leave it empty. Immutable after that, so safe to read from any thread.
 */
public final class CommandLineOverrides {
    private static volatile Map<String, String> values = Map.of();

    private CommandLineOverrides() {
    }

    /** Records the overrides; null values are ignored. */
    public static void set(Map<String, String> overrides) {
        Map<String, String> m = new LinkedHashMap<>();
        overrides.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        values = Map.copyOf(m);
    }

    /** Applies the overrides to the global section of {@code sections}, creating it when the file has none. */
    public static void apply(Map<String, IniSection> sections, Path file) {
        Map<String, String> now = values;
        if (now.isEmpty()) {
            return;
        }
        IniSection global = sections.containsKey("maxscale") ? sections.get("maxscale") : sections.get("gatehouse");
        if (global == null) {
            global = new IniSection("maxscale", file);
            sections.put("maxscale", global);
        }
        global.params().putAll(now);
    }
}
