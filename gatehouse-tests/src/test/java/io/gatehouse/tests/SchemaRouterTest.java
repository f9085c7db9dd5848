package io.gatehouse.tests;

import static io.gatehouse.tests.ShardBed.rows;
import static io.gatehouse.tests.ShardBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * schemarouter in front of two independent servers (no replication) holding different databases: db1 on server A
 * (server_id 91), db2 on server B (server_id 92). Real clients (MariaDB Connector/J, the mariadb CLI) must see one
 * server: merged SHOW DATABASES, USE and qualified names reaching the owning server, writes landing there, SHOW
 * SHARDS, a traced session naming the rule and the shard of each statement, a table on both servers refused with
 * MaxScale's error, and bad parameters refused at start. JUnit test
 * thread; the clients own no Netty buffers.
 */
class SchemaRouterTest {
    @TempDir
    static Path dir;
    static TwoServerBed bed;
    static MariaDbServer a;
    static MariaDbServer b;
    static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        bed = TwoServerBed.start("sharda", 91, "shardb", 92);
        a = bed.a();
        b = bed.b();
        ShardBed.fill(a, b);
        gatehouse = bed.startGatehouse(dir, config("", dir));
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /** Servers A and B, and schemarouter services over both; {@code extra} is added to the Shard service. */
    private static String config(String extra, Path dir) {
        String svc = "type=service\nrouter=schemarouter\nservers=A,B\nuser=" + Accounts.SERVICE_USER + "\npassword="
                + Accounts.SERVICE_PASSWORD + "\n";
        return bed.baseConfig(dir)
                + "[Shard]\n" + svc + extra + "\n"
                + "[Shard-Dup]\n" + svc + "\n"
                + "[Shard-Ignore]\n" + svc + "ignore_tables_regex=^dup\\.\n\n"
                + "[Shard-Refresh]\n" + svc + "refresh_databases=true\nrefresh_interval=1s\n\n"
                + listener("Shard") + listener("Shard-Dup") + listener("Shard-Ignore") + listener("Shard-Refresh");
    }

    private static String listener(String service) {
        return "[" + service + "-L]\ntype=listener\nservice=" + service + "\naddress=127.0.0.1\nport=0\n\n";
    }

    private static Connection connect(String service, String db) throws SQLException {
        return ShardBed.connect(gatehouse.port(service + "-L"), db);
    }

    @Test
    void aTracedSessionNamesTheShardRuleAndTarget() throws Exception {
        try (io.gatehouse.protocol.client.BlockingClient c = io.gatehouse.protocol.client.BlockingClient.connect(
                io.gatehouse.protocol.client.ClientOptions.tcp("127.0.0.1", gatehouse.port("Shard-L"), Accounts.APP_USER,
                        Accounts.APP_PASSWORD).withDatabase("db2"))) {
            var sessions = gatehouse.runtime().sessions();
            assertThat(sessions.trace(c.connectionId(), true)).isTrue();
            assertThat(c.query("SELECT v FROM db1.t WHERE id = 1").scalar()).isEqualTo("on-a");
            c.execute("SET @traced = 1");
            c.query("SELECT 1");
            var entries = sessions.traceEntries(c.connectionId());
            assertThat(entries).hasSize(3);
            assertThat(entries.get(0).rule()).isEqualTo("the statement goes to the server holding every table it names");
            assertThat(entries.get(0).facts()).contains("current database: db2", "tables: db1.t (held by: A)")
                    .anySatisfy(f -> assertThat(f).startsWith("candidate B: Running"));
            assertThat(entries.get(0).target()).isEqualTo("A");
            assertThat(entries.get(1).rule()).startsWith("a session command");
            assertThat(entries.get(1).target()).isIn("A", "B");
            assertThat(entries.get(2).rule()).startsWith("no table decides: the server of the current database");
            assertThat(entries.get(2).target()).isEqualTo("B");
        }
    }

