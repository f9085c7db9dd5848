package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The psreuse filter through readwritesplit and readconnroute: a connection that prepares the same SQL again and
 * again (binary protocol, MariaDB and MySQL Connector/J without their own statement caches) prepares it on the
 * servers once, the reused statement runs with new parameters correctly, COM_RESET_CONNECTION makes the next
 * prepare reach the servers again, and the text protocol (mariadb CLI) is untouched. The servers' own
 * {@code Com_stmt_prepare} counters are the judge. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class PsReuseFilterTest {
    private static final int ROUNDS = 12;

    @Test
    void identicalPreparesReachTheServersOnce(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=psreuse", "master")) {
            String t = Names.unique("ps");
            cluster.primary().execute("CREATE TABLE " + Accounts.DATABASE + "." + t
                    + " (id INT PRIMARY KEY, v VARCHAR(20))");
            cluster.primary().execute("INSERT INTO " + Accounts.DATABASE + "." + t
                    + " VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            cluster.awaitReplication(java.time.Duration.ofSeconds(30));
            String sql = "SELECT v FROM " + t + " WHERE id = ?";
            for (String listener : new String[] {SPLIT, CONN}) {
                for (String url : new String[] {
                        // MariaDB Connector/J's reset() sends COM_RESET_CONNECTION only with useResetConnection=true;
                        // without it the server keeps the session (and its statements), so there is nothing to redo.
                        bed.url(listener) + "?useServerPrepStmts=true&cachePrepStmts=false&useResetConnection=true",
                        "jdbc:mysql://127.0.0.1:" + bed.gatehouse.port(listener) + "/" + Accounts.DATABASE
                                + "?useServerPrepStmts=true&cachePrepStmts=false&useSSL=false"
                                + "&allowPublicKeyRetrieval=true"}) {
                    try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                        long before = prepares(cluster);
                        for (int i = 0; i < ROUNDS; i++) {
                            int id = 1 + i % 3;
                            try (PreparedStatement ps = c.prepareStatement(sql)) {
                                ps.setInt(1, id);
                                try (ResultSet rs = ps.executeQuery()) {
                                    assertThat(rs.next()).isTrue();
                                    assertThat(rs.getString(1)).as(url).isEqualTo(new String[] {"one", "two", "three"}[id - 1]);
                                }
                            }
                        }
                        long once = prepares(cluster) - before;
                        // Each server that got the statement prepared it once, not once per round.
                        assertThat(once).as(listener + " " + url).isBetween(1L, (long) cluster.servers().size());

                        // A reset drops the server's statements: the next prepare must reach the servers again.
                        execute(c, "SELECT 1");
                        long beforeReset = prepares(cluster);
                        execute(c, "SET @ps_reset_probe = 1");
                        if (c.isWrapperFor(org.mariadb.jdbc.Connection.class)) {
                            c.unwrap(org.mariadb.jdbc.Connection.class).reset();
                        } else {
                            c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).resetServerState();
                        }
                        try (PreparedStatement ps = c.prepareStatement(sql)) {
                            ps.setInt(1, 2);
                            try (ResultSet rs = ps.executeQuery()) {
                                assertThat(rs.next()).isTrue();
                                assertThat(rs.getString(1)).isEqualTo("two");
                            }
                        }
                        String probe;
                        try (java.sql.Statement st = c.createStatement();
                                ResultSet rs = st.executeQuery("SELECT @ps_reset_probe IS NULL")) {
                            rs.next();
                            probe = rs.getString(1);
                        }
                        // The reset reached the server: the user variable set before it is gone.
                        assertThat(probe).as("user variable gone after the reset, " + listener + " " + url)
                                .isEqualTo("1");
                        assertThat(prepares(cluster) - beforeReset).as("prepares after a reset, " + listener + " "
                                + url).isPositive();
                    }
                }
                assertThat(bed.cli(listener, "SELECT v FROM " + t + " WHERE id = 3")).isEqualTo("three\n");
            }
            assertThat(bed.diagnostics().get("prepares_reused").asLong()).isGreaterThanOrEqualTo(4L * (ROUNDS - 1));
            cluster.primary().execute("DROP TABLE " + Accounts.DATABASE + "." + t);
        }
    }

    /** COM_STMT_PREPARE commands the servers of the cluster have run, in total. */
    private static long prepares(MariaDbCluster cluster) {
        return counter(cluster, "COM_STMT_PREPARE");
    }

    /** A global status counter summed over the servers of the cluster. */
    private static long counter(MariaDbCluster cluster, String name) {
        long sum = 0;
        for (MariaDbServer s : cluster.servers()) {
            sum += Long.parseLong(s.queryValue("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                    + " WHERE VARIABLE_NAME = '" + name + "'"));
        }
        return sum;
    }
}
