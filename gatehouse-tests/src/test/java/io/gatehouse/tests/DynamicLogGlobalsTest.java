package io.gatehouse.tests;

import static io.gatehouse.tests.DaemonTestSupport.freePort;
import static io.gatehouse.tests.DaemonTestSupport.lineOf;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log settings of the {@code [maxscale]} section changed at runtime on a daemon started from the built
 * distribution ({@code bin/gatehouse --foreground}): {@code ms_timestamp}, {@code log_augmentation},
 * {@code maxlog} and {@code log_throttling}, each changed with {@code gatectl alter maxscale}, shape the next lines
 * of {@code gatehouse.log} (a failed admin login is the line each step makes). JUnit thread; real processes.
 */
@ExtendWith(MariaDbExtension.class)
class DynamicLogGlobalsTest {
    private static final Path DIST = Path.of("..", "gatehouse-server", "target", "gatehouse-0.1.0-SNAPSHOT",
            "gatehouse-0.1.0-SNAPSHOT").toAbsolutePath().normalize();
    private int adminPort;

    @Test
    void logSettingsChangeTheNextLines(@TempDir Path dir, MariaDbCluster cluster) throws Exception {
        adminPort = freePort();
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir, freePort())
                .replace("admin_port=0", "admin_port=" + adminPort));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(DIST.resolve("bin/gatehouse").toString(), "--foreground", "--config",
                file.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Path pid = dir.resolve("gatehouse.pid");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(pid) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(pid).as(Files.readString(out)).exists();
            Path log = dir.resolve("log").resolve("gatehouse.log");

            String plain = lineOf(log, failedLogin("plainline"));
            assertThat(plain).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [A-Z].*").doesNotEndWith(")");

            alter("ms_timestamp", "true");
            assertThat(lineOf(log, failedLogin("millisline"))).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");

            alter("log_augmentation", "1");
            assertThat(lineOf(log, failedLogin("augmentedline"))).matches(".*authentication failed.* \\(\\w+\\)");

            alter("maxlog", "false");
            String gone = failedLogin("consoleonlyline");
            lineOf(out, gone);                                      // the terminal still gets it
            assertThat(Files.readString(log)).as("maxlog=false writes no file lines").doesNotContain(gone);
            alter("maxlog", "true");
            lineOf(log, failedLogin("fileagainline"));

            alter("log_throttling", "2, 60s, 60s");
            lineOf(log, failedLogin("throttleone"));
            lineOf(log, failedLogin("throttletwo"));
            String third = failedLogin("throttlethree");
            // The warning is written before the admin API answers, so the third is decided by now.
            Thread.sleep(300);
            assertThat(Files.readString(out)).as("suppressed everywhere").doesNotContain(third);
            assertThat(Files.readString(log)).as("the third of one message within the window").doesNotContain(third);

            String persisted = Files.readString(dir.resolve("maxscale.cnf"));
            assertThat(persisted).contains("ms_timestamp=true").contains("log_augmentation=1").contains("maxlog=true");
            assertThat(gatectl("api", "get", "maxscale", "data.attributes.parameters.ms_timestamp").strip())
                    .isEqualTo("true");

            p.toHandle().destroy();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    /** A failed admin login as {@code user}: the daemon logs a warning naming the user; returns that name quoted. */
    private String failedLogin(String user) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Gatectl.run(new String[] {"--timeout", "30000", "--hosts", "127.0.0.1:" + adminPort, "-u", user, "-p",
            "wrong", "show", "maxscale"}, new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).isNotZero();
        return "'" + user + "'";
    }

    private void alter(String key, String value) {
        gatectl("alter", "maxscale", key, value);
    }

    private String gatectl(String... args) {
        return DaemonTestSupport.gatectl(adminPort, args);
    }
}