    @Test
    void connectorJSeesOneServer() throws Exception {
        try (Connection c = connect("Shard", ""); Statement st = c.createStatement()) {
            List<String> dbs = rows(st, "SHOW DATABASES").stream().map(r -> r.get(0)).toList();
            assertThat(dbs).contains("db1", "db2", "test", "mysql", "information_schema");
            assertThat(new HashSet<>(dbs)).as("each database once").hasSize(dbs.size());

            st.execute("USE db2");
            assertThat(scalar(st, "SELECT @@server_id")).isEqualTo("92");
            assertThat(scalar(st, "SELECT v FROM t2")).isEqualTo("on-b");
            // A qualified name goes to its owner whatever the current database is.
            assertThat(rows(st, "SELECT @@server_id, v FROM db1.t WHERE id = 1")).containsExactly(List.of("91", "on-a"));

            // Writes land on the owning server.
            st.executeUpdate("INSERT INTO db1.t VALUES (2, 'written-a')");
            st.executeUpdate("INSERT INTO t2 VALUES (2, 'written-b')");
            assertThat(a.queryValue("SELECT v FROM db1.t WHERE id = 2")).isEqualTo("written-a");
            assertThat(b.queryValue("SELECT v FROM db2.t2 WHERE id = 2")).isEqualTo("written-b");

            // A session command reaches every shard.
            st.execute("SET @marker = 'everywhere'");
            assertThat(scalar(st, "SELECT @marker FROM t2 LIMIT 1")).isEqualTo("everywhere");
            assertThat(scalar(st, "SELECT @marker FROM db1.t LIMIT 1")).isEqualTo("everywhere");

            // Server-side prepared statements on both shards keep apart (each server numbers its own).
            try (PreparedStatement onA = c.prepareStatement("SELECT v FROM db1.t WHERE id = ?");
                 PreparedStatement onB = c.prepareStatement("SELECT v FROM db2.t2 WHERE id = ?")) {
                onA.setInt(1, 1);
                onB.setInt(1, 1);
                try (ResultSet r1 = onB.executeQuery()) {
                    assertThat(r1.next()).isTrue();
                    assertThat(r1.getString(1)).isEqualTo("on-b");
                }
                try (ResultSet r2 = onA.executeQuery()) {
                    assertThat(r2.next()).isTrue();
                    assertThat(r2.getString(1)).isEqualTo("on-a");
                }
            }

            List<List<String>> shards = rows(st, "SHOW SHARDS");
            assertThat(shards).contains(List.of("db1.t", "A"), List.of("db2.t2", "B"), List.of("db1.", "A"),
                    List.of("db2.", "B"), List.of("test.", "A"));
            assertThat(shards).doesNotContain(List.of("db1.t", "B"), List.of("db2.t2", "A"));
        } finally {
            a.execute("DELETE FROM db1.t WHERE id = 2");
            b.execute("DELETE FROM db2.t2 WHERE id = 2");
        }
    }

