package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix sockets on both sides: a listener with {@code socket=} that the {@code mariadb} client reaches with
 * {@code -S}, in front of a server configured by its own {@code socket=}. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class UnixSocketTest {
    @Test
    void clientsAndServersOverUnixSockets(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path sock = dir.resolve("gatehouse.sock");
        String cnf = "[maxscale]\nthreads=1\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + dir + "\npiddir=" + dir + "\n\n"
                + "[primary]\ntype=server\nsocket=" + cluster.primary().socket() + "\n\n"
                + "[Mon]\ntype=monitor\nmodule=mariadbmon\nservers=primary\nuser=" + Accounts.SERVICE_USER
                + "\npassword=" + Accounts.SERVICE_PASSWORD + "\nmonitor_interval=500ms\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=master\ncluster=Mon\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Socket-Listener]\ntype=listener\nservice=Svc\nsocket=" + sock + "\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        try (Gatehouse gh = Gatehouse.start(file)) {
            Subprocess.Output out = Subprocess.run(List.of("mariadb", "--no-defaults", "-S", sock.toString(),
                    "-u" + Accounts.APP_USER, "-p" + Accounts.APP_PASSWORD, "-N", "-B", "-e",
                    "SELECT @@server_id, DATABASE() IS NULL"), "", Duration.ofSeconds(30));
            assertThat(out.exitCode()).as(out.stderr()).isZero();
            assertThat(out.stdout().strip()).isEqualTo(cluster.primary().serverId() + "\t1");
        }
        assertThat(Files.exists(sock)).as("socket file removed at stop").isFalse();
    }
}
