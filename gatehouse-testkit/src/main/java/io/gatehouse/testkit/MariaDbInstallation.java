package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installed MariaDB binaries and a data directory template built from them once per JVM; thread-safe (the
 * template is built under a lock by the first caller), it holds no buffers.
 *
 * <p>Running {@code mariadb-install-db} costs about a second, so it runs once into a template that already holds
 * the {@link Accounts}; each server then starts from a plain file copy.
 */
final class MariaDbInstallation {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbInstallation.class);
    private static final List<String> SEARCH_DIRS = List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin");
    static final String INSTALL_HINT =
            "run `apt-get install -y mariadb-server mariadb-client` (Debian/Ubuntu)";
    /** Sizes that must match between the template and the servers, or InnoDB resizes its log on first start. */
    static final List<String> INNODB_OPTIONS = List.of("--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M");

    private static Path template;

    private MariaDbInstallation() {
    }

    static Path mariadbd() {
        return find("mariadbd", "mariadbd is not installed: " + INSTALL_HINT);
    }

    static Path client() {
        return find("mariadb", "the mariadb client is not installed: " + INSTALL_HINT);
    }

    static Path installDb() {
        return find("mariadb-install-db", "mariadb-install-db is not installed: " + INSTALL_HINT);
    }

    /** mariadbd refuses to run as root unless told {@code --user=root}; CI containers often run as root. */
    static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static final java.util.Map<String, Path> FOUND = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path find(String executable, String missingMessage) {
        Path found = FOUND.get(executable);
        if (found == null) {
            found = search(executable, missingMessage);
            FOUND.put(executable, found);
        }
        return found;
    }

    private static Path search(String executable, String missingMessage) {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, executable));
                }
            }
        }
        SEARCH_DIRS.forEach(dir -> candidates.add(Path.of(dir, executable)));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(missingMessage);
    }

    /** Copies the template (built on first use) into {@code dataDir}, which must not exist yet. */
    static void copyTemplateTo(Path dataDir) {
        Path source = template();
        try {
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(dataDir.resolve(source.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, dataDir.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy the MariaDB data directory template to " + dataDir, e);
        }
    }

    private static synchronized Path template() {
        if (template == null) {
            template = buildTemplate();
        }
        return template;
    }

    private static Path buildTemplate() {
        Path mariadbd = mariadbd();
        Path installDb = installDb();
        long started = System.nanoTime();
        try {
            Path root = JvmCleanup.createOwnedTempDir(null, "gatehouse-mariadb-template-");
            AutoCloseable deleteRoot = () -> JvmCleanup.deleteRecursively(root);
            JvmCleanup.register(deleteRoot);
            Path dataDir = root.resolve("data");
            Path log = root.resolve("install.log");
            // Its own temporary directory: with the default (/tmp), two installations at once (test JVMs on one
            // machine) sometimes remove each other's internal temporary tables and one fails.
            Path tmp = Files.createDirectories(root.resolve("tmp"));
            List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults",
                    "--auth-root-authentication-method=normal", "--skip-test-db", "--datadir=" + dataDir,
                    "--tmpdir=" + tmp));
            install.addAll(INNODB_OPTIONS);
            if (runningAsRoot()) {
                install.add("--user=root");
            }
            run(install, null, log, "mariadb-install-db");

            List<String> bootstrap = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults", "--bootstrap",
                    "--datadir=" + dataDir, "--tmpdir=" + tmp, "--log-error=" + root.resolve("bootstrap.err")));
            bootstrap.addAll(INNODB_OPTIONS);
            if (runningAsRoot()) {
                bootstrap.add("--user=root");
            }
            run(bootstrap, Accounts.bootstrapSql(), root.resolve("bootstrap.out"), "mariadbd --bootstrap");
            LOG.info("Built MariaDB data directory template in {} ms at {}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dataDir);
            return dataDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not build the MariaDB data directory template", e);
        }
    }

    private static void run(List<String> command, String stdin, Path output, String what) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process = builder.start();
        try {
            if (stdin != null) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(what + " did not finish within 120 s; see " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + what, e);
        }
        if (process.exitValue() != 0) {
            Path errLog = output.resolveSibling("bootstrap.err");
            String detail = Logs.tail(output, 30) + (Files.exists(errLog) ? "\n" + Logs.tail(errLog, 30) : "");
            throw new IllegalStateException(what + " failed with exit code " + process.exitValue() + ":\n" + detail);
        }
    }
}
