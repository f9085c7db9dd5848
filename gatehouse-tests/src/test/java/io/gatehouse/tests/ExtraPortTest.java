package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's extra_port against a real server listening on an extra port: the monitor and the user-account loader
 * reach it there even when the normal port is closed, fall back to the normal port when the extra one is closed, and
 * without extra_port a closed normal port means the server is down. JUnit test thread; no Netty buffers.
 */
class ExtraPortTest {
    @TempDir
    static Path dir;
    static MariaDbServer server;
    static int extra;
    static int closed;

    @BeforeAll
    static void start() throws Exception {
        extra = freePort();
        closed = freePort();
        server = MariaDbServer.startStandalone(null, "extraport", 95,
                List.of("--extra-port=" + extra, "--extra-max-connections=20"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Gatehouse start(String name, String serverParams) throws Exception {
        Path file = dir.resolve(name + ".cnf");
        Files.writeString(file, "[maxscale]\nthreads=1\nadmin_enabled=false\nlogdir=" + dir + "\npiddir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir + "/" + name + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\n" + serverParams + "\n\n"
                + "[Mon]\ntype=monitor\nmodule=mariadbmon\nservers=db\nuser=" + Accounts.SERVICE_USER + "\npassword="
                + Accounts.SERVICE_PASSWORD + "\nmonitor_interval=200ms\nbackend_connect_timeout=1s\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[L]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n");
        return Gatehouse.start(file);
    }

    private static boolean running(Gatehouse gh) {
        return ServerStatus.has(gh.runtime().servers().get("db").status(), ServerStatus.RUNNING);
    }

    private static int accounts(Gatehouse gh) throws Exception {
        var users = gh.runtime().services().get("Svc").users();
        users.refresh(true).get();
        return users.snapshot().size();
    }

    @Test
    void monitoringAndAccountsUseTheExtraPortFirst() throws Exception {
        try (Gatehouse gh = start("viaextra", "port=" + closed + "\nextra_port=" + extra)) {
            assertThat(running(gh)).as("monitored through the extra port alone").isTrue();
            assertThat(accounts(gh)).as("accounts loaded through the extra port alone").isPositive();
        }
        try (Gatehouse gh = start("fallback", "port=" + server.port() + "\nextra_port=" + closed)) {
            assertThat(running(gh)).as("the normal port when the extra one is closed").isTrue();
            assertThat(accounts(gh)).isPositive();
        }
        try (Gatehouse gh = start("none", "port=" + closed)) {
            assertThat(running(gh)).as("no extra_port and a closed port").isFalse();
            assertThat(accounts(gh)).isZero();
        }
    }
}
