package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Test helper that runs the {@code mariadb} client over TCP as a given account. */
final class TcpClient {
    record Result(int exitCode, String stdout, String stderr) {
    }

    private TcpClient() {
    }

    static String currentUser(MariaDbServer server, String user, String password) {
        Result result = run(server, user, password, "SELECT CURRENT_USER()");
        if (result.exitCode() != 0) {
            throw new AssertionError(user + " could not log in to " + server + ": " + result.stderr());
        }
        return result.stdout().strip();
    }

    static Result run(MariaDbServer server, String user, String password, String sql) {
        try {
            ProcessBuilder builder = new ProcessBuilder("mariadb", "--no-defaults", "--protocol=tcp",
                    "-h", server.host(), "-P", Integer.toString(server.port()), "-u", user,
                    "--batch", "--skip-column-names", "-e", sql);
            builder.environment().put("MYSQL_PWD", password);
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("mariadb client timed out");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
