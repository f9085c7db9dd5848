package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The masking filter through readwritesplit and readconnroute: string columns of every kind (VARCHAR, CHAR, TEXT,
 * BLOB, ENUM, SET) come back masked by value, fill, match with a capture group and obfuscation, in text results (the
 * mariadb CLI, MariaDB Connector/J) and binary ones (server-side prepared statements, whose metadata the server may
 * skip, and a cursor's fetches); a numeric column named by a rule passes unmasked; an exempted account and one
 * outside {@code applies_to} see real values; statements that would read a masked column through a function, a user
 * variable, a UNION, a subquery, SQL PREPARE text or a statement the classifier cannot read are refused with error
 * 1141 saying why, and the session goes on; rows of 16 MiB or more follow {@code large_payload}. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class MaskingFilterTest {
    private static final String AUDITOR = "auditor", AUDITOR_PASSWORD = "auditpwd";
    private static MariaDbCluster cluster;
    private static String table;

    /** The rows as the application user gets them: id, name, ssn, card, note, doc, kind, tags, salary, hidden. */
    private static final String[] MASKED_1 = {"1", null, "XXX-XX-XXXX", "############5678", "************",
            "########", "XXXXX", "XXX", "5000", "visible"};
    private static final String[] MASKED_2 = {"2", null, "XXXXX", null, "*", "#", "XXX", "X", "100", "shown"};
    private static final String[] REAL_1 = {"1", "Alice", "721-07-4426", "1234567812345678", "private note",
            "blobdata", "green", "a,b", "5000", "visible"};

    @BeforeAll
    static void table(MariaDbCluster c) throws Exception {
        cluster = c;
        table = Names.unique("person");
        String t = Accounts.DATABASE + "." + table;
        c.primary().execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, name VARCHAR(20), ssn VARCHAR(11),"
                + " card CHAR(16), note TEXT, doc BLOB, kind ENUM('red','green'), tags SET('a','b','c'),"
                + " salary INT, hidden VARCHAR(10))");
        c.primary().execute("INSERT INTO " + t + " VALUES (1, 'Alice', '721-07-4426', '1234567812345678',"
                + " 'private note', 'blobdata', 'green', 'a,b', 5000, 'visible'),"
                + " (2, 'Bob', '12-34', NULL, 'n', 'd', 'red', 'c', 100, 'shown')");
        c.primary().execute("CREATE USER IF NOT EXISTS '" + AUDITOR + "'@'%' IDENTIFIED BY '" + AUDITOR_PASSWORD + "'");
        c.primary().execute("GRANT SELECT ON " + Accounts.DATABASE + ".* TO '" + AUDITOR + "'@'%'");
        c.awaitReplication(Duration.ofSeconds(30));
    }

    @AfterAll
    static void drop() {
        cluster.primary().execute("DROP TABLE " + Accounts.DATABASE + "." + table);
        cluster.primary().execute("DROP USER IF EXISTS '" + AUDITOR + "'@'%'");
    }

    private static String rulesFile(Path dir) throws Exception {
        String json = "{\"rules\": ["
                + "{\"replace\": {\"column\": \"ssn\", \"table\": \"" + table + "\", \"database\": \""
                + Accounts.DATABASE + "\"}, \"with\": {\"value\": \"XXX-XX-XXXX\"},"
                + " \"exempted\": [\"'" + AUDITOR + "'@'%'\"]},"
                + "{\"replace\": {\"column\": \"card\", \"match\": \"^(\\\\d{12})\\\\d{4}$\"}, \"with\": {\"fill\": \"#\"}},"
                + "{\"replace\": {\"column\": \"note\"}, \"with\": {\"fill\": \"*\"}},"
                + "{\"replace\": {\"column\": \"doc\"}, \"with\": {\"value\": \"too long for it\", \"fill\": \"#\"}},"
                + "{\"replace\": {\"column\": \"kind\"}, \"applies_to\": [\"'" + Accounts.APP_USER + "'@'127.0.0.%'\"]},"
                + "{\"replace\": {\"column\": \"tags\"}},"
                + "{\"obfuscate\": {\"column\": \"name\"}},"
                + "{\"replace\": {\"column\": \"salary\"}},"
                + "{\"replace\": {\"column\": \"hidden\"}, \"applies_to\": [\"'nobody'@'%'\"]}"
                + "]}";
        Path file = dir.resolve("masking.json");
        Files.writeString(file, json);
        return "module=masking\nrules=" + file + "\nwarn_type_mismatch=always";
    }

    private String select() {
        return "SELECT id, name, ssn, card, note, doc, kind, tags, salary, hidden FROM " + table + " ORDER BY id";
    }

    @Test
    void maskedColumnsInTextAndBinaryResults(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, rulesFile(dir), "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                String[] lines = bed.cli(listener, select()).split("\n");
                assertThat(lines).as(listener).hasSize(2);
                assertRow(lines[0].split("\t", -1), MASKED_1, "Alice", listener + " cli");
                assertRow(lines[1].split("\t", -1), MASKED_2, "Bob", listener + " cli");
                for (String url : new String[] {bed.url(listener), bed.url(listener) + "?useServerPrepStmts=true"}) {
                    try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                        for (int round = 0; round < 2; round++) {       // the second execution may skip metadata
                            try (PreparedStatement ps = c.prepareStatement(select() .replace("ORDER BY",
                                    "WHERE id > ? ORDER BY"))) {
                                ps.setInt(1, 0);
                                List<String[]> rows = rows(ps.executeQuery());
                                assertRow(rows.get(0), MASKED_1, "Alice", url);
                                assertRow(rows.get(1), MASKED_2, "Bob", url);
                            }
                        }
                        try (Statement s = c.createStatement()) {
                            // An alias does not unmask: the original column is what counts.
                            assertThat(rows(s.executeQuery("SELECT ssn AS x FROM " + table + " WHERE id = 1"))
                                    .get(0)[0]).as(url).isEqualTo("XXX-XX-XXXX");
                        }
                    }
                }
                // A cursor (MySQL Connector/J fetching one row at a time): the fetched binary rows are masked too.
                String mysql = "jdbc:mysql://127.0.0.1:" + bed.gatehouse.port(listener) + "/" + Accounts.DATABASE
                        + "?useSSL=false&allowPublicKeyRetrieval=true&useServerPrepStmts=true&useCursorFetch=true";
                try (Connection c = DriverManager.getConnection(mysql, Accounts.APP_USER, Accounts.APP_PASSWORD);
                     PreparedStatement ps = c.prepareStatement(select().replace("ORDER BY", "WHERE id > ? ORDER BY"))) {
                    ps.setFetchSize(1);
                    ps.setInt(1, 0);
                    List<String[]> rows = rows(ps.executeQuery());
                    assertThat(rows).as(listener + " cursor").hasSize(2);
                    assertRow(rows.get(0), MASKED_1, "Alice", listener + " cursor");
                    assertRow(rows.get(1), MASKED_2, "Bob", listener + " cursor");
                }
                // The exempted account sees the real values of its rule; the others still apply to it.
                try (Connection c = DriverManager.getConnection(bed.url(listener) + "?useServerPrepStmts=true",
                        AUDITOR, AUDITOR_PASSWORD)) {
                    List<String[]> rows = rows(c.createStatement().executeQuery(select()));
                    assertThat(rows.get(0)[2]).as(listener).isEqualTo("721-07-4426");
                    assertThat(rows.get(0)[4]).as(listener).isEqualTo("************");
                    assertThat(rows.get(0)[6]).as("a rule whose applies_to names another account").isEqualTo("green");
                    assertThat(scalar(c, "SELECT CONCAT(ssn) FROM " + table + " WHERE id = 1"))
                            .as("functions on a column not masked for the account").isEqualTo("721-07-4426");
                }
            }
            assertThat(bed.diagnostics().get("result_sets_masked").asLong()).isPositive();
        }
    }

    @Test
    void statementsReadingPastTheMaskAreRefused(@TempDir Path dir) throws Exception {
        String[][] refused = {
            {"SELECT CONCAT(ssn) FROM " + table, "function CONCAT"},
            {"SELECT LENGTH(" + table + ".note) FROM " + table, "function LENGTH"},
            {"SELECT @v := ssn FROM " + table, "user variable"},
            {"SELECT ssn INTO @v FROM " + table + " LIMIT 1", "user variable"},
            {"SELECT name FROM " + table + " UNION SELECT ssn FROM " + table, "UNION"},
            {"SELECT * FROM (SELECT ssn FROM " + table + ") t", "subquery"},
            {"SELECT id, name, ssn, card, note, doc, kind, tags, salary, hidden FROM " + table + " WHERE id = 2"
                    + " UNION SELECT * FROM " + table, "UNION"},
            {"SELECT id FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE note > '')", "subquery"},
            {"PREPARE s FROM 'SELECT HEX(ssn) FROM " + table + "'", "function HEX"},
            {"EXECUTE IMMEDIATE 'SELECT name FROM " + table + " UNION SELECT ssn FROM " + table + "'", "UNION"},
        };
        try (FilterBed bed = FilterBed.start(cluster, dir, rulesFile(dir), "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                for (String[] r : refused) {
                    Subprocess.Output out = bed.cliRun(listener, r[0]);
                    assertThat(out.exitCode()).as(r[0] + "\n" + out.describe()).isNotZero();
                    assertThat(out.stderr()).as(r[0]).contains("1141").contains(r[1]).contains("access denied");
                }
                try (Connection c = bed.connect(listener);
                     Connection ps = DriverManager.getConnection(bed.url(listener) + "?useServerPrepStmts=true",
                             Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                    for (String[] r : refused) {
                        assertThatThrownBy(() -> scalar(c, r[0])).as(r[0]).isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getErrorCode()).isEqualTo(1141));
                        assertThatThrownBy(() -> ps.prepareStatement(r[0]).executeQuery()).as("prepared " + r[0])
                                .isInstanceOfSatisfying(SQLException.class,
                                        e -> assertThat(e.getMessage()).contains(r[1]));
                    }
                    // What stays allowed: functions on other columns, masked columns outside the checked places,
                    // and a union or subquery without masked columns; the session works after the refusals.
                    assertThat(scalar(c, "SELECT UPPER(hidden) FROM " + table + " WHERE id = 1")).isEqualTo("VISIBLE");
                    assertThat(scalar(c, "SELECT ssn FROM " + table + " WHERE ssn = '721-07-4426'"))
                            .isEqualTo("XXX-XX-XXXX");
                    assertThat(scalar(c, "SELECT id FROM " + table + " WHERE id = 2 UNION SELECT 7")).isEqualTo("2");
                    assertThat(scalar(c, "SELECT (SELECT MAX(id) FROM " + table + ")")).isEqualTo("2");
                    assertThat(scalar(c, "SELECT 'still here'")).isEqualTo("still here");
                }
                // require_fully_parsed: a statement naming a masked column that the classifier cannot read.
                try (Connection c = DriverManager.getConnection(bed.url(listener) + "?allowMultiQueries=true",
                        Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                    assertThatThrownBy(() -> scalar(c, "SELECT id FROM " + table + "; FROBNICATE ssn"))
                            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode())
                                    .isEqualTo(1141)).hasMessageContaining("could not be fully parsed");
                }
            }
            assertThat(bed.diagnostics().get("statements_refused").asLong()).isPositive();
        }
    }

    @Test
    void checksCanBeTurnedOff(@TempDir Path dir) throws Exception {
        String section = rulesFile(dir) + "\nprevent_function_usage=false\ncheck_user_variables=false"
                + "\ncheck_unions=false\ncheck_subqueries=false";
        try (FilterBed bed = FilterBed.start(cluster, dir, section, "master");
             Connection c = bed.connect(SPLIT)) {
            // Then the documented holes are open: neither a function's result nor a UNION's column is a table's
            // column in the result's metadata, so nothing masks them.
            assertThat(scalar(c, "SELECT CONCAT(ssn) FROM " + table + " WHERE id = 1")).isEqualTo("721-07-4426");
            assertThat(scalar(c, "SELECT ssn FROM " + table + " WHERE id = 2 UNION SELECT ssn FROM " + table
                    + " WHERE id = 1 ORDER BY 1 DESC LIMIT 1")).isEqualTo("721-07-4426");
            try (Connection m = DriverManager.getConnection(bed.url(SPLIT) + "?allowMultiQueries=true",
                    Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                // Without prevent_function_usage, require_fully_parsed guards nothing: the server judges it.
                assertThatThrownBy(() -> scalar(m, "SELECT id FROM " + table + "; FROBNICATE ssn"))
                        .isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getErrorCode()).isEqualTo(1064));
            }
        }
    }

    /**
     * A row of 16 MiB or more (several wire packets) with a masked column: {@code large_payload=ignore} passes it
     * unmasked whole; {@code abort} (the default) ends the session rather than send it; smaller rows are masked.
     */
    @Test
    void largeRowsAreIgnoredOrEndTheSession(@TempDir Path dir) throws Exception {
        String big = Names.unique("big");
        String t = Accounts.DATABASE + "." + big;
        int size = 17 * 1024 * 1024;
        cluster.primary().execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, note LONGTEXT)");
        try {
            cluster.primary().execute("INSERT INTO " + t + " SELECT 1, REPEAT('y', " + size + ")");
            cluster.primary().execute("INSERT INTO " + t + " VALUES (2, 'small')");
            cluster.awaitReplication(Duration.ofSeconds(60));
            String rules = rulesFile(dir);
            try (FilterBed bed = FilterBed.start(cluster, dir, rules + "\nlarge_payload=ignore", "master");
                 Connection c = bed.connect(CONN)) {
                String note = scalar(c, "SELECT note FROM " + big + " WHERE id = 1");
                assertThat(note).hasSize(size);
                assertThat(note.chars().allMatch(ch -> ch == 'y')).as("passed unmasked").isTrue();
                assertThat(scalar(c, "SELECT note FROM " + big + " WHERE id = 2")).isEqualTo("*****");
            }
            Path abortDir = Files.createDirectories(dir.resolve("abort"));
            try (FilterBed bed = FilterBed.start(cluster, abortDir, rulesFile(abortDir), "master");
                 Connection c = bed.connect(CONN)) {
                assertThat(scalar(c, "SELECT note FROM " + big + " WHERE id = 2")).isEqualTo("*****");
                assertThatThrownBy(() -> scalar(c, "SELECT note FROM " + big + " WHERE id = 1"))
                        .isInstanceOf(SQLException.class);
                assertThat(c.isValid(5)).as("the session was ended").isFalse();
                try (Connection again = bed.connect(CONN)) {
                    assertThat(scalar(again, "SELECT note FROM " + big + " WHERE id = 2")).isEqualTo("*****");
                }
            }
        } finally {
            cluster.primary().execute("DROP TABLE " + t);
        }
    }

    @Test
    void badRulesAreRefusedNamingThem(@TempDir Path dir) throws Exception {
        FilterBed.assertRefused(cluster, dir, "module=masking\nrules=" + dir.resolve("missing.json"), "[F]",
                "rules", "missing.json");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"rules\": [{\"replace\": {\"table\": \"t\"}}]}");
        FilterBed.assertRefused(cluster, dir, "module=masking\nrules=" + bad, "[F] rules", "rules[0].replace",
                "\"column\" is missing");
        Files.writeString(bad, "{\"rules\": []}");
        FilterBed.assertRefused(cluster, dir, "module=masking\nrules=" + bad + "\nlarge_payload=truncate",
                "large_payload", "truncate", "ignore, abort");
    }

    /**
     * {@code gatectl call command masking reload F} reads the rules file again: an open session (text and prepared
     * statements) follows the new rules from its next statement, a bad file is refused naming it and the rules in
     * force stay.
     */
    @Test
    void reloadCommandReadsTheRulesAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reload.json");
        String ssnOnly = "{\"rules\": [{\"replace\": {\"column\": \"ssn\"}, \"with\": {\"value\": \"ABC-DE-FGHI\"}}]}";
        Files.writeString(file, ssnOnly);
        String sql = "SELECT ssn, note FROM " + table + " WHERE id = 1";
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=masking\nrules=" + file, "master");
             Connection c = bed.connect(SPLIT);
             Connection ps = DriverManager.getConnection(bed.url(SPLIT) + "?useServerPrepStmts=true",
                     Accounts.APP_USER, Accounts.APP_PASSWORD)) {
            assertThat(rows(c.createStatement().executeQuery(sql)).get(0)).containsExactly("ABC-DE-FGHI", "private note");
            assertThat(bed.diagnostics().path("rules").asInt()).isEqualTo(1);

            Files.writeString(file, "{\"rules\": [{\"replace\": {\"column\": \"note\"}, \"with\": {\"fill\": \"-\"}}]}");
            assertThat(reload(bed).out()).contains("\"rules\": 1");
            assertThat(rows(c.createStatement().executeQuery(sql)).get(0)).as("the open session, text protocol")
                    .containsExactly("721-07-4426", "------------");
            try (PreparedStatement p = ps.prepareStatement(sql.replace("id = 1", "id = ?"))) {
                p.setInt(1, 1);
                assertThat(rows(p.executeQuery()).get(0)).as("binary protocol")
                        .containsExactly("721-07-4426", "------------");
            }
            assertThat(bed.cli(CONN, sql).trim()).isEqualTo("721-07-4426\t------------");

            Files.writeString(file, "{\"rules\": [{\"replace\": {}}]}");
            GatectlRun bad = reload(bed);
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).contains("[F] rules").contains(file.toString());
            assertThat(rows(c.createStatement().executeQuery(sql)).get(0)).as("the rules in force stay")
                    .containsExactly("721-07-4426", "------------");
            Files.writeString(file, ssnOnly);
            GatectlRun other = gatectl(bed, "call", "command", "masking", "flush", "F");
            assertThat(other.status()).isEqualTo(1);
            assertThat(other.err()).contains("flush");
        }
    }

    private record GatectlRun(int status, String out, String err) {
    }

    private static GatectlRun reload(FilterBed bed) {
        return gatectl(bed, "call", "command", "masking", "reload", "F");
    }

    private static GatectlRun gatectl(FilterBed bed, String... args) {
        List<String> all = new ArrayList<>(List.of("--hosts", "127.0.0.1:" + bed.gatehouse.admin().port()));
        all.addAll(List.of(args));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int status = io.gatehouse.cli.Gatectl.run(all.toArray(String[]::new), new java.io.PrintWriter(out),
                new java.io.PrintWriter(err));
        return new GatectlRun(status, out.toString(), err.toString());
    }

    private static void assertRow(String[] got, String[] want, String realName, String what) {
        for (int i = 0; i < want.length; i++) {
            if (i == 1) {
                // Obfuscated: as long as the real value, printable, not the real value, the same each time.
                assertThat(got[1]).as(what).hasSize(realName.length()).isNotEqualTo(realName).matches("[A-Za-z0-9]+");
                continue;
            }
            String w = want[i] == null ? "NULL" : want[i];
            String g = got[i] == null ? "NULL" : got[i];
            assertThat(g).as(what + " column " + i).isEqualTo(w);
        }
    }

    private static List<String[]> rows(ResultSet rs) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (rs) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }
}
