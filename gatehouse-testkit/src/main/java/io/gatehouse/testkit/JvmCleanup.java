package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide list of things to close when the JVM exits (servers, temp directories), closed newest first by one
 * shutdown hook; callable from any thread, it holds no buffers.
 *
 * <p>Whatever is closed normally unregisters itself, so the hook only acts when a run is aborted.
 */
final class JvmCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(JvmCleanup.class);
    private static final Set<AutoCloseable> PENDING = new LinkedHashSet<>();
    private static final String OWNER_FILE = ".gatehouse-testkit-owner";
    private static boolean hookInstalled;
    private static boolean swept;

    private JvmCleanup() {
    }

    static synchronized void register(AutoCloseable resource) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(JvmCleanup::closeAll, "gatehouse-testkit-cleanup"));
            hookInstalled = true;
        }
        PENDING.add(resource);
    }

    static synchronized void unregister(AutoCloseable resource) {
        PENDING.remove(resource);
    }

    private static void closeAll() {
        List<AutoCloseable> toClose;
        synchronized (JvmCleanup.class) {
            toClose = new ArrayList<>(PENDING);
            PENDING.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                LOG.warn("Cleanup of {} failed at JVM exit", toClose.get(i), e);
            }
        }
    }

    /**
     * Creates a temp directory tagged with this JVM's pid and start time, so a later JVM can delete it if this one is
     * killed before its shutdown hook runs.
     */
    static Path createOwnedTempDir(Path parent, String prefix) throws IOException {
        sweepStaleTempDirs();
        Path dir = parent == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(parent, prefix);
        Files.writeString(dir.resolve(OWNER_FILE), ownerTag(ProcessHandle.current()));
        return dir;
    }

    private static String ownerTag(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Object::toString).orElse("?");
    }

    /** Deletes owned temp directories whose JVM is gone; runs once per JVM. */
    private static synchronized void sweepStaleTempDirs() {
        if (swept) {
            return;
        }
        swept = true;
        Set<Path> parents = new LinkedHashSet<>(List.of(Path.of(System.getProperty("java.io.tmpdir")), Path.of("/tmp")));
        for (Path parent : parents) {
            try (var entries = Files.newDirectoryStream(parent, "{gatehouse-,gh-sock-}*")) {
                for (Path dir : entries) {
                    Path owner = dir.resolve(OWNER_FILE);
                    if (Files.isRegularFile(owner) && !isAlive(Files.readString(owner).strip())) {
                        LOG.info("Deleting {} left by a JVM that no longer runs", dir);
                        deleteRecursively(dir);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                LOG.debug("Could not sweep {} for stale testkit directories", parent, e);
            }
        }
    }

    private static boolean isAlive(String tag) {
        try {
            long pid = Long.parseLong(tag.substring(0, tag.indexOf(' ')));
            return ProcessHandle.of(pid).map(p -> p.isAlive() && ownerTag(p).equals(tag)).orElse(false);
        } catch (RuntimeException unparsable) {
            return true;
        }
    }

    /** Deletes a directory tree; a missing directory is not an error. */
    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    deleteIfPresent(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    deleteIfPresent(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }

    private static void deleteIfPresent(Path path) throws IOException {
        Files.deleteIfExists(path);
    }
}
