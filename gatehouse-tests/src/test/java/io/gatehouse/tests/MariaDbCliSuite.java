package io.gatehouse.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assertions the real {@code mariadb} command-line client must pass against any {@link Endpoint}: logins with
 * and without a database, the server's error lines for a wrong password and an unknown database, where
 * {@code @@server_id} lands, and scripts fed on stdin; runs on the JUnit test thread, each case one child process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class MariaDbCliSuite {
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

    /** The server or proxy under test. */
    protected abstract Endpoint endpoint();

    /** The {@code @@server_id} values a plain session on {@link #endpoint()} may land on. */
    protected abstract Set<Long> expectedServerIds();

    /** Runs the CLI as {@code e}'s account, with {@code e}'s database if it has one, executing {@code sql}. */
    protected Subprocess.Output mariadb(Endpoint e, String sql, String stdin) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mariadb", "--no-defaults", "--protocol=TCP",
                "--connect-timeout=10", "-h" + e.host(), "-P" + e.port(), "-u" + e.user(), "-p" + e.password(),
                "-N", "-B"));
        if (e.database() != null) {
            command.add(e.database());
        }
        if (sql != null) {
            command.add("-e");
            command.add(sql);
        }
        return Subprocess.run(command, stdin, CLI_TIMEOUT);
    }

    /** Runs {@code sql} and returns stdout, failing with the whole run if the client exited non-zero. */
    private String succeed(Endpoint e, String sql) throws IOException, InterruptedException {
        Subprocess.Output out = mariadb(e, sql, null);
        assertThat(out.exitCode()).as(out.describe()).isZero();
        return out.stdout();
    }

    @Test
    void logsInWithADatabase() throws Exception {
        assertThat(succeed(endpoint(), "SELECT DATABASE(), CURRENT_USER()"))
                .isEqualTo(endpoint().database() + "\t" + endpoint().user() + "@%\n");
    }

    @Test
    void logsInWithoutADatabase() throws Exception {
        assertThat(succeed(endpoint().withDatabase(null), "SELECT DATABASE(), 6 * 7")).isEqualTo("NULL\t42\n");
    }

    @Test
    void wrongPasswordIsRefusedWith1045() throws Exception {
        Subprocess.Output out = mariadb(endpoint().withAccount(endpoint().user(), "not-the-password"), "SELECT 1", null);
        assertThat(out.exitCode()).as(out.describe()).isNotZero();
        assertThat(out.stdout()).isEmpty();
        assertThat(out.stderr()).contains("ERROR 1045 (28000)")
                .contains("Access denied for user '" + endpoint().user() + "'@")
                .contains("(using password: YES)");
    }

    @Test
    void unknownDatabaseIsRefusedWith1049() throws Exception {
        String unknown = Names.unique("nodb");
        Subprocess.Output out = mariadb(endpoint().withDatabase(unknown), "SELECT 1", null);
        assertThat(out.exitCode()).as(out.describe()).isNotZero();
        assertThat(out.stderr()).contains("ERROR 1049 (42000)").contains("Unknown database '" + unknown + "'");
    }

    @Test
    void serverIdIsANumberOfAnExpectedServer() throws Exception {
        String out = succeed(endpoint(), "SELECT @@server_id");
        assertThat(out).matches("\\d+\n");
        assertThat(Long.parseLong(out.trim())).isIn(expectedServerIds());
    }

    @Test
    void scriptOnStdinRunsEveryStatement() throws Exception {
        // A temporary table, so that the script also runs on a read-only replica behind a read service.
        String t = Names.unique("cli");
        String script = "CREATE TEMPORARY TABLE " + t + " (id INT PRIMARY KEY, s VARCHAR(20));\n"
                + "INSERT INTO " + t + " VALUES (1, 'one'), (2, 'two'), (3, 'three');\n"
                + "UPDATE " + t + " SET s = UPPER(s) WHERE id = 2;\n"
                + "SELECT id, s FROM " + t + " ORDER BY id;\n"
                + "SELECT COUNT(*) FROM " + t + ";\n"
                + "DROP TEMPORARY TABLE " + t + ";\n";
        Subprocess.Output out = mariadb(endpoint(), null, script);
        assertThat(out.exitCode()).as(out.describe()).isZero();
        assertThat(out.stdout()).isEqualTo("1\tone\n2\tTWO\n3\tthree\n3\n");
    }

    @Test
    void scriptStopsAtTheFailingStatement() throws Exception {
        String missing = Names.unique("missing");
        Subprocess.Output out = mariadb(endpoint(), null, "SELECT 1;\nSELECT * FROM " + missing + ";\nSELECT 3;\n");
        assertThat(out.exitCode()).as(out.describe()).isEqualTo(1);
        assertThat(out.stdout()).isEqualTo("1\n");
        assertThat(out.stderr()).contains("ERROR 1146 (42S02) at line 2").contains(missing);
    }
}
