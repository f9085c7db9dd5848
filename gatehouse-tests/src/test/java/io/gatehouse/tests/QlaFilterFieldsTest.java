package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code log_data} field of the qlafilter with a real server and Connector/J, through readconnroute: the
 * values a user reads in the unified file (rows, reply size, warnings, default database, transactions and their
 * duration, durations in the chosen unit, canonical form, session and date), {@code flush} making lines visible
 * while the session is open, and one unified file shared by many sessions on both workers, each statement on one
 * whole line exactly once. JUnit test thread plus a small client pool.
 */
@ExtendWith(MariaDbExtension.class)
class QlaFilterFieldsTest {
    private static final String ALL = "service,session,date,user,reply_time,total_reply_time,query,default_db,"
            + "num_rows,reply_size,transaction,transaction_time,num_warnings,error_msg,server,command";

    /** The lines of {@code lines} after the header, as maps from header name to value. */
    private static List<Map<String, String>> rows(List<String> lines) {
        String[] header = lines.get(0).split("\\|", -1);
        List<Map<String, String>> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] cells = l.split("\\|", -1);
            assertThat(cells).as("a whole line: " + l).hasSize(header.length);
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                m.put(header[i], cells[i]);
            }
            out.add(m);
        }
        return out;
    }

    private static Map<String, String> only(List<Map<String, String>> rows, String query) {
        List<Map<String, String>> hits = rows.stream().filter(r -> r.get("Query").equals(query)).toList();
        assertThat(hits).as(query + " in " + rows).hasSize(1);
        return hits.get(0);
    }

    @Test
    void everyLogDataFieldWithFlushAndCanonicalForm(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path cnf = LogFilterBed.config(cluster, dir, "QLA", "module=qlafilter\nlog_type=unified\nflush=true\n"
                + "use_canonical_form=true\nduration_unit=microseconds\nseparator=\"|\"\nlog_data=" + ALL
                + "\nfilebase=" + dir.resolve("qla"), "Write-Service");
        String table = Names.unique("qla_fields");
        Path unified = dir.resolve("qla.unified");
        try (Gatehouse gh = Gatehouse.start(cnf);
             Connection c = LogFilterBed.jdbc(gh.port("Write-Listener"), false);
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (a INT)");
            try (ResultSet rs = st.executeQuery("SELECT 1 AS a UNION SELECT 2 UNION SELECT 3")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertThat(n).isEqualTo(3);
            }
            st.executeQuery("SELECT CAST('x7' AS SIGNED)").close();
            st.execute("BEGIN");
            st.execute("INSERT INTO " + table + " VALUES (42)");
            Thread.sleep(20);
            st.execute("COMMIT");
            st.execute("DROP TABLE " + table);
            // flush=true: every line is on disk while the session is still open.
            List<String> lines = LogFilterBed.awaitLines(unified,
                    l -> l.stream().anyMatch(s -> s.contains("DROP TABLE " + table)));
            assertThat(lines.get(0).split("\\|")).containsExactlyInAnyOrder("Service", "Session", "Date", "User@Host",
                    "Reply_time", "Total_reply_time", "Query", "Default_db", "Num_rows", "Reply_size", "Transaction",
                    "Transaction_time", "Num_warnings", "Error_msg", "Server", "Command");
            List<Map<String, String>> rows = rows(lines);
            String session = rows.get(rows.size() - 1).get("Session");
            assertThat(session).matches("\\d+");
            for (Map<String, String> r : rows) {
                assertThat(r.get("Service")).isEqualTo("Write-Service");
                assertThat(r.get("Session")).isEqualTo(session);
                assertThat(r.get("Date")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
                assertThat(r.get("User@Host")).isEqualTo(Accounts.APP_USER + "@127.0.0.1");
                assertThat(r.get("Server")).isEqualTo(cluster.primary().name());
                assertThat(r.get("Command")).isEqualTo("COM_QUERY");
                assertThat(r.get("Default_db")).isEqualTo(Accounts.DATABASE);
                assertThat(Long.parseLong(r.get("Total_reply_time"))).isGreaterThanOrEqualTo(
                        Long.parseLong(r.get("Reply_time")));
                assertThat(Long.parseLong(r.get("Reply_size"))).isPositive();
            }
            Map<String, String> union = only(rows, "SELECT ? AS a UNION SELECT ? UNION SELECT ?");
            assertThat(union.get("Num_rows")).isEqualTo("3");
            assertThat(union.get("Num_warnings")).isEqualTo("0");
            assertThat(only(rows, "SELECT CAST(? AS SIGNED)").get("Num_warnings")).isEqualTo("1");
            assertThat(only(rows, "BEGIN").get("Transaction")).isEqualTo("BEGIN");
            assertThat(only(rows, "INSERT INTO " + table + " VALUES (?)").get("Transaction")).isEmpty();
            Map<String, String> commit = only(rows, "COMMIT");
            assertThat(commit.get("Transaction")).isEqualTo("COMMIT");
            // Microseconds: the transaction held a 20 ms pause, so it lasted at least 20000 of them.
            assertThat(Long.parseLong(commit.get("Transaction_time"))).isGreaterThanOrEqualTo(20_000);
            assertThat(union.get("Transaction_time")).isEmpty();
        }
        List<String> after = Files.readAllLines(unified);
        assertThat(after.stream().filter(s -> s.contains("|COMMIT|"))).hasSize(1);
    }

    @Test
    void oneUnifiedFileSharedBySessionsOnEveryWorker(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path cnf = LogFilterBed.config(cluster, dir, "QLA", "module=qlafilter\nlog_type=unified\nseparator=\"|\"\n"
                + "log_data=session,query,num_rows\nfilebase=" + dir.resolve("qla"), "Write-Service", "Read-Service");
        String tag = Names.unique("shared");
        int clients = 6;
        int statements = 40;
        List<Future<?>> done = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (Gatehouse gh = Gatehouse.start(cnf)) {
            for (int t = 0; t < clients; t++) {
                int client = t;
                String listener = t % 2 == 0 ? "Write-Listener" : "Read-Listener";
                done.add(pool.submit(() -> {
                    try (Connection c = LogFilterBed.jdbc(gh.port(listener), false);
                         Statement st = c.createStatement()) {
                        for (int i = 0; i < statements; i++) {
                            st.executeQuery("SELECT '" + tag + "-" + client + "-" + i + "'").close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            // Without flush the lines reach the file at the latest when their sessions end.
            List<String> lines = LogFilterBed.awaitLines(dir.resolve("qla.unified"),
                    l -> l.stream().filter(s -> s.contains(tag)).count() >= (long) clients * statements);
            assertThat(lines.get(0)).isEqualTo("Session|Query|Num_rows");
            assertThat(lines.stream().filter(s -> s.equals(lines.get(0)))).as("one header").hasSize(1);
            Map<String, String> sessionOfClient = new HashMap<>();
            for (int t = 0; t < clients; t++) {
                for (int i = 0; i < statements; i++) {
                    String q = "|SELECT '" + tag + "-" + t + "-" + i + "'|1";
                    List<String> hits = lines.stream().filter(s -> s.endsWith(q)).toList();
                    assertThat(hits).as(q).hasSize(1);
                    String session = hits.get(0).split("\\|")[0];
                    assertThat(sessionOfClient.computeIfAbsent("c" + t, k -> session)).isEqualTo(session);
                }
            }
            assertThat(sessionOfClient.values()).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }
}
