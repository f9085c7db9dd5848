package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maxrows filter with {@code max_resultset_rows=5} through readwritesplit and readconnroute, in each
 * {@code max_resultset_return} mode: a result set of 5 rows reaches the client whole, one of 10 rows is replaced by an
 * empty result set, an error 1415 or an OK packet, for the text protocol (mariadb CLI, MariaDB and MySQL
 * Connector/J), the binary protocol (server-side prepared statements) and cursors (MySQL Connector/J with
 * useCursorFetch, where the rows up to the limit are fetched and the cursor then ends); in a multi-result reply the
 * other result sets still arrive (or, after the error, the reply ends there); the session keeps working afterwards.
 * JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class MaxRowsFilterTest {
    private static MariaDbCluster cluster;
    private static String table;

    @BeforeAll
    static void table(MariaDbCluster c) throws Exception {
        cluster = c;
        table = Names.unique("maxrows");
        c.primary().execute("CREATE TABLE " + Accounts.DATABASE + "." + table + " (id INT PRIMARY KEY)");
        c.primary().execute("INSERT INTO " + Accounts.DATABASE + "." + table
                + " VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)");
        c.awaitReplication(Duration.ofSeconds(30));
    }

    @AfterAll
    static void drop() {
        cluster.primary().execute("DROP TABLE " + Accounts.DATABASE + "." + table);
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "error", "ok"})
    void resultSetsOverTheLimitAreReplaced(String mode, @TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=maxrows\nmax_resultset_rows=5\n"
                + "max_resultset_return=" + mode, "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                cli(bed, listener, mode);
                String mariadb = bed.url(listener);
                String mysql = "jdbc:mysql://127.0.0.1:" + bed.gatehouse.port(listener) + "/" + Accounts.DATABASE
                        + "?useSSL=false&allowPublicKeyRetrieval=true";
                for (String url : new String[] {mariadb, mysql}) {
                    try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                        textProtocol(c, mode, listener + " " + url);
                    }
                }
                for (String url : new String[] {mariadb + "?useServerPrepStmts=true",
                        mysql + "&useServerPrepStmts=true"}) {
                    try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                        binaryProtocol(c, mode, listener + " " + url);
                    }
                }
                try (Connection c = DriverManager.getConnection(mysql + "&useServerPrepStmts=true"
                        + "&useCursorFetch=true", Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                    cursor(c, mode, listener);
                }
            }
            assertThat(bed.diagnostics().get("results_replaced").asLong()).isPositive();
        }
    }

    @org.junit.jupiter.api.Test
    void badParametersAreRefusedNamingThem(@TempDir Path dir) throws Exception {
        FilterBed.assertRefused(cluster, dir, "module=maxrows\nmax_resultset_return=truncate", "[F]",
                "max_resultset_return", "truncate", "empty, error, ok");
        FilterBed.assertRefused(cluster, dir, "module=maxrows\ndebug=8", "[F]", "debug", "8");
        FilterBed.assertRefused(cluster, dir, "module=maxrows\nmax_resultset_size=lots", "max_resultset_size",
                "lots");
    }

    /**
     * A backend connection that dies while the filter holds part of a result set: the session ends as it would
     * directly (the client's connection closes) and what the filter held is released (the leak guard checks).
     */
    @org.junit.jupiter.api.Test
    void aBackendLostMidResultEndsTheSessionAndFreesWhatWasHeld(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=maxrows\nmax_resultset_size=10Mi", "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                String marker = Names.unique("lost");
                try (RawSession s = RawSession.connect("127.0.0.1", bed.gatehouse.port(listener), new byte[0])) {
                    assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
                    s.send("SELECT '" + marker + "', REPEAT('x', 100000), IF(seq = 20, SLEEP(60), 0)"
                            + " FROM test.seq_1_to_30");
                    killStatementContaining(marker);
                    s.readTimeout(20_000);
                    assertThat(s.closedByServer()).as(listener).isTrue();
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (bed.gatehouse.runtime().sessions().size() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(bed.gatehouse.runtime().sessions().size()).as(listener).isZero();
            }
        }
    }

    /** Waits until a server runs a statement containing {@code marker} and kills its connection. */
    private static void killStatementContaining(String marker) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (var server : cluster.servers()) {
                String id = server.queryValue("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%"
                        + marker + "%' AND INFO NOT LIKE '%PROCESSLIST%' AND STATE = 'User sleep'");
                if (id != null) {
                    server.execute("KILL " + id);
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no server ran the statement marked " + marker);
    }

    private static void cli(FilterBed bed, String listener, String mode) throws Exception {
        assertThat(bed.cli(listener, "SELECT id FROM " + table + " WHERE id <= 5 ORDER BY id"))
                .isEqualTo("1\n2\n3\n4\n5\n");
        Subprocess.Output big = bed.cliRun(listener, "SELECT id FROM " + table + " ORDER BY id; SELECT 42");
        if (mode.equals("error")) {
            assertThat(big.exitCode()).as(big.describe()).isNotZero();
            assertThat(big.stderr()).as(big.describe()).contains("1415")
                    .contains("Row limit/size exceeded for query: SELECT id FROM " + table);
            assertThat(big.stdout()).as("nothing of the reply after the error").doesNotContain("42");
        } else {
            // The replaced result set shows no rows; the next statement's result still arrives.
            assertThat(big.exitCode()).as(big.describe()).isZero();
            assertThat(big.stdout()).as(big.describe()).isEqualTo("42\n");
        }
    }

    private static void textProtocol(Connection c, String mode, String what) throws SQLException {
        try (Statement s = c.createStatement()) {
            assertThat(ids(s.executeQuery("SELECT id FROM " + table + " WHERE id <= 5 ORDER BY id")))
                    .as(what).containsExactly(1, 2, 3, 4, 5);
            assertReplaced(mode, what, () -> s.execute("SELECT id FROM " + table + " ORDER BY id"), s);
        }
        assertThat(scalar(c, "SELECT 7")).as("the session after a replaced result, " + what).isEqualTo("7");
    }

    private static void binaryProtocol(Connection c, String mode, String what) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE id > ? ORDER BY id")) {
            ps.setInt(1, 5);
            assertThat(ids(ps.executeQuery())).as(what).containsExactly(6, 7, 8, 9, 10);
            ps.setInt(1, 0);
            assertReplaced(mode, what + " (binary)", ps::execute, ps);
        }
        assertThat(scalar(c, "SELECT 8")).as("the session after a replaced result, " + what).isEqualTo("8");
    }

    /** A cursor fetched two rows at a time: the rows up to the limit arrive, then the cursor ends (or fails). */
    private static void cursor(Connection c, String mode, String listener) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE id > ? ORDER BY id")) {
            ps.setFetchSize(2);
            ps.setInt(1, 0);
            List<Integer> got = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                if (mode.equals("error")) {
                    assertThatThrownBy(() -> {
                        while (rs.next()) {
                            got.add(rs.getInt(1));
                        }
                    }).as(listener).isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(1415));
                } else {
                    while (rs.next()) {
                        got.add(rs.getInt(1));
                    }
                }
            }
            if (mode.equals("error")) {
                // The error ends the fetch that passed the limit (rows 5 and 6); MySQL Connector/J reads a whole
                // fetch before handing out its rows, so it shows the rows of the earlier fetches only.
                assertThat(got).as("cursor rows through " + listener).containsExactly(1, 2, 3, 4);
            } else {
                assertThat(got).as("cursor rows through " + listener).containsExactly(1, 2, 3, 4, 5);
            }
            // A cursor within the limit is whole.
            ps.setInt(1, 6);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(ids(rs)).as(listener).containsExactly(7, 8, 9, 10);
            }
        }
        assertThat(scalar(c, "SELECT 9")).as("the session after a cut cursor, " + listener).isEqualTo("9");
    }

    interface Execution {
        boolean run() throws SQLException;
    }

    /** Runs a statement whose result has 10 rows and checks what {@code mode} gives the client instead. */
    private static void assertReplaced(String mode, String what, Execution execution, Statement s)
            throws SQLException {
        switch (mode) {
            case "error" -> assertThatThrownBy(execution::run).as(what).isInstanceOfSatisfying(SQLException.class,
                    e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1415);
                        assertThat(e.getSQLState()).isEqualTo("0A000");
                    });
            case "ok" -> {
                assertThat(execution.run()).as(what + ": an OK packet, no result set").isFalse();
                assertThat(s.getUpdateCount()).as(what).isZero();
            }
            default -> {
                assertThat(execution.run()).as(what + ": a result set").isTrue();
                assertThat(ids(s.getResultSet())).as(what + ": with no rows").isEmpty();
            }
        }
    }

    private static List<Integer> ids(ResultSet rs) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }
}
