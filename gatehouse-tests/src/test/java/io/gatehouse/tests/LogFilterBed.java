package io.gatehouse.tests;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What the logging-filter tests share: a Gatehouse configuration with filters on chosen services, the real clients
 * (the {@code mariadb} CLI and MariaDB Connector/J) and a wait for log files that sessions write as they close.
 * Runs on the JUnit test thread; the clients it starts are closed before it returns.
 */
final class LogFilterBed {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private LogFilterBed() {
    }

    /**
     * The test cluster's standard configuration with {@code filter} (a whole filter section) added and named in the
     * {@code filters} parameter of each service in {@code services} (e.g. {@code Split-Service}).
     */
    static Path config(MariaDbCluster cluster, Path dir, String filterName, String filterSection, String... services)
            throws IOException {
        String cnf = GatehouseExtension.config(cluster, dir);
        for (String service : services) {
            String head = "[" + service + "]\ntype=service\n";
            if (!cnf.contains(head)) {
                throw new IllegalArgumentException("service: " + service + " (expected: a service of the test config)");
            }
            cnf = cnf.replace(head, head + "filters=" + filterName + "\n");
        }
        cnf += "[" + filterName + "]\ntype=filter\n" + filterSection + "\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        return file;
    }

    /** Runs the mariadb CLI with {@code script} on stdin as the app account; fails unless it exits 0. */
    static String cli(int port, String script) throws IOException, InterruptedException {
        Subprocess.Output out = Subprocess.run(List.of("mariadb", "--no-defaults", "--protocol=TCP",
                "--connect-timeout=10", "-h127.0.0.1", "-P" + port, "-u" + Accounts.APP_USER,
                "-p" + Accounts.APP_PASSWORD, "-N", "-B", Accounts.DATABASE), script, Duration.ofSeconds(60));
        if (out.exitCode() != 0) {
            throw new AssertionError(out.describe());
        }
        return out.stdout();
    }

    /** A Connector/J connection as the app account; server-side prepared statements when {@code serverPrepare}. */
    static Connection jdbc(int port, boolean serverPrepare) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + Accounts.DATABASE
                + "?connectTimeout=10000&useServerPrepStmts=" + serverPrepare, Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    /** The lines of {@code file} once {@code done} holds for them (sessions write as they end), or an error. */
    static List<String> awaitLines(Path file, Predicate<List<String>> done) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            if (done.test(lines)) {
                return lines;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("waited " + WAIT + " for " + file + "; it holds:\n" + String.join("\n", lines));
    }

    /** The files in {@code dir} whose names start with {@code prefix}, once there are {@code count} of them. */
    static List<Path> awaitFiles(Path dir, String prefix, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Path> found = List.of();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(dir)) {
                found = new ArrayList<>(s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList());
            }
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("waited " + WAIT + " for " + count + " files " + prefix + "* in " + dir + "; found "
                + found);
    }

    /** How many of {@code lines} are exactly {@code line}. */
    static long count(List<String> lines, String line) {
        return lines.stream().filter(line::equals).count();
    }
}
