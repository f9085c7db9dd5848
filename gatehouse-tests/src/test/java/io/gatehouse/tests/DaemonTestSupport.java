package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cli.Gatectl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests of the packaged daemon (a separate process) share: a free port for its configuration, gatectl
 * against its admin port, and waiting for a line of its log file. Test thread; no buffers.
 */
final class DaemonTestSupport {
    private DaemonTestSupport() {
    }

    /** A loopback port free now, for a daemon's configuration file. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Runs gatectl against the daemon's admin API on {@code adminPort}; its output, failing the test on an error. */
    static String gatectl(int adminPort, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--timeout", "30000", "--hosts", "127.0.0.1:" + adminPort));
        all.addAll(List.of(args));
        int rc = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as(err.toString()).isZero();
        return out.toString();
    }

    /** Waits up to 15 s for the line of {@code file} containing {@code text} and returns it. */
    static String lineOf(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            if (Files.exists(file)) {
                var line = Files.readAllLines(file).stream().filter(l -> l.contains(text)).findFirst();
                if (line.isPresent()) {
                    return line.get();
                }
            }
            assertThat(System.nanoTime() < deadline).as("a line with %s in %s", text, file).isTrue();
            Thread.sleep(100);
        }
    }
}
