package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits that keep one client from hurting the others: the login deadline against stalled connections, the
 * largest command, the host block after failed logins, the idle and write timeouts. Each test runs its own
 * Gatehouse in front of the shared cluster; JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class LimitsTest {
    private static Gatehouse start(MariaDbCluster cluster, Path dir, String global, String listener, String service)
            throws Exception {
        String cnf = GatehouseExtension.config(cluster, dir)
                .replace("max_auth_errors_until_block=0\n", global)
                .replace("protocol=MariaDBClient\n", "protocol=MariaDBClient\n" + listener)
                .replace("router=readconnroute\n", "router=readconnroute\n" + service)
                .replace("router=readwritesplit\n", "router=readwritesplit\n" + service);
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        return Gatehouse.start(file);
    }

    private static String url(Gatehouse gh, String listener) {
        return "jdbc:mariadb://127.0.0.1:" + gh.port(listener) + "/" + Accounts.DATABASE + "?connectTimeout=10000";
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
            return scalar(c, sql);
        }
    }

    @Test
    void stalledConnectionsAreClosedByTheLoginDeadlineWhileOthersConnect(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        try (Gatehouse gh = start(cluster, dir, "max_auth_errors_until_block=0\n", "connection_init_timeout=2s\n", "")) {
            int port = gh.port("Write-Listener");
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 1000; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    s.getOutputStream().write(7);              // one byte of a handshake that never finishes
                    stalled.add(s);
                }
                long start = System.nanoTime();
                // Normal clients keep logging in while the stalled ones wait for their deadline.
                for (int i = 0; i < 5; i++) {
                    assertThat(query(url(gh, "Write-Listener"), "SELECT 1")).isEqualTo("1");
                }
                for (Socket s : stalled) {
                    s.setSoTimeout(15_000);
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // the greeting, then the error packet; the end of stream follows
                    }
                }
                // A connection the deadline missed would hit the 15 s read timeout above and fail the test; the total
                // only guards against a deadline that waits per connection (1,000 x 2 s), with room for a loaded CI.
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                assertThat(seconds).as("every stalled connection ended within the deadline's reach").isLessThan(90);
                assertThat(query(url(gh, "Write-Listener"), "SELECT 2")).isEqualTo("2");
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aCommandOverTheListenersLimitIsRefusedAndOthersGoOn(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (Gatehouse gh = start(cluster, dir, "max_auth_errors_until_block=0\n", "max_packet_size=16Mi\n", "")) {
            String big = "SELECT '" + "x".repeat(16 * 1024 * 1024 - 9) + "'";   // payload: 16 MiB + 1 byte
            for (String listener : List.of("Write-Listener", "Split-Listener")) {
                try (Connection other = DriverManager.getConnection(url(gh, listener), Accounts.APP_USER,
                        Accounts.APP_PASSWORD);
                     Connection c = DriverManager.getConnection(url(gh, listener), Accounts.APP_USER,
                             Accounts.APP_PASSWORD)) {
                    assertThatThrownBy(() -> scalar(c, big)).as(listener).isInstanceOf(SQLException.class)
                            .satisfies(e -> assertThat(e.getMessage() + ((SQLException) e).getErrorCode())
                                    .containsAnyOf("max_allowed_packet", "1153"));
                    assertThat(scalar(other, "SELECT 'still here'")).isEqualTo("still here");
                }
                // Just under the limit passes.
                String fits = "SELECT LENGTH('" + "y".repeat(16 * 1024 * 1024 - 100) + "')";
                assertThat(query(url(gh, listener), fits)).isEqualTo(String.valueOf(16 * 1024 * 1024 - 100));
            }
        }
    }

    @Test
    void aHostFailingLoginIsBlockedAndUnblockedOnTime(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (Gatehouse gh = start(cluster, dir, "max_auth_errors_until_block=3\nauth_block_time=3s\n", "", "")) {
            String url = url(gh, "Write-Listener");
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> DriverManager.getConnection(url, Accounts.APP_USER, "wrong").close())
                        .hasMessageContaining("Access denied");
            }
            long blockedAt = System.nanoTime();
            assertThatThrownBy(() -> DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD).close())
                    .hasMessageContaining("temporarily blocked");
            while (System.nanoTime() - blockedAt < 3_200_000_000L) {
                Thread.sleep(100);
            }
            assertThat(query(url, "SELECT 'unblocked'")).isEqualTo("unblocked");
        }
    }

    @Test
    void idleSessionsEndAfterWaitTimeout(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (Gatehouse gh = start(cluster, dir, "max_auth_errors_until_block=0\n", "", "wait_timeout=1s\n")) {
            for (String listener : List.of("Write-Listener", "Split-Listener")) {
                try (Connection c = DriverManager.getConnection(url(gh, listener), Accounts.APP_USER,
                        Accounts.APP_PASSWORD)) {
                    // A statement longer than the timeout is not idleness.
                    assertThat(scalar(c, "SELECT SLEEP(1.5)")).isEqualTo("0");
                    Thread.sleep(2500);
                    assertThatThrownBy(() -> scalar(c, "SELECT 1")).isInstanceOf(SQLException.class);
                }
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAfterNetWriteTimeout(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        try (Gatehouse gh = start(cluster, dir, "max_auth_errors_until_block=0\n", "", "net_write_timeout=1s\n")) {
            int port = gh.port("Write-Listener");
            try (RawSession s = RawSession.connect("127.0.0.1", port, new byte[0])) {
                assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                // About 200 MB of rows that the client never reads.
                s.send("SELECT REPEAT('z', 1000000) FROM test.seq_1_to_200");
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (gh.runtime().sessions().size() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(gh.runtime().sessions().size()).as("the stalled session was closed").isZero();
            }
            assertThat(query(url(gh, "Write-Listener"), "SELECT 3")).isEqualTo("3");
        }
    }

    @Test
    void aClientThatReadsNothingMakesGatehouseHoldNoMoreThanItsWriteQueue(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        try (Gatehouse gh = start(cluster, dir, "max_auth_errors_until_block=0\n", "", "net_write_timeout=60s\n")) {
            int port = gh.port("Write-Listener");
            try (RawSession s = RawSession.connect("127.0.0.1", port, new byte[0])) {
                assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                s.send("SELECT REPEAT('y', 1000000) FROM test.seq_1_to_200");   // about 200 MB, never read
                Thread.sleep(3000);
                var session = gh.runtime().sessions().all().iterator().next();
                // The default writeq_high_water is 64 KiB; one more read from the backend may be in flight.
                assertThat(session.pendingClientBytes()).as("bytes Gatehouse holds for the stalled client")
                        .isLessThan(64 * 1024 + 1024 * 1024);
                // The rest waits in the server: the statement is still running there.
                try (Connection c = DriverManager.getConnection(cluster.primary().jdbcUrl(),
                        Accounts.ROOT_USER, Accounts.ROOT_PASSWORD)) {
                    assertThat(scalar(c, "SELECT COUNT(*) FROM information_schema.processlist"
                            + " WHERE info LIKE 'SELECT REPEAT(''y''%'")).isEqualTo("1");
                }
            }
            assertThat(query(url(gh, "Write-Listener"), "SELECT 4")).isEqualTo("4");
        }
    }
}
