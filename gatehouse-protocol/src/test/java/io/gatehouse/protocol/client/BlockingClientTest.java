package io.gatehouse.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MariaDbExtension.class)
class BlockingClientTest {
    private static ClientOptions app(MariaDbServer server) {
        return ClientOptions.tcp(server.host(), server.port(), Accounts.APP_USER, Accounts.APP_PASSWORD)
                .withDatabase(Accounts.DATABASE);
    }

    @Test
    void logsInAndReportsTheServersViewOfTheSession(MariaDbServer server) throws Exception {
        try (BlockingClient c = BlockingClient.connect(app(server).withAttributes(Map.of("role", "monitor")))) {
            QueryResult r = c.query("SELECT CONNECTION_ID() AS id, CURRENT_USER() AS who, DATABASE() AS db");
            assertThat(r.columnNames()).containsExactly("id", "who", "db");
            assertThat(r.rows()).containsExactly(List.of(String.valueOf(c.connectionId()), "app@%", "test"));
            assertThat(c.greeting().isMariaDb()).isTrue();
            assertThat(c.greeting().nonce()).hasSize(20);
            assertThat(c.status() & StatusFlags.AUTOCOMMIT).isNotZero();
            c.ping();
        }
    }

    @Test
    void wrongPasswordIsAccessDenied1045(MariaDbServer server) {
        assertThatThrownBy(() -> BlockingClient.connect(app(server).withCredentials(Accounts.APP_USER, "nope")))
                .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                    assertThat(e.code()).isEqualTo(1045);
                    assertThat(e.sqlState()).isEqualTo("28000");
                    assertThat(e.serverMessage()).startsWith("Access denied for user 'app'@'")
                            .endsWith("(using password: YES)");
                });
    }

    @Test
    void unknownDatabaseIs1049(MariaDbServer server) {
        assertThatThrownBy(() -> BlockingClient.connect(app(server).withDatabase("no_such_db")))
                .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                    assertThat(e.code()).isEqualTo(1049);
                    assertThat(e.sqlState()).isEqualTo("42000");
                    assertThat(e.serverMessage()).isEqualTo("Unknown database 'no_such_db'");
                });
    }

    @Test
    void loginWithSha1OfThePasswordInsteadOfThePassword(MariaDbServer server) throws Exception {
        byte[] sha1 = NativePassword.sha1(Accounts.APP_PASSWORD.getBytes(StandardCharsets.UTF_8));
        try (BlockingClient c = BlockingClient.connect(app(server).withPasswordSha1(sha1))) {
            assertThat(c.query("SELECT 1").scalar()).isEqualTo("1");
        }
    }

    @Test
    void followsAnAuthenticationSwitchToNativePassword(MariaDbServer server) throws Exception {
        // Announcing another plugin makes the server switch us to the account's plugin with a fresh request.
        try (BlockingClient c = BlockingClient.connect(app(server), "client_ed25519")) {
            assertThat(c.query("SELECT CURRENT_USER()").scalar()).isEqualTo("app@%");
        }
    }

    @Test
    void accountsWithPluginsItCannotDoFailWithAClearError(MariaDbServer server) {
        server.execute("INSTALL PLUGIN IF NOT EXISTS ed25519 SONAME 'auth_ed25519'");
        server.execute("CREATE USER IF NOT EXISTS 'eduser'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('edpwd')");
        assertThatThrownBy(() -> BlockingClient.connect(ClientOptions.tcp(server.host(), server.port(), "eduser",
                "edpwd"))).isInstanceOfSatisfying(AuthPluginException.class, e -> {
                    assertThat(e.plugin()).isEqualTo("client_ed25519");
                    assertThat(e.getMessage()).contains("client_ed25519", "eduser", "mysql_native_password");
                });
    }

    @Test
    void nullsEmptyStringsAndTheWordNullAreDifferent(MariaDbServer server) throws Exception {
        try (BlockingClient c = BlockingClient.connect(app(server))) {
            QueryResult r = c.query("SELECT NULL AS n, '' AS e, 'NULL' AS s, 42 AS i UNION ALL "
                    + "SELECT 'a', NULL, NULL, NULL");
            assertThat(r.isResultSet()).isTrue();
            assertThat(r.columnNames()).containsExactly("n", "e", "s", "i");
            assertThat(r.rows()).containsExactly(Arrays.asList(null, "", "NULL", "42"),
                    Arrays.asList("a", null, null, null));
            assertThat(r.value(1, "N")).isEqualTo("a");
            QueryResult empty = c.query("SELECT 1 AS x FROM DUAL WHERE 1 = 0");
            assertThat(empty.isResultSet()).isTrue();
            assertThat(empty.rowCount()).isZero();
        }
    }

    @Test
    void okResultsCarryAffectedRowsInsertIdAndInfo(MariaDbServer server) throws Exception {
        try (BlockingClient c = BlockingClient.connect(app(server))) {
            c.execute("CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            QueryResult ins = c.query("INSERT INTO t (v) VALUES (1), (2), (3)");
            assertThat(ins.isResultSet()).isFalse();
            assertThat(ins.affectedRows()).isEqualTo(3);
            assertThat(ins.lastInsertId()).isEqualTo(1);
            assertThat(ins.info()).isEqualTo("Records: 3  Duplicates: 0  Warnings: 0");
            QueryResult upd = c.query("UPDATE t SET v = v + 1 WHERE id > 1");
            assertThat(upd.affectedRows()).isEqualTo(2);
            assertThat(upd.info()).startsWith("Rows matched: 2  Changed: 2");
            assertThat(c.query("SELECT CAST('x' AS SIGNED)").warnings()).isEqualTo(1);
        }
    }

    @Test
    void multipleResultsAreAllReturnedAndAnErrorLeavesTheConnectionUsable(MariaDbServer server)
            throws Exception {
        try (BlockingClient c = BlockingClient.connect(app(server))) {
            List<QueryResult> all = c.queryAll("SELECT 1 AS a; SELECT 2 AS b, 3 AS c; DO 1");
            assertThat(all).hasSize(3);
            assertThat(all.get(0).rows()).containsExactly(List.of("1"));
            assertThat(all.get(1).columnNames()).containsExactly("b", "c");
            assertThat(all.get(2).isResultSet()).isFalse();
            assertThat(c.query("SELECT 'first'; SELECT 'second'").scalar()).isEqualTo("first");
            assertThatThrownBy(() -> c.queryAll("SELECT 1; SELECT * FROM no_such_table"))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> assertThat(e.code()).isEqualTo(1146));
            assertThatThrownBy(() -> c.execute("SELEC 1"))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> assertThat(e.sqlState())
                            .isEqualTo("42000"));
            assertThat(c.isOpen()).isTrue();
            assertThat(c.query("SELECT 'still here'").scalar()).isEqualTo("still here");
        }
    }

    @Test
    void seventeenMebibyteValuesTravelBothWays(MariaDbServer server) throws Exception {
        int size = 17 * 1024 * 1024;
        try (BlockingClient c = BlockingClient.connect(app(server).withTimeouts(Duration.ofSeconds(60)))) {
            String value = c.query("SELECT REPEAT('x', " + size + ")").scalar();
            assertThat(value).hasSize(size);
            assertThat(value.chars().allMatch(ch -> ch == 'x')).isTrue();

            String big = "y".repeat(size);
            assertThat(c.query("SELECT LENGTH('" + big + "')").scalar()).isEqualTo(String.valueOf(size));
            assertThat(c.query("SELECT 'after'").scalar()).isEqualTo("after");
        }
    }

    @Test
    void packetsOfExactlyTheMaximumSizeNeedTheEmptyTrailer(MariaDbServer server) throws Exception {
        try (BlockingClient c = BlockingClient.connect(app(server).withTimeouts(Duration.ofSeconds(60)))) {
            // A row of one value: 4-byte length prefix + value = exactly 0xFFFFFF payload bytes.
            int value = Packets.MAX_PAYLOAD - 4;
            assertThat(c.query("SELECT REPEAT('z', " + value + ")").scalar()).hasSize(value);
            // COM_QUERY byte + SQL text = exactly 0xFFFFFF payload bytes.
            String prefix = "SELECT LENGTH('";
            String suffix = "')";
            int fill = Packets.MAX_PAYLOAD - 1 - prefix.length() - suffix.length();
            String sql = prefix + "q".repeat(fill) + suffix;
            assertThat(c.query(sql).scalar()).isEqualTo(String.valueOf(fill));
            c.ping();
        }
    }

    @Test
    void connectsOverTheUnixSocket(MariaDbServer server) throws Exception {
        ClientOptions opts = ClientOptions.unixSocket(server.socket(), Accounts.ROOT_USER, Accounts.ROOT_PASSWORD);
        try (BlockingClient c = BlockingClient.connect(opts)) {
            assertThat(c.query("SELECT USER()").scalar()).isEqualTo("root@localhost");
        }
    }

    @Test
    void readTimeoutIsHonouredAndClosesTheClient(MariaDbServer server) throws Exception {
        BlockingClient c = BlockingClient.connect(app(server).withReadTimeout(Duration.ofSeconds(1)));
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.query("SELECT SLEEP(5)")).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("read timed out after 1000 ms");
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).isBetween(900L, 2500L);
            assertThat(c.isOpen()).isFalse();
            assertThatThrownBy(c::ping).isInstanceOf(IOException.class).hasMessageContaining("closed");
        } finally {
            c.close();
        }
    }

    @Test
    void killFromASideConnectionEndsTheOtherSession(MariaDbServer server) throws Exception {
        try (BlockingClient victim = BlockingClient.connect(app(server));
             BlockingClient killer = BlockingClient.connect(app(server))) {
            killer.execute("KILL " + victim.connectionId());
            assertThatThrownBy(() -> victim.query("SELECT 1"))
                    .isInstanceOfAny(IOException.class, ServerErrorException.class);
            assertThatThrownBy(() -> killer.execute("KILL 987654321"))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                        assertThat(e.code()).isEqualTo(1094);
                        assertThat(e.serverMessage()).isEqualTo("Unknown thread id: 987654321");
                    });
        }
    }

    @Test
    void refusedConnectionIsAnIoException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, "u", "p")
                .withConnectTimeout(Duration.ofSeconds(2)))).isInstanceOf(ConnectException.class);
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail(MariaDbServer server) throws Exception {
        BlockingClient c = BlockingClient.connect(app(server));
        c.close();
        c.close();
        assertThatThrownBy(() -> c.query("SELECT 1")).isInstanceOf(IOException.class);
    }

    @Test
    void showAllSlavesStatusOnAReplicaMatchesTheCommandLineClient(MariaDbCluster cluster) throws Exception {
        MariaDbServer replica = cluster.replicas().get(0);
        ClientOptions opts = ClientOptions.tcp(replica.host(), replica.port(), Accounts.SERVICE_USER,
                Accounts.SERVICE_PASSWORD);
        try (BlockingClient c = BlockingClient.connect(opts)) {
            QueryResult r = c.query("SHOW ALL SLAVES STATUS");
            assertThat(r.rowCount()).isEqualTo(1);
            Map<String, String> row = r.rowAsMap(0);
            assertThat(row).containsEntry("Connection_name", "")
                    .containsEntry("Master_Host", cluster.primary().host())
                    .containsEntry("Master_Port", String.valueOf(cluster.primary().port()))
                    .containsEntry("Using_Gtid", "Slave_Pos");
            assertThat(row).containsKeys("Slave_IO_Running", "Slave_SQL_Running", "Gtid_IO_Pos",
                    "Seconds_Behind_Master", "Retried_transactions");
            Map<String, String> cli = replica.queryMaps("SHOW ALL SLAVES STATUS").get(0);
            assertThat(row.keySet()).containsExactlyElementsOf(cli.keySet());
            for (String stable : List.of("Master_Host", "Master_User", "Master_Port", "Using_Gtid",
                    "Connection_name", "Replicate_Do_DB", "Master_Server_Id")) {
                assertThat(row.get(stable)).as(stable).isEqualTo(cli.get(stable));
            }
        }
    }
}