    @Test
    void connectDatabaseIsSetOnlyWhereItLives() throws Exception {
        try (Connection c = connect("Shard", "db2"); Statement st = c.createStatement()) {
            assertThat(scalar(st, "SELECT DATABASE()")).isEqualTo("db2");
            assertThat(rows(st, "SELECT @@server_id, v FROM t2")).containsExactly(List.of("92", "on-b"));
        }
        assertThatThrownBy(() -> connect("Shard", "nosuchdb").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1049));
    }

    private static Subprocess.Output cli(String db, String sql) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mariadb", "--no-defaults", "--protocol=TCP",
                "--connect-timeout=10", "-h127.0.0.1", "-P" + gatehouse.port("Shard-L"), "-u" + Accounts.APP_USER,
                "-p" + Accounts.APP_PASSWORD, "-N", "-B"));
        if (db != null) {
            cmd.add(db);
        }
        cmd.add("-e");
        cmd.add(sql);
        return Subprocess.run(cmd, null, Duration.ofSeconds(20));
    }

    @Test
    void mariadbCliSeesOneServer() throws Exception {
        Subprocess.Output out = cli(null, "SHOW DATABASES; USE db2; SELECT @@server_id; SELECT v FROM t2;"
                + " SELECT v FROM db1.t WHERE id = 1; SHOW SHARDS");
        assertThat(out.exitCode()).as(out.describe()).isZero();
        List<String> lines = out.stdout().lines().toList();
        assertThat(lines).contains("db1", "db2", "92", "on-b", "on-a", "db1.t\tA", "db2.t2\tB");
        assertThat(lines.stream().filter("mysql"::equals).count()).as("mysql listed once").isEqualTo(1);

        Subprocess.Output withDb = cli("db1", "SELECT @@server_id, v FROM t WHERE id = 1");
        assertThat(withDb.exitCode()).as(withDb.describe()).isZero();
        assertThat(withDb.stdout().strip()).isEqualTo("91\ton-a");
    }

    @Test
    void duplicateTableIsRefusedUnlessIgnored() throws Exception {
        a.execute("CREATE DATABASE dup; CREATE TABLE dup.t (id INT)");
        b.execute("CREATE DATABASE dup; CREATE TABLE dup.t (id INT)");
        try {
            assertThatThrownBy(() -> connect("Shard-Dup", "").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        // MaxScale's 5000 is in the client-library range Connector/C reads as a malformed packet:
                        // Gatehouse sends such codes as 1105 (ErrPacket), keeping the SQLSTATE and the message.
                        assertThat(e.getErrorCode()).isEqualTo(1105);
                        assertThat(e.getSQLState()).isEqualTo("DUPDB");
                        assertThat(e.getMessage()).contains("duplicate tables found on two different shards");
                    });
            try (Connection c = connect("Shard-Ignore", ""); Statement st = c.createStatement()) {
                assertThat(rows(st, "SHOW SHARDS")).contains(List.of("dup.t", "A"), List.of("dup.t", "B"));
                assertThat(scalar(st, "SELECT v FROM db1.t WHERE id = 1")).isEqualTo("on-a");
            }
        } finally {
            a.execute("DROP DATABASE dup");
            b.execute("DROP DATABASE dup");
        }
    }

    @Test
    void refreshDatabasesMapsAgainForAnUnknownDatabase() throws Exception {
        try (Connection c = connect("Shard-Refresh", ""); Statement st = c.createStatement()) {
            assertThat(rows(st, "SHOW DATABASES").stream().map(r -> r.get(0))).doesNotContain("db3");
            b.execute("CREATE DATABASE db3; CREATE TABLE db3.t3 (v VARCHAR(10)); INSERT INTO db3.t3 VALUES ('new-b')");
            // The map must be older than refresh_interval (1s) before a failed USE maps the servers again.
            Thread.sleep(1200);
            st.execute("USE db3");
            assertThat(rows(st, "SELECT @@server_id, v FROM t3")).containsExactly(List.of("92", "new-b"));
            assertThat(rows(st, "SHOW DATABASES").stream().map(r -> r.get(0))).contains("db3");
        } finally {
            b.execute("DROP DATABASE IF EXISTS db3");
        }
    }

    @Test
    void badParametersAreRefusedAtStart() throws Exception {
        assertRefused("refresh_interval=500ms\n", "refresh_interval", "500ms");
        assertRefused("refresh_interval=0s\n", "refresh_interval", "0s");
        assertRefused("max_staleness=1500ms\n", "max_staleness", "1500ms");
        assertRefused("ignore_tables=justatable\n", "ignore_tables", "justatable");
        assertRefused("ignore_tables_regex=(unclosed\n", "ignore_tables_regex", "(unclosed");
        assertRefused("refresh_databases=maybe\n", "refresh_databases", "maybe");
    }

    private static void assertRefused(String extra, String parameter, String value) throws Exception {
        // Its own directories: the running Gatehouse's persisted sections would stand in for the file's.
        Path cnf = TwoServerBed.badConfig(dir, badDir -> config(extra, badDir));
        assertThatThrownBy(() -> Gatehouse.start(cnf).close())
                .hasMessageContaining("[Shard]").hasMessageContaining(parameter).hasMessageContaining(value);
    }
}
