package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Memory stays bounded per session for every router, and through a service over a service (a child session): a
 * client that asks for 500 MB and reads nothing, and a client that pipelines COM_PING behind a long statement, make
 * Gatehouse hold no more than its write queues, while another client on the same worker is served as usual; the
 * stalled client later gets every byte. Gatehouse runs in this JVM with one worker, so its heap and direct memory
 * are measured here. JUnit test thread plus one writer thread.
 */
@ExtendWith(MariaDbExtension.class)
class SessionMemoryTest {
    private static final long LIMIT = 32L * 1024 * 1024;
    private static final int ROWS = 500;
    private static final int ROW_BYTES = 1_000_000;

    private static Gatehouse start(MariaDbCluster cluster, Path dir) throws Exception {
        // One worker: the stalled session and the other clients share its event loop.
        String cnf = GatehouseExtension.config(cluster, dir).replace("threads=2", "threads=1")
                // A service over a service: the child session's connections must be held back too.
                + "[Over-Split]\ntype=service\nrouter=schemarouter\ntargets=Split-Service\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Over-Listener]\ntype=listener\nservice=Over-Split\naddress=127.0.0.1\nport=0\n\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        return Gatehouse.start(file);
    }

    /** Heap after a collection plus the direct memory Netty holds: what Gatehouse's buffers can grow. */
    private static long used() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = Math.max(PlatformDependent.usedDirectMemory(), 0)
                + PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        return heap + direct;
    }

    private static void selectOneStaysQuick(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
             Statement s = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                try (ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                }
                // Not a speed measurement: a worker busy copying a stalled result would take seconds here.
                assertThat((System.nanoTime() - t0) / 1_000_000).as("SELECT 1 beside the stalled client, ms")
                        .isLessThan(1000);
            }
        }
    }

    private static String url(Gatehouse gh, String listener) {
        return "jdbc:mariadb://127.0.0.1:" + gh.port(listener) + "/" + Accounts.DATABASE + "?connectTimeout=10000";
    }

    @ParameterizedTest
    @ValueSource(strings = {"Split-Listener", "Read-Listener", "Over-Listener"})
    void aClientThatReadsNothingOf500MbCostsLessThan32Mb(String listener, MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        try (Gatehouse gh = start(cluster, dir)) {
            int port = gh.port(listener);
            selectOneStaysQuick(url(gh, listener));              // warm up: pools, classes, the monitor's first pass
            long before = used();
            try (RawSession s = RawSession.connect("127.0.0.1", port, new byte[0])) {
                assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                s.send("SELECT REPEAT('y', " + ROW_BYTES + ") FROM test.seq_1_to_" + ROWS);
                Thread.sleep(3000);
                long grown = used() - before;
                assertThat(grown).as("memory Gatehouse holds for a client that reads nothing").isLessThan(LIMIT);
                selectOneStaysQuick(url(gh, listener));
                assertThat(used() - before).isLessThan(LIMIT);
                s.readTimeout(60_000);
                long[] got = s.readResultSet();
                assertThat(got[0]).as("rows").isEqualTo(ROWS);
                // Each row: a 3-byte length prefix and the value.
                assertThat(got[1]).as("bytes").isEqualTo((long) ROWS * (ROW_BYTES + 4));
                assertThat(s.scalar("SELECT 5")).isEqualTo("5");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Split-Listener", "Write-Listener"})
    void pingsPipelinedBehindALongStatementAreNotBuffered(String listener, MariaDbCluster cluster,
                                                          @TempDir Path dir) throws Exception {
        try (Gatehouse gh = start(cluster, dir)) {
            int port = gh.port(listener);
            selectOneStaysQuick(url(gh, listener));
            long before = used();
            AtomicLong written = new AtomicLong();
            RawSession s = RawSession.connect("127.0.0.1", port, new byte[0]);
            Thread writer = null;
            try {
                assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                s.send("SELECT SLEEP(20)");
                byte[] pings = new byte[64 * 1024 / 5 * 5];
                for (int i = 0; i < pings.length; i += 5) {
                    pings[i] = 1;                                // length 1, sequence 0, COM_PING
                    pings[i + 4] = 0x0E;
                }
                writer = new Thread(() -> {
                    try {
                        while (written.get() < (1L << 30)) {    // 1 GiB, if nothing stops the writer
                            s.sendRaw(pings);
                            written.addAndGet(pings.length);
                        }
                    } catch (Exception e) {
                        // The socket was closed at the end of the test: the writer was blocked, as it should be.
                    }
                }, "ping-writer");
                writer.setDaemon(true);
                writer.start();
                // Wait until the writer stops moving for a whole second: on a loaded machine the proxy may take
                // a few seconds to fill its bounded queue and the socket buffers; a proxy that never stops reading
                // would let the writer run on to 1 GiB, past the bound below.
                long stalledAt = -1;
                long deadline = System.nanoTime() + 15_000_000_000L;  // within the statement's 20 seconds
                while (System.nanoTime() < deadline) {
                    long now = written.get();
                    if (now == stalledAt) {
                        break;
                    }
                    stalledAt = now;
                    Thread.sleep(1000);
                }
                assertThat(written.get()).as("the writer is held back").isEqualTo(stalledAt).isLessThan(256L << 20);
                assertThat(used() - before).as("memory for pipelined pings").isLessThan(LIMIT);
                selectOneStaysQuick(url(gh, listener));
            } finally {
                s.close();
                if (writer != null) {
                    writer.join(10_000);
                }
            }
            // The session goes away with its client, and its statement with it.
            long deadline = System.nanoTime() + 25_000_000_000L;
            while (gh.runtime().sessions().size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(gh.runtime().sessions().size()).isZero();
        }
    }

    @Test
    void aBigCommandArrivingInSmallPiecesIsJoined(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (Gatehouse gh = start(cluster, dir);
             RawSession s = RawSession.connect("127.0.0.1", gh.port("Split-Listener"), new byte[0])) {
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
            // A 20 MB statement: two protocol packets, sent 4 KiB at a time.
            int value = 20 * 1024 * 1024;
            byte[] sql = ("SELECT LENGTH('" + "z".repeat(value) + "')").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] cmd = new byte[sql.length + 1];
            cmd[0] = 0x03;
            System.arraycopy(sql, 0, cmd, 1, sql.length);
            java.io.ByteArrayOutputStream framed = new java.io.ByteArrayOutputStream();
            int seq = 0;
            int at = 0;
            while (true) {
                int n = Math.min(0xFFFFFF, cmd.length - at);
                framed.write(n);
                framed.write(n >> 8);
                framed.write(n >> 16);
                framed.write(seq++);
                framed.write(cmd, at, n);
                at += n;
                if (n < 0xFFFFFF) {
                    break;
                }
            }
            byte[] all = framed.toByteArray();
            for (int i = 0; i < all.length; i += 4096) {
                s.sendRaw(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + 4096)));
            }
            s.readTimeout(60_000);
            assertThat(s.scalarReply()).isEqualTo(String.valueOf(value));
        }
    }
}
