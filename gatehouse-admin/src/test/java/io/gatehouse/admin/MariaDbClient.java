package io.gatehouse.admin;

import io.gatehouse.testkit.Accounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs one statement with the real {@code mariadb} command-line client through a Gatehouse listener and returns
 * its batch output, to prove that a listener made at runtime really serves clients. JUnit thread; one process per
 * call.
 */
final class MariaDbClient {
    private MariaDbClient() {
    }

    static String query(int port, String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mariadb", "--protocol=TCP", "-h127.0.0.1", "-P" + port, "-u" + Accounts.APP_USER,
                "-p" + Accounts.APP_PASSWORD, "--connect-timeout=10", "-N", "-B", "-e", sql)
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mariadb client did not finish: " + sql);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new AssertionError("mariadb client failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
