package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted passwords and secrets that stay secret, with the distribution's own commands: {@code gatehouse-keys}
 * makes the key file, {@code gatehouse-passwd} encrypts the service and monitor passwords, the daemon
 * ({@code bin/gatehouse}) runs with them; then no test password appears in its log, its REST answers or a config
 * check's error, nor in a line any Gatehouse logger wrote during this test run. JUnit test thread; real processes.
 */
@ExtendWith(MariaDbExtension.class)
class EncryptedPasswordsTest {
    /** One client for the class: a client nobody references can be collected, and closed, during a request. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path DIST = Path.of("..", "gatehouse-server", "target", "gatehouse-0.1.0-SNAPSHOT",
            "gatehouse-0.1.0-SNAPSHOT").toAbsolutePath().normalize();
    private static final String WRONG = "WrongSecret-1";
    private static final List<String> SECRETS = List.of(Accounts.SERVICE_PASSWORD, Accounts.APP_PASSWORD,
            Accounts.ROOT_PASSWORD, Accounts.REPL_PASSWORD, WRONG);

    private static String run(String... command) throws Exception {
        Subprocess.Output out = Subprocess.run(List.of(command), "", Duration.ofSeconds(60));
        assertThat(out.exitCode()).as(out.describe()).isZero();
        return out.stdout().strip();
    }

    @Test
    void encryptedPasswordsWorkAndNoSecretLeaks(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        // The key lives apart from the data directory, where secretsdir says.
        Path keys = Files.createDirectories(dir.resolve("keys"));
        run(DIST.resolve("bin/gatehouse-keys").toString(), keys.toString());
        assertThat(Files.getPosixFilePermissions(keys.resolve(".secrets")).toString()).isEqualTo("[OWNER_READ]");
        String encrypted = run(DIST.resolve("bin/gatehouse-passwd").toString(), "--key-dir", keys.toString(),
                Accounts.SERVICE_PASSWORD);
        assertThat(encrypted).matches("[0-9A-F]{64,}").doesNotContain(Accounts.SERVICE_PASSWORD);
        // The same password encrypts differently each time (random IV), and both decrypt.
        assertThat(run(DIST.resolve("bin/gatehouse-passwd").toString(), "--key-dir", keys.toString(),
                Accounts.SERVICE_PASSWORD)).isNotEqualTo(encrypted);

        int port = freePort();
        int admin = freePort();
        String cnf = GatehouseExtension.config(cluster, dir, port)
                .replace("admin_port=0", "admin_port=" + admin)
                .replace("datadir=" + dir, "datadir=" + data + "\nsecretsdir=" + keys)
                .replace("password=" + Accounts.SERVICE_PASSWORD, "password=" + encrypted);
        assertThat(cnf).doesNotContain(Accounts.SERVICE_PASSWORD);
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        Process p = new ProcessBuilder(DIST.resolve("bin/gatehouse").toString(), "--foreground", "--config",
                file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        List<String> seen = new ArrayList<>();
        try {
            String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + Accounts.DATABASE + "?connectTimeout=5000";
            String id;
            try {
                id = awaitQuery(url, "SELECT @@server_id");
            } catch (java.sql.SQLException e) {
                // The daemon's own output says why it did not answer (the temporary directory goes with the test).
                throw new AssertionError("Gatehouse (alive: " + p.isAlive() + ") did not answer on port " + port
                        + "; its output:\n" + Files.readString(dir.resolve("out.txt")), e);
            }
            assertThat(id).as("the service logged in with the decrypted password and the monitor found the primary")
                    .isEqualTo(String.valueOf(cluster.primary().serverId()));
            for (int i = 0; i < 3; i++) {
                try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, WRONG)) {
                    throw new AssertionError("a wrong password was accepted");
                } catch (SQLException expected) {
                    seen.add(expected.getMessage());
                }
            }
            awaitAdmin(admin, p, dir.resolve("out.txt"));
            for (String path : List.of("servers", "services", "monitors", "listeners", "filters", "sessions",
                    "maxscale", "maxscale/modules", "users/inet", "maxscale/logs/entries")) {
                seen.add(get(admin, "/v1/" + path));
            }
            seen.add(metrics(admin));
            // The log ring holds what was logged before the admin API started (the listeners' start), as MaxScale's.
            assertThat(get(admin, "/v1/maxscale/logs/entries?page%5Bsize%5D=5000")).contains("Listening for connections");
        } finally {
            p.toHandle().destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        seen.add(Files.readString(dir.resolve("out.txt")));
        try (Stream<Path> logs = Files.walk(dir.resolve("log"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                seen.add(Files.readString(log));
            }
        }
        // A configuration that names a password wrongly, or cannot decrypt one, says so without the value.
        // Its own persistdir: the *.cnf files of the shared one would be laid over it.
        Path bad = Files.createDirectories(dir.resolve("check")).resolve("bad.cnf");
        cnf = cnf.replace("persistdir=" + dir, "persistdir=" + bad.getParent());
        Files.writeString(bad, cnf.replace("password=" + encrypted, "pasword=" + Accounts.SERVICE_PASSWORD));
        Subprocess.Output check = Subprocess.run(List.of(DIST.resolve("bin/gatehouse").toString(), "--config-check",
                "--config", bad.toString()), "", Duration.ofSeconds(60));
        assertThat(check.exitCode()).isNotZero();
        assertThat(check.stderr()).contains("pasword");
        seen.add(check.stdout() + check.stderr());
        Files.writeString(bad, cnf.replace("password=" + encrypted, "password=" + "00".repeat(48)));
        check = Subprocess.run(List.of(DIST.resolve("bin/gatehouse").toString(), "--config-check", "--config",
                bad.toString()), "", Duration.ofSeconds(60));
        assertThat(check.exitCode()).isNotZero();
        assertThat(check.stderr()).contains("password").contains("does not decrypt");
        seen.addAll(gatehouseLinesOfThisRun());
        for (String text : seen) {
            for (String secret : SECRETS) {
                assertThat(text).as("a log, REST answer or error message").doesNotContain(secret);
            }
        }
    }

    /** Lines that Gatehouse's own loggers wrote in the test JVMs of this module so far. */
    private static List<String> gatehouseLinesOfThisRun() throws IOException {
        Path reports = Path.of("target", "surefire-reports");
        List<String> lines = new ArrayList<>();
        if (!Files.isDirectory(reports)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(reports)) {
            for (Path f : files.filter(x -> x.toString().endsWith("-output.txt")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    if (line.contains(" io.gatehouse.core.") || line.contains(" io.gatehouse.admin.")
                            || line.contains(" io.gatehouse.server.") || line.contains(" io.gatehouse.monitors.")
                            || line.contains(" io.gatehouse.routers.")) {
                        lines.add(line);
                    }
                }
            }
        }
        return lines;
    }

    private static String awaitQuery(String url, String sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true) {
            try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    /** Waits for the daemon's admin API (bound just after its listeners); names the daemon's output if it died. */
    private static void awaitAdmin(int port, Process daemon, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                get(port, "/v1/maxscale");
                return;
            } catch (java.net.ConnectException e) {
                if (!daemon.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("admin API on port " + port + " not answering; daemon output:\n"
                            + Files.readString(output), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static String get(int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static String metrics(int port) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
