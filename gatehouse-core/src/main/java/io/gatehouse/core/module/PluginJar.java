package io.gatehouse.core.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One jar of the plugin directory with the class loader that loads it. Each jar gets its own loader whose parent
 * is the loader of the module API, so two plugins may bundle different versions of a library without clashing
 * while both share the one API the core implements. Made on the main thread at start; the loaders stay open for
 * the life of the process because the modules' classes are in use until it exits.
 *
 * @param path   the jar file
 * @param loader the jar's own class loader
 */
record PluginJar(Path path, URLClassLoader loader) {
    private static final Logger LOG = LoggerFactory.getLogger(PluginJar.class);

    /** Opens every {@code *.jar} in {@code dir}, in name order; none when {@code dir} is null or missing. */
    static List<PluginJar> openAll(Path dir, ClassLoader parent) {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();                  // no plugin directory: only the built-in modules
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugin directory " + dir, e);
        }
        List<PluginJar> jars = new ArrayList<>();
        for (Path f : files) {
            try {
                URL url = f.toAbsolutePath().toUri().toURL();
                jars.add(new PluginJar(f.toAbsolutePath(), new URLClassLoader("plugin:" + f.getFileName(),
                        new URL[] {url}, parent)));
            } catch (MalformedURLException e) {
                LOG.error("Skipping plugin {}: {}", f, e.getMessage());
            }
        }
        return jars;
    }
}
