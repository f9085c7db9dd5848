package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qlafilter in front of readwritesplit and readconnroute with the real clients: every statement is logged once,
 * with the server that answered it, in the unified file and in the session's own file; bad values stop the start.
 * Its own Gatehouse in front of the shared cluster. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class QlaFilterTest {
    private static final String QLA = "module=qlafilter\nlog_type=session,unified\n"
            + "log_data=service,user,query,server,command,error_msg\nseparator=\"|\"\nnewline_replacement=\" NL \"\n";

    @Test
    void cliStatementsAreLoggedOnceThroughBothRouters(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path cnf = LogFilterBed.config(cluster, dir, "QLA", QLA + "filebase=" + dir.resolve("qla"),
                "Split-Service", "Write-Service");
        String primary = cluster.primary().name();
        Set<String> replicas = cluster.replicas().stream().map(MariaDbServer::name).collect(Collectors.toSet());
        String tag = Names.unique("cli");
        try (Gatehouse gh = Gatehouse.start(cnf)) {
            for (String listener : List.of("Split-Listener", "Write-Listener")) {
                String out = LogFilterBed.cli(gh.port(listener), "SET @" + tag + " = 1;\n"
                        + "SELECT '" + tag + "' AS v;\n"
                        + "CREATE TABLE IF NOT EXISTS qla_cli (a INT);\n"
                        + "INSERT INTO qla_cli VALUES (1);\n"
                        + "SELECT 'two\nlines " + tag + "';\n");
                assertThat(out).contains(tag);
            }
            Path unified = dir.resolve("qla.unified");
            List<String> lines = LogFilterBed.awaitLines(unified,
                    l -> l.stream().filter(s -> s.contains("two NL lines " + tag)).count() >= 2);
            assertThat(lines.get(0)).isEqualTo("Service|User@Host|Query|Error_msg|Server|Command");
            for (String service : List.of("Split-Service", "Write-Service")) {
                List<String> mine = lines.stream().filter(s -> s.startsWith(service + "|")).toList();
                // A session command goes to every backend of readwritesplit; its line is still written once.
                assertThat(mine.stream().filter(s -> s.contains("|SET @" + tag + " = 1|"))).hasSize(1);
                assertThat(mine.stream().filter(s -> s.contains("|INSERT INTO qla_cli VALUES (1)|"))).hasSize(1)
                        .allMatch(s -> s.endsWith("||" + primary + "|COM_QUERY"));
                List<String> select = mine.stream().filter(s -> s.contains("|SELECT '" + tag + "' AS v|")).toList();
                assertThat(select).hasSize(1);
                String server = select.get(0).split("\\|")[4];
                if (service.equals("Split-Service")) {
                    assertThat(server).isIn(replicas);
                } else {
                    assertThat(server).isEqualTo(primary);
                }
                assertThat(mine).allMatch(s -> s.split("\\|")[1].startsWith("app@"));
            }
            List<Path> sessionFiles = LogFilterBed.awaitFiles(dir, "qla.", 3).stream()
                    .filter(p -> !p.toString().endsWith(".unified")).toList();
            assertThat(sessionFiles).hasSize(2);
            for (Path p : sessionFiles) {
                List<String> l = Files.readAllLines(p);
                assertThat(l.get(0)).isEqualTo("Service|User@Host|Query|Error_msg|Server|Command");
                assertThat(l.stream().filter(s -> s.contains("|SELECT '" + tag + "' AS v|"))).hasSize(1);
            }
        }
    }

    @Test
    void connectorJStatementsPreparedStatementsAndErrors(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path cnf = LogFilterBed.config(cluster, dir, "QLA", QLA + "filebase=" + dir.resolve("qla"),
                "Split-Service", "Write-Service");
        String tag = Names.unique("jdbc");
        try (Gatehouse gh = Gatehouse.start(cnf)) {
            for (String listener : List.of("Split-Listener", "Write-Listener")) {
                try (Connection c = LogFilterBed.jdbc(gh.port(listener), true);
                     Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT '" + tag + "'")) {
                        assertThat(rs.next()).isTrue();
                    }
                    try (PreparedStatement ps = c.prepareStatement("SELECT ? + 1 AS " + tag)) {
                        for (int i = 0; i < 2; i++) {
                            ps.setInt(1, i);
                            try (ResultSet rs = ps.executeQuery()) {
                                assertThat(rs.next()).isTrue();
                                assertThat(rs.getInt(1)).isEqualTo(i + 1);
                            }
                        }
                    }
                    assertThatThrownBy(() -> st.execute("SELECT * FROM no_such_table_" + tag))
                            .hasMessageContaining("doesn't exist");
                }
            }
            List<String> lines = LogFilterBed.awaitLines(dir.resolve("qla.unified"),
                    l -> l.stream().filter(s -> s.contains("no_such_table_" + tag)).count() >= 2);
            for (String service : List.of("Split-Service", "Write-Service")) {
                List<String> mine = lines.stream().filter(s -> s.startsWith(service + "|")).toList();
                assertThat(mine.stream().filter(s -> s.contains("|SELECT '" + tag + "'|"))).as(String.join("\n", mine))
                        .hasSize(1);
                String ps = "|SELECT ? + 1 AS " + tag + "|";
                assertThat(mine.stream().filter(s -> s.contains(ps) && s.endsWith("|COM_STMT_PREPARE"))).hasSize(1);
                // Executes are logged as the SQL they ran, the bound values in place of the placeholders.
                for (int i = 0; i < 2; i++) {
                    String ran = "|SELECT " + i + " + 1 AS " + tag + "|";
                    assertThat(mine.stream().filter(s -> s.contains(ran) && s.endsWith("|COM_STMT_EXECUTE")))
                            .hasSize(1);
                }
                assertThat(mine.stream().filter(s -> s.contains("no_such_table_" + tag)))
                        .singleElement().asString().contains("doesn't exist|").endsWith("|COM_QUERY");
            }
        }
    }

    @Test
    void badValuesStopTheStart(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String base = "module=qlafilter\nfilebase=" + dir.resolve("qla") + "\n";
        for (String[] bad : List.of(new String[] {"log_data=date,colour\n", "log_data", "colour"},
                new String[] {"log_type=session,syslog\n", "log_type", "syslog"},
                new String[] {"duration_unit=hours\n", "duration_unit", "hours"},
                new String[] {"append=perhaps\n", "append", "perhaps"},
                new String[] {"match=(unclosed\n", "match", "(unclosed"})) {
            Path cnf = LogFilterBed.config(cluster, dir, "QLA", base + bad[0], "Split-Service");
            assertThatThrownBy(() -> Gatehouse.start(cnf).close()).as(bad[0])
                    .hasMessageContaining("[QLA] " + bad[1]).hasMessageContaining(bad[2]);
        }
        Path cnf = LogFilterBed.config(cluster, dir, "QLA", "module=qlafilter\nfilebase="
                + dir.resolve("missing/qla") + "\n", "Split-Service");
        assertThatThrownBy(() -> Gatehouse.start(cnf).close()).hasMessageContaining("[QLA] filebase")
                .hasMessageContaining("missing/qla");
    }
}
