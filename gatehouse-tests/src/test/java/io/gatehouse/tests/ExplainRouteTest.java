package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EXPLAIN ROUTE <statement>} through readwritesplit (with the hintfilter and use_sql_variables_in=master):
 * for a write, a read, a read in a read-write and in a read-only transaction, a user-variable write and read, a read
 * of a temporary table and hinted reads, the answer names the rule and the target the statement would get, lists
 * the three servers with their state, and runs nothing. MariaDB Connector/J and the mariadb CLI; real cluster;
 * JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class ExplainRouteTest {

    @Test
    void explainsEveryRuleWithoutRunningTheStatement(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String cnf = GatehouseExtension.config(cluster, dir)
                .replace("router=readwritesplit\n", "router=readwritesplit\nfilters=Hints\nuse_sql_variables_in=master\n")
                + "[Hints]\ntype=filter\nmodule=hintfilter\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        String primary = cluster.primary().name();
        Set<String> replicas = cluster.replicas().stream().map(MariaDbServer::name).collect(Collectors.toSet());
        MariaDbServer second = cluster.replicas().get(1);
        try (Gatehouse gh = Gatehouse.start(file)) {
            try (Connection c = connect(gh); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS explain_t");
                s.execute("CREATE TABLE explain_t (a INT)");
                awaitReplicaRead(s, cluster);

                Map<String, List<String>> w = explain(s, "INSERT INTO explain_t VALUES (99)");
                assertThat(w.get("route")).containsExactly("PRIMARY");
                assertThat(w.get("rule").get(0)).contains("a write");
                assertThat(w.get("target")).containsExactly(primary);
                assertThat(w.get("operation")).containsExactly("QUERY_OP_INSERT");
                assertThat(w.get("transaction")).containsExactly("none");
                assertThat(w.get("candidate")).hasSize(3);
                assertThat(w.get("candidate")).anySatisfy(l -> assertThat(l).startsWith(primary + ": Master, Running")
                        .contains("connected as the primary"));
                assertThat(w.get("candidate")).filteredOn(l -> !l.startsWith(primary + ":"))
                        .allSatisfy(l -> assertThat(l).contains("Slave, Running").contains("lag ")
                                .contains("may serve reads"));

                Map<String, List<String>> r = explain(s, "SELECT a FROM explain_t WHERE a = 1");
                assertThat(r.get("route")).containsExactly("REPLICA");
                assertThat(r.get("rule").get(0)).contains("a read outside a transaction");
                assertThat(r.get("target").get(0)).isIn(replicas);
                assertThat(r.get("canonical")).containsExactly("SELECT a FROM explain_t WHERE a = ?");
                assertThat(r.get("type").get(0)).contains("QUERY_TYPE_READ");

                Map<String, List<String>> uw = explain(s, "SET @v = 1");
                assertThat(uw.get("route")).containsExactly("ALL");
                assertThat(uw.get("rule").get(0)).contains("sets user variables");
                assertThat(uw.get("target").get(0).split(", ")).containsExactlyInAnyOrderElementsOf(
                        cluster.servers().stream().map(MariaDbServer::name).toList());
                Map<String, List<String>> ur = explain(s, "SELECT @v");
                assertThat(ur.get("route")).containsExactly("PRIMARY");
                assertThat(ur.get("rule").get(0)).contains("user variables");
                assertThat(ur.get("target")).containsExactly(primary);

                s.execute("CREATE TEMPORARY TABLE explain_tmp (a INT)");
                Map<String, List<String>> tmp = explain(s, "SELECT a FROM explain_tmp");
                assertThat(tmp.get("route")).containsExactly("PRIMARY");
                assertThat(tmp.get("rule").get(0)).contains("temporary table");
                assertThat(tmp.get("target")).containsExactly(primary);

                Map<String, List<String>> hm = explain(s, "SELECT a FROM explain_t -- maxscale route to master");
                assertThat(hm.get("hint")).containsExactly("route to master");
                assertThat(hm.get("route")).containsExactly("HINT");
                assertThat(hm.get("rule").get(0)).contains("routing hint").contains("a read outside a transaction");
                assertThat(hm.get("target")).containsExactly(primary);
                Map<String, List<String>> hs = explain(s, "SELECT a FROM explain_t -- maxscale route to server "
                        + second.name());
                assertThat(hs.get("hint")).containsExactly("route to server " + second.name());
                assertThat(hs.get("target")).containsExactly(second.name());

                s.execute("START TRANSACTION");
                s.execute("INSERT INTO explain_t VALUES (1)");
                Map<String, List<String>> rw = explain(s, "SELECT a FROM explain_t");
                assertThat(rw.get("transaction")).containsExactly("read-write");
                assertThat(rw.get("route")).containsExactly("PRIMARY");
                assertThat(rw.get("rule").get(0)).contains("read-write transaction");
                assertThat(rw.get("target")).containsExactly(primary);
                s.execute("COMMIT");

                s.execute("START TRANSACTION READ ONLY");
                Map<String, List<String>> ro = explain(s, "SELECT a FROM explain_t");
                assertThat(ro.get("transaction").get(0)).startsWith("read-only, on ");
                assertThat(ro.get("route")).containsExactly("READ_ONLY_TRX");
                assertThat(ro.get("target").get(0)).isIn(replicas);
                assertThat(ro.get("transaction").get(0)).endsWith(ro.get("target").get(0));
                s.execute("COMMIT");

                // Nothing ran: the explained insert of 99 left no row, on the primary either.
                assertThat(scalar(s, "SELECT COUNT(*) FROM explain_t WHERE a = 99 -- maxscale route to master"))
                        .isEqualTo("0");
                // The session goes on normally after the explanations.
                assertThat(scalar(s, "SELECT COUNT(*) FROM explain_t -- maxscale route to master")).isEqualTo("1");
            }

            // The CLI gets the same table.
            Subprocess.Output out = Subprocess.run(List.of("mariadb", "--no-defaults", "--protocol=TCP",
                    "--connect-timeout=10", "-h127.0.0.1", "-P" + gh.port("Split-Listener"), "-u" + Accounts.APP_USER,
                    "-p" + Accounts.APP_PASSWORD, "-N", "-B", Accounts.DATABASE, "-e",
                    "EXPLAIN ROUTE DELETE FROM explain_t"), null, Duration.ofSeconds(60));
            assertThat(out.exitCode()).as(out.describe()).isZero();
            assertThat(out.stdout()).contains("route\tPRIMARY\n").contains("target\t" + primary + "\n")
                    .contains("operation\tQUERY_OP_DELETE\n");
            try (Connection c = connect(gh); Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT COUNT(*) FROM explain_t -- maxscale route to master")).isEqualTo("1");
            }
        }
    }

    /** The answer's rows, values grouped by item in order. */
    private static Map<String, List<String>> explain(Statement s, String sql) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery("EXPLAIN ROUTE " + sql)) {
            assertThat(rs.getMetaData().getColumnCount()).isEqualTo(2);
            assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("item");
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        assertThat(out.get("statement")).containsExactly(sql);
        return out;
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static Connection connect(Gatehouse gh) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port("Split-Listener")
                        + "/" + Accounts.DATABASE, Accounts.APP_USER, Accounts.APP_PASSWORD);
                return c;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Reads until one lands on a replica: the session's replica connections are open (both, after a while). */
    private static void awaitReplicaRead(Statement s, MariaDbCluster cluster) throws Exception {
        Set<String> ids = cluster.replicas().stream().map(r -> String.valueOf(r.serverId())).collect(Collectors.toSet());
        Set<String> seen = new java.util.HashSet<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (seen.size() < ids.size() && System.nanoTime() < deadline) {
            String id = scalar(s, "SELECT @@server_id");
            if (ids.contains(id)) {
                seen.add(id);
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(seen).as("reads reached both replicas").isEqualTo(ids);
    }
}
