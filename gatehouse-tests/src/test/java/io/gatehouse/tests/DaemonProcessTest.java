package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator runs it: {@code bin/gatehouse --config-check} and a daemon started from
 * {@code bin/gatehouse --foreground} that serves clients, writes its pid file and exits 0 on SIGTERM. Runs real
 * processes from the built distribution; JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class DaemonProcessTest {
    private static final Path DIST = Path.of("..", "gatehouse-server", "target", "gatehouse-0.1.0-SNAPSHOT",
            "gatehouse-0.1.0-SNAPSHOT").toAbsolutePath().normalize();

    @Test
    void configCheckNamesTheUnknownParameterOnOneLine(@TempDir Path dir) throws Exception {
        Path cnf = dir.resolve("bad.cnf");
        Files.writeString(cnf, "[server1]\ntype=server\naddress=127.0.0.1\nport=3306\nconnection_limit=5\n");
        Subprocess.Output out = Subprocess.run(List.of(DIST.resolve("bin/gatehouse").toString(), "--config-check",
                "--config", cnf.toString()), "", Duration.ofSeconds(60));
        assertThat(out.exitCode()).isNotZero();
        assertThat(out.stderr().strip().lines()).hasSize(1);
        assertThat(out.stderr()).contains("[server1]").contains("connection_limit").contains("'5'")
                .contains("expected:");
    }

    @Test
    void configCheckAcceptsAValidConfiguration(@TempDir Path dir, MariaDbCluster cluster) throws Exception {
        Path cnf = dir.resolve("ok.cnf");
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir));
        Subprocess.Output out = Subprocess.run(List.of(DIST.resolve("bin/gatehouse").toString(), "-c", "-f",
                cnf.toString()), "", Duration.ofSeconds(60));
        assertThat(out.exitCode()).as(out.stderr()).isZero();
    }

    @Test
    void daemonServesWritesPidAndStopsCleanlyOnSigterm(@TempDir Path dir, MariaDbCluster cluster) throws Exception {
        int port = freePort();
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, GatehouseExtension.config(cluster, dir, port));
        Process p = new ProcessBuilder(DIST.resolve("bin/gatehouse").toString(), "--foreground", "--config",
                file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            Path pid = dir.resolve("gatehouse.pid");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(pid) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(pid).as(Files.readString(dir.resolve("out.txt"))).exists();
            assertThat(Files.readString(pid).strip()).isEqualTo(String.valueOf(p.pid()));
            try (BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER,
                    Accounts.APP_PASSWORD).withTimeouts(Duration.ofSeconds(10)))) {
                assertThat(c.query("SELECT @@server_id").scalar())
                        .isEqualTo(String.valueOf(cluster.primary().serverId()));
                p.toHandle().destroy();          // SIGTERM
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
                assertThat(pid).doesNotExist();
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
