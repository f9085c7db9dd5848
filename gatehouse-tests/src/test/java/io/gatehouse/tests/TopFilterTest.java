package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topfilter in front of readwritesplit and readconnroute with the mariadb CLI and Connector/J: each session's
 * report lists its slowest matching statements, slowest first, with the session summary; bad values stop the start.
 * Its own Gatehouse in front of the shared cluster. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class TopFilterTest {
    private static final List<String> STATEMENTS = List.of("SELECT SLEEP(0.1)", "SELECT SLEEP(0.4)",
            "SELECT 1", "SELECT SLEEP(0.6) AS skipped", "SELECT SLEEP(0.2)");

    @Test
    void reportsTheSlowestStatementsOfEachSession(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path cnf = LogFilterBed.config(cluster, dir, "Top", "module=topfilter\ncount=2\nmatch=^SELECT\n"
                + "exclude=skipped\nfilebase=" + dir.resolve("top"), "Split-Service", "Write-Service");
        try (Gatehouse gh = Gatehouse.start(cnf)) {
            Set<Path> seen = new HashSet<>();
            for (String listener : List.of("Split-Listener", "Write-Listener")) {
                LogFilterBed.cli(gh.port(listener), String.join(";\n", STATEMENTS) + ";\n");
                checkReport(newReport(dir, seen));
                try (Connection c = LogFilterBed.jdbc(gh.port(listener), false); Statement st = c.createStatement()) {
                    for (String sql : STATEMENTS) {
                        try (ResultSet rs = st.executeQuery(sql)) {
                            assertThat(rs.next()).isTrue();
                        }
                    }
                }
                checkReport(newReport(dir, seen));
            }
        }
    }

    /** The report file that appeared since the ones in {@code seen} (which it joins). */
    private static Path newReport(Path dir, Set<Path> seen) throws Exception {
        List<Path> all = new ArrayList<>(LogFilterBed.awaitFiles(dir, "top.", seen.size() + 1));
        all.removeAll(seen);
        assertThat(all).hasSize(1);
        seen.add(all.get(0));
        return all.get(0);
    }

    private static void checkReport(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.subList(0, 5)).containsExactly("Top 2 longest running queries in session.",
                "==========================================", "", "Time (sec) | Query",
                "-----------+-----------------------------------------------------------------");
        // The excluded statement is the slowest; the two slowest of the rest follow, slowest first.
        assertThat(lines.get(5)).matches(" +0\\.[4-9]\\d\\d \\|  SELECT SLEEP\\(0\\.4\\)|\\s+\\d+\\.\\d{3} \\|  SELECT SLEEP\\(0\\.4\\)");
        assertThat(lines.get(6)).endsWith(" |  SELECT SLEEP(0.2)");
        assertThat(lines.get(7)).startsWith("-----------+");
        assertThat(lines).contains("Username        app", "Total of 4 statements executed.");
        assertThat(lines).anyMatch(l -> l.startsWith("Session started "))
                .anyMatch(l -> l.startsWith("Connection from "))
                .anyMatch(l -> l.matches("Total statement execution time +\\d+\\.\\d{3} seconds"))
                .anyMatch(l -> l.matches("Average statement execution time +\\d+\\.\\d{3} seconds"))
                .anyMatch(l -> l.matches("Total connection time +\\d+\\.\\d{3} seconds"));
    }

    @Test
    void badValuesStopTheStart(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String base = "module=topfilter\nfilebase=" + dir.resolve("top") + "\n";
        for (String[] bad : List.of(new String[] {"count=0\n", "count", "0"},
                new String[] {"count=many\n", "count", "many"},
                new String[] {"options=fuzzy\n", "options", "fuzzy"})) {
            Path cnf = LogFilterBed.config(cluster, dir, "Top", base + bad[0], "Write-Service");
            assertThatThrownBy(() -> Gatehouse.start(cnf).close()).as(bad[0])
                    .hasMessageContaining("[Top] " + bad[1]).hasMessageContaining(bad[2]);
        }
    }
}
