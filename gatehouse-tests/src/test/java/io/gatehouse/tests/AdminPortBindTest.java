package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An admin port that cannot be bound stops Gatehouse from starting, as MaxScale refuses to start, with a one-line
 * message naming the address; what had been started (the client listener) is closed again. Real cluster; JUnit
 * thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminPortBindTest {
    @Test
    void takenAdminPortIsFatal(MariaDbCluster cluster) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-admin-bind");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int adminPort = taken.getLocalPort();
            int listenerPort = probe.getLocalPort();
            probe.close();
            String cnf = "[maxscale]\nthreads=1\nadmin_host=127.0.0.1\nadmin_port=" + adminPort + "\nlogdir=" + dir
                    + "\ndatadir=" + dir + "\npersistdir=" + dir.resolve("persist") + "\npiddir=" + dir + "\n\n"
                    + "[primary]\ntype=server\naddress=127.0.0.1\nport=" + cluster.primary().port() + "\n\n"
                    + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=primary\nuser="
                    + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                    + "[Lis]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=" + listenerPort + "\n";
            Path file = dir.resolve("gatehouse.cnf");
            Files.writeString(file, cnf);
            assertThatThrownBy(() -> Gatehouse.start(file))
                    .hasMessageContaining("admin API cannot listen on 127.0.0.1:" + adminPort)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            try (Socket s = new Socket()) {
                assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.1", listenerPort), 2000))
                        .as("the client listener is closed again").isInstanceOf(java.io.IOException.class);
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
