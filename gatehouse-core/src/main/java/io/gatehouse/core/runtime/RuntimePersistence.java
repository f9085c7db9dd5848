package io.gatehouse.core.runtime;

import io.gatehouse.api.config.Params;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.IniReader;
import io.gatehouse.core.config.IniSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes runtime changes to {@code persistdir} when {@code persist_runtime_changes} is on: a changed or created
 * object's whole section to {@code <name>.cnf}; for a destroyed object its file is removed, and when the object
 * also comes from the static configuration a tombstone file is left so that it stays destroyed after a restart.
 * Every change is also handed to {@link ConfigSync} when the instance shares its configuration. Used on the admin
 * thread by {@link RuntimeChanges}, under its lock.
 */
final class RuntimePersistence {
    private final Runtime rt;

    RuntimePersistence(Runtime rt) {
        this.rt = rt;
    }

    private boolean enabled() {
        return rt.config().global().bool("persist_runtime_changes");
    }

    private Path dir() {
        Params g = rt.config().global();
        return Path.of(g.string("persistdir"));
    }

    void save(IniSection section) throws IOException {
        if (rt.configSync() != null) {
            rt.configSync().changed(section.name(), section.params());
        }
        if (!enabled()) {
            return;
        }
        rt.persistedFile(section.name(), PersistedConfigs.write(dir(), section));
    }

    void forget(String name) throws IOException {
        if (rt.configSync() != null) {
            rt.configSync().changed(name, null);
        }
        rt.persistedFile(name, null);
        if (!enabled()) {
            return;
        }
        Files.deleteIfExists(dir().resolve(name + ".cnf"));
        if (inStaticConfig(name)) {
            PersistedConfigs.writeTombstone(dir(), name);
        }
    }

    private boolean inStaticConfig(String name) throws IOException {
        Path src = rt.config().source();
        if (src == null) {
            return false;
        }
        try {
            return IniReader.read(src).containsKey(name);
        } catch (ConfigException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
