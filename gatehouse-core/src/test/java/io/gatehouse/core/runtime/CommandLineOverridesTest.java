package io.gatehouse.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.config.CommandLineOverrides;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line directories win over the [maxscale] section, for the plugin directory as for the rest. */
class CommandLineOverridesTest {
    @AfterEach
    void clear() {
        CommandLineOverrides.set(Map.of());
    }

    @Test
    void libdirFromTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path cnf = dir.resolve("g.cnf");
        Files.writeString(cnf, "[maxscale]\nlibdir=/from/file\n");
        assertThat(PersistedConfigs.libdir(cnf)).isEqualTo(Path.of("/from/file"));
        CommandLineOverrides.set(Map.of("libdir", "/from/command/line"));
        assertThat(PersistedConfigs.libdir(cnf)).isEqualTo(Path.of("/from/command/line"));
        assertThat(PersistedConfigs.read(cnf).get("maxscale").get("libdir")).isEqualTo("/from/command/line");
    }

    @Test
    void aFileWithoutAGlobalSectionGetsOne(@TempDir Path dir) throws Exception {
        Path cnf = dir.resolve("g.cnf");
        Files.writeString(cnf, "[server1]\ntype=server\naddress=127.0.0.1\n");
        assertThat(PersistedConfigs.libdir(cnf)).isEqualTo(Path.of("/usr/lib/gatehouse/plugins"));
        CommandLineOverrides.set(Map.of("persistdir", dir.resolve("p").toString()));
        assertThat(PersistedConfigs.read(cnf).get("maxscale").get("persistdir")).isEqualTo(dir.resolve("p").toString());
    }

    @Test
    void aStaticFileInsidePersistdirIsNoPersistedChange(@TempDir Path dir) throws Exception {
        // One directory for everything: the static file sorts after the persisted change and must not undo it.
        Path cnf = dir.resolve("zz-gatehouse.cnf");
        Files.writeString(cnf, "[maxscale]\npersistdir=" + dir + "\n\n[server1]\ntype=server\naddress=127.0.0.1\n"
                + "port=3306\n\n[server2]\ntype=server\naddress=127.0.0.1\nport=3307\n");
        Files.writeString(dir.resolve("server1.cnf"), "[server1]\ntype=server\naddress=127.0.0.1\nport=4000\n");
        var sections = PersistedConfigs.read(cnf);
        assertThat(sections.get("server1").get("port")).as("the runtime change").isEqualTo("4000");
        assertThat(sections.get("server2").source()).isEqualTo(cnf);
    }
}
