package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.core.server.Server;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What users rely on when things go wrong: KILL by Gatehouse's connection id, a backend killed mid-query, malformed
 * client packets. Uses its own cluster and its own Gatehouse, since it kills servers. JUnit test thread; the
 * clients here are blocking and own no Netty buffers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailureModesTest {
    private MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        cluster = MariaDbCluster.start(null, 2);
        dir = Files.createTempDirectory("gatehouse-failures");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir));
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        TempDirs.delete(dir);
    }

    private BlockingClient connect(String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gatehouse.port(listener), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(20)));
    }

    @Test
    void killWithGatehouseConnectionIdEndsThatSession() throws Exception {
        try (BlockingClient victim = connect("Write-Listener"); BlockingClient killer = connect("Write-Listener")) {
            assertThat(victim.query("SELECT 1").scalar()).isEqualTo("1");
            killer.execute("KILL " + victim.connectionId());
            assertThatThrownBy(() -> victim.query("SELECT 1")).isInstanceOf(IOException.class);
            assertThat(killer.query("SELECT 2").scalar()).isEqualTo("2");
        }
    }

    /** KILL QUERY and then KILL CONNECTION with Gatehouse's id, for streamed and for statement-routed sessions. */
    @ParameterizedTest
    @ValueSource(strings = {"Write-Listener", "Split-Listener"})
    void killQueryStopsTheStatementAndKillConnectionTheSession(String listener) throws Exception {
        try (BlockingClient victim = connect(listener); BlockingClient killer = connect(listener)) {
            CompletableFuture<Throwable> sleeping = inBackground(victim, "SELECT SLEEP(15)");
            Thread.sleep(500);
            long started = System.nanoTime();
            killer.execute("KILL QUERY " + victim.connectionId());
            Throwable outcome = sleeping.get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
            // SLEEP() returns 1 when interrupted; other statements fail with 1317. Either way it ended early.
            if (outcome != null) {
                assertThat(outcome).isInstanceOf(ServerErrorException.class);
            }
            assertThat(victim.query("SELECT 3").scalar()).isEqualTo("3");
            killer.execute("KILL CONNECTION " + victim.connectionId());
            assertThatThrownBy(() -> victim.query("SELECT 1")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void killOfAnIdNobodyHasIsPassedToTheBackend() throws Exception {
        try (BlockingClient c = connect("Write-Listener")) {
            assertThatThrownBy(() -> c.execute("KILL 3999999999"))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> assertThat(e.code()).isEqualTo(1094));
            assertThat(c.query("SELECT 4").scalar()).isEqualTo("4");
        }
    }

    @Test
    void malformedPacketsCloseOnlyThatClient() throws Exception {
        int port = gatehouse.port("Write-Listener");
        try (BlockingClient bystander = connect("Write-Listener")) {
            // A handshake response far longer than any real one.
            assertClosedAfter(port, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 1, 2, 3});
            // A truncated handshake response.
            assertClosedAfter(port, new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0});
            // Garbage instead of a handshake response.
            assertClosedAfter(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertThat(bystander.query("SELECT 5").scalar()).isEqualTo("5");
        }
        try (BlockingClient ok = connect("Write-Listener")) {
            assertThat(ok.query("SELECT 6").scalar()).isEqualTo("6");
        }
    }

    @Test
    void garbageAfterLoginClosesOnlyThatClient() throws Exception {
        // An authenticated client that sends an empty command packet is cut off; others carry on.
        try (BlockingClient bystander = connect("Write-Listener")) {
            try (Socket s = new Socket("127.0.0.1", gatehouse.port("Write-Listener"))) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] greeting = readPacket(in);
                byte[] nonce = new byte[20];
                int versionEnd = 1;
                while (greeting[versionEnd] != 0) {
                    versionEnd++;
                }
                int p = versionEnd + 1 + 4;
                System.arraycopy(greeting, p, nonce, 0, 8);
                System.arraycopy(greeting, p + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10, nonce, 8, 12);
                out.write(RawLogin.handshakeResponse(Accounts.APP_USER, Accounts.APP_PASSWORD, nonce));
                byte[] ok = readPacket(in);
                assertThat(ok[0]).isEqualTo((byte) 0x00);
                out.write(new byte[] {0, 0, 0, 0});
                out.flush();
                byte[] err = readPacket(in);
                assertThat(err[0]).isEqualTo((byte) 0xFF);
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(bystander.query("SELECT 7").scalar()).isEqualTo("7");
        }
    }

    @Test
    void backendKilledMidQueryGivesAnErrorAndTheMonitorMarksItDown() throws Exception {
        try (BlockingClient reader = connect("Read-Listener"); BlockingClient writer = connect("Write-Listener")) {
            CompletableFuture<Throwable> running = inBackground(writer, "SELECT SLEEP(20)");
            Thread.sleep(500);
            cluster.primary().kill();
            Throwable outcome = running.get(15, TimeUnit.SECONDS);
            assertThat(outcome).isNotNull();
            assertThat(outcome).isInstanceOfAny(ServerErrorException.class, IOException.class);
            if (outcome instanceof ServerErrorException e) {
                // A lost connection, as a server code: client libraries take 2013 from a server for a bad packet.
                assertThat(e.code()).isEqualTo(1927);
            }
            // Sessions on other servers keep working.
            assertThat(reader.query("SELECT 8").scalar()).isEqualTo("8");
            // failcount (5) x monitor_interval (500 ms), with room for a slow machine.
            Server primary = gatehouse.runtime().servers().get(cluster.primary().name());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5 * 1 + 3);
            while (ServerStatus.has(primary.status(), ServerStatus.RUNNING) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(ServerStatus.describe(primary.status())).isEqualTo("Down");
        } finally {
            cluster.primary().start();
            awaitStatus(cluster.primary().name(), ServerStatus.MASTER);
        }
    }

    /** Waits until the monitor has seen the server come back in a role, so later tests find it routable. */
    private void awaitStatus(String server, int bit) throws InterruptedException {
        Server s = gatehouse.runtime().servers().get(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!ServerStatus.has(s.status(), bit) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(ServerStatus.describe(s.status())).contains("Running");
    }

    /** Runs {@code sql} on another thread; completes with what it threw, or null when it succeeded. */
    private static CompletableFuture<Throwable> inBackground(BlockingClient c, String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                c.query(sql);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
    }

    private static void assertClosedAfter(int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            InputStream in = s.getInputStream();
            readPacket(in);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            // Either an ERR packet then end of stream, or end of stream at once: never a hang.
            int b;
            while ((b = in.read()) != -1) {
                assertThat(b).isGreaterThanOrEqualTo(0);
            }
        }
    }

    static byte[] readPacket(InputStream in) throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4) {
            throw new IOException("connection closed");
        }
        int len = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
        return in.readNBytes(len);
    }
}
