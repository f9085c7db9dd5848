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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reply-packet path keeps a session's memory bounded: with a filter that looks at every reply packet (psreuse)
 * on readwritesplit and readconnroute, a client that asks for 200 MB and reads nothing makes Gatehouse hold less
 * than 32 MB, and later gets every byte; a 20 MB value (a row of several wire packets) reaches a real client intact
 * with valid sequence numbers. Gatehouse runs in this JVM with one worker, so its heap and direct memory are measured
 * here. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class ReplyPacketMemoryTest {
    private static final long LIMIT = 32L * 1024 * 1024;
    private static final int ROWS = 200;
    private static final int ROW_BYTES = 1_000_000;

    private static Gatehouse start(MariaDbCluster cluster, Path dir) throws Exception {
        String cnf = FilterBed.config(cluster, dir, "module=psreuse", "master").replace("threads=2", "threads=1");
        assertThat(cnf).contains("threads=1");
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

    private static Connection connect(Gatehouse gh, String listener) throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + gh.port(listener) + "/" + Accounts.DATABASE
                + "?connectTimeout=10000";
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                return DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);                         // the monitor's first pass has not named the servers yet
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {FilterBed.SPLIT, FilterBed.CONN})
    void aClientThatReadsNothingStaysBoundedThroughAReplyPacketFilter(String listener, MariaDbCluster cluster,
                                                                      @TempDir Path dir) throws Exception {
        try (Gatehouse gh = start(cluster, dir)) {
            try (Connection c = connect(gh, listener); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT REPEAT('v', 20000000), 'end'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).hasSize(20_000_000);
                assertThat(rs.getString(2)).isEqualTo("end");
            }
            // MySQL Connector/J checks that sequence numbers count up without a gap, 16 MiB pieces included.
            try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + gh.port(listener) + "/"
                    + Accounts.DATABASE + "?useSSL=false&allowPublicKeyRetrieval=true&maxAllowedPacket=67108864",
                    Accounts.APP_USER, Accounts.APP_PASSWORD);
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT REPEAT('w', 17000000), 'end'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).hasSize(17_000_000);
                assertThat(rs.getString(2)).isEqualTo("end");
            }
            long before = used();
            try (RawSession s = RawSession.connect("127.0.0.1", gh.port(listener), new byte[0])) {
                assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                s.send("SELECT REPEAT('y', " + ROW_BYTES + ") FROM test.seq_1_to_" + ROWS);
                Thread.sleep(3000);
                assertThat(used() - before).as("memory Gatehouse holds for a client that reads nothing")
                        .isLessThan(LIMIT);
                s.readTimeout(60_000);
                long[] got = s.readResultSet();
                assertThat(got[0]).as("rows").isEqualTo(ROWS);
                assertThat(got[1]).as("bytes").isEqualTo((long) ROWS * (ROW_BYTES + 4));
                assertThat(s.scalar("SELECT 5")).isEqualTo("5");
            }
        }
    }
}
