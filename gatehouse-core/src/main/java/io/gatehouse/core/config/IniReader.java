package io.gatehouse.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a {@code maxscale.cnf}-format file into sections: the main file, then every {@code *.cnf} in the
 * {@code <file>.d} directory beside it (in name order), then resolves {@code @include} references to sections of
 * {@code type=include}. Runs on the loading thread only; no state survives a call.
 */
public final class IniReader {
    private IniReader() {
    }

    /** Reads and merges the configuration rooted at {@code file}. */
    public static Map<String, IniSection> read(Path file) throws ConfigException {
        Map<String, IniSection> sections = new LinkedHashMap<>();
        parseFile(file, sections);
        Path dir = file.resolveSibling(file.getFileName() + ".d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(x -> x.getFileName().toString().endsWith(".cnf")).sorted().toList()) {
                    parseFile(p, sections);
                }
            } catch (IOException e) {
                throw new ConfigException("cannot read directory " + dir + ": " + e.getMessage());
            }
        }
        resolveIncludes(sections);
        return sections;
    }

    /** Parses INI text; exposed for tests and for persisted runtime changes. */
    public static void parse(String text, Path source, Map<String, IniSection> into) throws ConfigException {
        IniSection current = null;
        int lineNo = 0;
        String pendingKey = null;
        for (String raw : text.split("\r?\n", -1)) {
            lineNo++;
            String line = stripComment(raw);
            if (line.isBlank()) {
                continue;
            }
            // MaxScale allows a value to continue on indented lines (multi-line values such as long lists).
            if (pendingKey != null && Character.isWhitespace(raw.charAt(0)) && current != null) {
                current.params().merge(pendingKey, line.trim(), (a, b) -> a + b);
                continue;
            }
            String t = line.trim();
            if (t.startsWith("[")) {
                if (!t.endsWith("]") || t.length() < 3) {
                    throw new ConfigException(source + ":" + lineNo + ": malformed section header '" + t
                            + "' (expected: [name])");
                }
                String name = t.substring(1, t.length() - 1).trim();
                if (into.containsKey(name)) {
                    throw new ConfigException(source + ":" + lineNo + ": section [" + name
                            + "] is defined twice (expected: unique section names)");
                }
                current = new IniSection(name, source);
                into.put(name, current);
                pendingKey = null;
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(source + ":" + lineNo + ": '" + t + "' (expected: name=value)");
            }
            if (current == null) {
                throw new ConfigException(source + ":" + lineNo + ": parameter outside a section (expected: a [section] header first)");
            }
            String key = t.substring(0, eq).trim();
            String value = t.substring(eq + 1).trim();
            if (current.params().containsKey(key)) {
                throw new ConfigException("[" + current.name() + "] " + key + ": given twice (expected: once per section)");
            }
            current.params().put(key, value);
            pendingKey = key;
        }
    }

    private static void parseFile(Path file, Map<String, IniSection> into) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        parse(text, file, into);
    }

    /** Comments start with '#' at the start of a line or after white space; ';' likewise. */
    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c == '#' || c == ';') && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static void resolveIncludes(Map<String, IniSection> sections) throws ConfigException {
        List<String> includeOnly = new ArrayList<>();
        for (IniSection s : sections.values()) {
            if ("include".equals(s.get("type"))) {
                includeOnly.add(s.name());
            }
        }
        for (IniSection s : sections.values()) {
            String inc = s.params().remove("@include");
            if (inc == null) {
                continue;
            }
            for (String name : io.gatehouse.api.config.ValueParser.parseList(inc)) {
                IniSection src = sections.get(name);
                if (src == null || !"include".equals(src.get("type"))) {
                    throw ConfigException.badValue(s.name(), "@include", inc, "names of sections with type=include");
                }
                for (Map.Entry<String, String> e : src.params().entrySet()) {
                    if (!e.getKey().equals("type")) {
                        s.params().putIfAbsent(e.getKey(), e.getValue());
                    }
                }
            }
        }
        for (String name : includeOnly) {
            sections.remove(name);
        }
    }
}
