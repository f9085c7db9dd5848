package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.users.UserAccountStore;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * query_retries against a real server behind a relay that can cut connections: when the network cuts a user-account
 * load, the default query_retries=1 tries again and the accounts are refreshed; with query_retries=0 the refresh
 * fails and the old accounts stay. JUnit test thread plus the relay's own threads; no Netty buffers.
 */
class QueryRetriesTest {
    @TempDir
    static Path dir;
    static MariaDbServer server;
    static Relay relay;

    /** Forwards TCP connections to the server, closing the next {@link #drop} ones at once instead. */
    static final class Relay implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger drop = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();

        Relay(int target) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket in = socket.accept();
                        if (drop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            dropped.incrementAndGet();
                            in.close();
                            continue;
                        }
                        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                        pump(in.getInputStream(), out.getOutputStream(), in, out);
                        pump(out.getInputStream(), in.getOutputStream(), in, out);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "relay");
            t.setDaemon(true);
            t.start();
        }

        private static void pump(InputStream from, OutputStream to, Socket a, Socket b) {
            Thread t = new Thread(() -> {
                try (a; b) {
                    from.transferTo(to);
                } catch (IOException e) {
                    // one side closed: both are closed by the try
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = MariaDbServer.startStandalone(null, "retries", 94);
        relay = new Relay(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Gatehouse start(String name, String global) throws Exception {
        Path file = dir.resolve(name + ".cnf");
        Files.writeString(file, "[maxscale]\nthreads=1\nadmin_enabled=false\nlogdir=" + dir + "\npiddir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir + "/" + name + "\n" + global + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + relay.port() + "\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[L]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n");
        return Gatehouse.start(file);
    }

    /** Whether a forced reload, whose first connection the relay cuts, replaced the accounts. */
    private static boolean reloadSurvivesACut(Gatehouse gh) throws Exception {
        UserAccountStore users = gh.runtime().services().get("Svc").users();
        users.refresh(true).get();                       // the accounts as loaded before any cut
        assertThat(users.snapshot().size()).isPositive();
        int droppedBefore = relay.dropped.get();
        long before = System.nanoTime();
        relay.drop.set(1);
        users.refresh(true).get();
        assertThat(relay.dropped.get()).as("the relay cut the reload's connection").isEqualTo(droppedBefore + 1);
        return !users.olderThan(before);
    }

    @Test
    void aLoadCutByTheNetworkIsTriedAgain() throws Exception {
        try (Gatehouse gh = start("retry", "")) {
            assertThat(reloadSurvivesACut(gh)).as("reloaded with the default query_retries=1").isTrue();
        }
        try (Gatehouse gh = start("noretry", "query_retries=0\nquery_retry_timeout=5s")) {
            assertThat(reloadSurvivesACut(gh)).as("query_retries=0 gives up").isFalse();
        }
    }
}
