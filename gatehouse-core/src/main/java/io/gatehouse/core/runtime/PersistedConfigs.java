package io.gatehouse.core.runtime;

import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.ValueParser;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.CommandLineOverrides;
import io.gatehouse.core.config.CoreParams;
import io.gatehouse.core.config.GatehouseConfig;
import io.gatehouse.core.config.IniReader;
import io.gatehouse.core.config.IniSection;
import io.gatehouse.core.module.ModuleRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runtime changes on disk: one {@code <object>.cnf} per changed object in {@code persistdir}, each holding the
 * object's whole section. At start they replace the sections of the same name from the static configuration (when
 * {@code load_persisted_configs} is true), as MaxScale does. Static methods; used on the main thread at start and on
 * the admin thread for changes.
 */
public final class PersistedConfigs {
    private PersistedConfigs() {
    }

    /** Reads the configuration rooted at {@code cnf} with the persisted sections laid over it. */
    public static Map<String, IniSection> read(Path cnf) throws ConfigException {
        Map<String, IniSection> sections = IniReader.read(cnf);
        CommandLineOverrides.apply(sections, cnf);
        IniSection global = sections.containsKey("maxscale") ? sections.get("maxscale") : sections.get("gatehouse");
        String load = global == null ? null : global.get("load_persisted_configs");
        boolean loadPersisted;
        try {
            loadPersisted = load == null || ValueParser.parseBool(load);
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(global.name(), "load_persisted_configs", load, ParamType.BOOL.rule());
        }
        if (!loadPersisted) {
            return sections;
        }
        Path dir = directory(global);
        if (!Files.isDirectory(dir)) {
            return sections;
        }
        try (Stream<Path> files = Files.list(dir)) {
            Path self = cnf.toAbsolutePath().normalize();
            // The static file may itself sit in persistdir (a single directory for everything): it is not a change.
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".cnf")
                    && !p.toAbsolutePath().normalize().equals(self)).sorted().toList()) {
                Map<String, IniSection> one = new LinkedHashMap<>();
                IniReader.parse(Files.readString(f, StandardCharsets.UTF_8), f, one);
                // Replacing keeps the section's place, so start order stays that of the static file.
                sections.putAll(one);
            }
            // A tombstone stands for an object of the static file destroyed at runtime: it stays destroyed.
            sections.values().removeIf(sec -> sec.get(TOMBSTONE) != null);
        } catch (IOException e) {
            throw new ConfigException("cannot read persisted changes in " + dir + ": " + e.getMessage());
        }
        return sections;
    }

    /** Loads, validates and builds an unstarted runtime that knows which objects come from persisted files. */
    public static Runtime create(Path cnf, ModuleRegistry modules) throws ConfigException {
        Map<String, IniSection> sections = read(cnf);
        GatehouseConfig cfg = new ConfigLoader(modules).build(cnf, sections);
        Runtime rt = new Runtime(cfg, modules);
        Path dir = Path.of(cfg.global().string("persistdir")).toAbsolutePath().normalize();
        for (IniSection s : sections.values()) {
            Path src = s.source() == null ? null : s.source().toAbsolutePath().normalize();
            if (src != null && dir.equals(src.getParent()) && !src.equals(cnf.toAbsolutePath().normalize())) {
                rt.persistedFile(s.name(), s.source());
            }
        }
        return rt;
    }

    /**
     * The plugin directory ({@code libdir}) of the configuration rooted at {@code cnf}: it must be known before the
     * configuration is validated, because plugin modules declare parameters of their own.
     */
    public static Path libdir(Path cnf) throws ConfigException {
        Map<String, IniSection> sections = IniReader.read(cnf);
        CommandLineOverrides.apply(sections, cnf);
        IniSection global = sections.containsKey("maxscale") ? sections.get("maxscale") : sections.get("gatehouse");
        String dir = global == null ? null : global.get("libdir");
        if (dir == null) {
            dir = CoreParams.GLOBAL.stream().filter(p -> p.name().equals("libdir")).map(ParamSpec::defaultValue)
                    .findFirst().orElseThrow();
        }
        return Path.of(dir);
    }

    /** {@code persistdir} from a raw {@code [maxscale]} section, or its default. */
    static Path directory(IniSection global) {
        String dir = global == null ? null : global.get("persistdir");
        if (dir == null) {
            dir = CoreParams.GLOBAL.stream().filter(p -> p.name().equals("persistdir")).map(ParamSpec::defaultValue)
                    .findFirst().orElseThrow();
        }
        return Path.of(dir);
    }

    /** The key that marks a persisted section as a destroyed object. */
    static final String TOMBSTONE = "gatehouse_destroyed";

    /** Writes {@code dir/<name>.cnf} saying that the object of the static configuration was destroyed at runtime. */
    static Path writeTombstone(Path dir, String name) throws IOException {
        IniSection s = new IniSection(name, null);
        s.params().put(TOMBSTONE, "true");
        return write(dir, s);
    }

    /** Writes one object's whole section to {@code dir/<name>.cnf}, replacing the file atomically. */
    public static Path write(Path dir, IniSection section) throws IOException {
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder("# Written by Gatehouse for a runtime change; replaces [")
                .append(section.name()).append("] of the static configuration.\n[").append(section.name()).append("]\n");
        section.params().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Path file = dir.resolve(section.name() + ".cnf");
        Path tmp = dir.resolve("." + section.name() + ".cnf.tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
