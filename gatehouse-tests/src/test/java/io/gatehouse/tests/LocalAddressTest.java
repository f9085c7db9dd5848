package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global {@code local_address} against a real server: the routed session, the user-account loader and the
 * monitor all reach the server from 127.0.0.2 when it is set, and from 127.0.0.1 (the system's choice) when it is
 * not; the server's process list is the judge. JUnit test thread; blocking clients own no Netty buffers.
 */
class LocalAddressTest {
    @TempDir
    static Path dir;
    static MariaDbServer server;

    @BeforeAll
    static void start() {
        server = MariaDbServer.startStandalone(null, "localaddr", 91);
        server.execute("CREATE USER 'lamon'@'%' IDENTIFIED BY 'lamonpw';"
                + " GRANT REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'lamon'@'%'");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Gatehouse start(String name, String global) throws Exception {
        Path file = dir.resolve(name + ".cnf");
        Files.writeString(file, "[maxscale]\nthreads=1\nadmin_enabled=false\nlogdir=" + dir + "\npiddir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir + "/" + name + "\n" + global + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + server.port() + "\n\n"
                + "[Mon]\ntype=monitor\nmodule=mariadbmon\nservers=db\nuser=lamon\npassword=lamonpw\n"
                + "monitor_interval=200ms\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[L]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n");
        return Gatehouse.start(file);
    }

    /** The client address the server sees for the session routed through {@code gh}. */
    private static String routedFrom(Gatehouse gh) throws Exception {
        ClientOptions opts = ClientOptions.tcp("127.0.0.1", gh.port("L"), Accounts.APP_USER, Accounts.APP_PASSWORD)
                .withTimeouts(Duration.ofSeconds(10)).withDatabase(Accounts.DATABASE);
        try (BlockingClient c = BlockingClient.connect(opts)) {
            return c.query("SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()").scalar();
        }
    }

    /**
     * The addresses of the monitor's connections once they all come from {@code expected} (the monitor connects on
     * its first pass; a stopped instance's connections take a moment to leave the list), or as last seen.
     */
    private static List<String> monitorFrom(String expected) throws Exception {
        List<String> hosts = List.of();
        for (int i = 0; i < 100; i++) {
            hosts = server.query("SELECT HOST FROM information_schema.PROCESSLIST WHERE USER = 'lamon'").stream()
                    .map(r -> r.get(0).replaceAll(":\\d+$", "")).toList();
            if (!hosts.isEmpty() && hosts.stream().allMatch(expected::equals)) {
                break;
            }
            Thread.sleep(100);
        }
        return hosts;
    }

    @Test
    void connectionsToServersComeFromLocalAddress() throws Exception {
        Assumptions.assumeTrue(canBind127002(), "127.0.0.2 is not usable here");
        try (Gatehouse gh = start("bound", "local_address=127.0.0.2")) {
            // The login itself needed the accounts, loaded from 127.0.0.2 as well.
            assertThat(routedFrom(gh)).startsWith("127.0.0.2:");
            assertThat(monitorFrom("127.0.0.2")).containsOnly("127.0.0.2");
        }
        try (Gatehouse gh = start("unbound", "")) {
            assertThat(routedFrom(gh)).startsWith("127.0.0.1:");
            assertThat(monitorFrom("127.0.0.1")).containsOnly("127.0.0.1");
        }
    }

    private static boolean canBind127002() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
