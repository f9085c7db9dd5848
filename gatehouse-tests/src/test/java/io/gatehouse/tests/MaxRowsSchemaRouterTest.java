package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reply-packet path under schemarouter: a maxrows filter ({@code max_resultset_rows=3},
 * {@code max_resultset_return=error}) on a schemarouter service over two servers holding different databases. A
 * result set of a shard within the limit arrives whole, one over it fails with error 1415 (text and binary
 * protocol), and the router's own merged SHOW DATABASES goes through the filter too (and fails, with more rows
 * than the limit). JUnit test thread.
 */
class MaxRowsSchemaRouterTest {
    @Test
    void resultSetsOfEveryShardAreLimited(@TempDir Path dir) throws Exception {
        try (MariaDbServer a = MariaDbServer.startStandalone(null, "mrsharda", 95);
             MariaDbServer b = MariaDbServer.startStandalone(null, "mrshardb", 96)) {
            a.execute("CREATE DATABASE mr1; CREATE TABLE mr1.t (id INT PRIMARY KEY);"
                    + "INSERT INTO mr1.t VALUES (1),(2),(3),(4),(5),(6)");
            b.execute("DROP DATABASE test; CREATE DATABASE mr2; CREATE TABLE mr2.u (id INT PRIMARY KEY);"
                    + "INSERT INTO mr2.u VALUES (1),(2)");
            String svc = "type=service\nrouter=schemarouter\nservers=A,B\nfilters=M\nuser=" + Accounts.SERVICE_USER
                    + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n";
            String cnf = "[maxscale]\nthreads=1\nadmin_enabled=false\n"
                    + "logdir=" + dir + "\npiddir=" + dir + "\ndatadir=" + dir + "\npersistdir=" + dir + "\n\n"
                    + "[A]\ntype=server\naddress=127.0.0.1\nport=" + a.port() + "\n\n"
                    + "[B]\ntype=server\naddress=127.0.0.1\nport=" + b.port() + "\n\n"
                    + "[M]\ntype=filter\nmodule=maxrows\nmax_resultset_rows=3\nmax_resultset_return=error\n\n"
                    + "[Shard]\n" + svc
                    + "[Shard-L]\ntype=listener\nservice=Shard\naddress=127.0.0.1\nport=0\n\n";
            Path file = dir.resolve("gatehouse.cnf");
            Files.writeString(file, cnf);
            try (Gatehouse gh = Gatehouse.start(file)) {
                Subprocess.Output small = cli(gh, "SELECT id FROM mr2.u ORDER BY id");
                assertThat(small.exitCode()).as(small.describe()).isZero();
                assertThat(small.stdout()).isEqualTo("1\n2\n");
                Subprocess.Output big = cli(gh, "SELECT id FROM mr1.t ORDER BY id");
                assertThat(big.exitCode()).as(big.describe()).isNotZero();
                assertThat(big.stderr()).contains("1415");
                try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port("Shard-L")
                        + "/mr1?useServerPrepStmts=true", Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                    try (Statement st = c.createStatement()) {
                        // The router's own merged answer (more than 3 databases) passes the filter like any other.
                        assertThatThrownBy(() -> st.executeQuery("SHOW DATABASES")).isInstanceOfSatisfying(
                                SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1415));
                        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM mr1.t")) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getInt(1)).isEqualTo(6);
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM t WHERE id > ?")) {
                        ps.setInt(1, 3);
                        try (ResultSet rs = ps.executeQuery()) {
                            int n = 0;
                            while (rs.next()) {
                                n++;
                            }
                            assertThat(n).isEqualTo(3);
                        }
                        ps.setInt(1, 0);
                        assertThatThrownBy(ps::executeQuery).isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getErrorCode()).isEqualTo(1415));
                    }
                }
            }
        }
    }

    private static Subprocess.Output cli(Gatehouse gh, String sql) throws Exception {
        return Subprocess.run(List.of("mariadb", "--no-defaults", "--protocol=TCP", "--connect-timeout=10",
                "-h127.0.0.1", "-P" + gh.port("Shard-L"), "-u" + Accounts.APP_USER, "-p" + Accounts.APP_PASSWORD,
                "-N", "-B", "-e", sql), null, Duration.ofSeconds(20));
    }
}
