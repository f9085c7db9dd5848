package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A readwritesplit session restarted through the admin API (a PATCH of its filters, then {@code POST .../restart})
 * looks the same to its client (MariaDB Connector/J, server-side prepared statements) afterwards: its prepared
 * statement runs with the id it got and still reads on a replica, its temporary table is still read (on the primary),
 * its user variable, default database and sql_mode are kept, autocommit stays off (reads stay on the primary, a write
 * is not seen by others before COMMIT), and a replica connected only after the restart has replayed the session's
 * commands before it serves a read, unless the session's history overflowed (max_sescmd_history without pruning):
 * then no replica is connected and reads stay on the primary. A restart whose new filter cannot start ends the
 * session with an error. Real cluster; the REST calls run on the JUnit thread.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionRestartStateTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Long enough for a loaded 2-core machine; a restart itself waits only for the session's next pause. */
    private static final long DEADLINE_MILLIS = 60_000;

    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;
    private final String otherDb = Names.unique("restart_state_db");
    private String primaryId;

    SessionRestartStateTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-restart-state");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        failingFilterModule(plugins);
        directExecute("CREATE DATABASE " + otherDb);
        cluster.awaitReplication(java.time.Duration.ofSeconds(60));
        primaryId = directScalar("SELECT @@server_id");
        String svc = "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
        String config = GatehouseExtension.config(cluster, dir).replace("[maxscale]\n",
                "[maxscale]\nlibdir=" + plugins + "\n")
                + "[Noop]\ntype=filter\nmodule=regexfilter\nmatch=zzz_matches_nothing\nreplace=x\n\n"
                + "[FailStart]\ntype=filter\nmodule=failstart\n\n"
                + "[State-Service]\ntype=service\nrouter=readwritesplit\ncluster=Cluster-Monitor\n" + svc + "\n"
                + "[State-Listener]\ntype=listener\nservice=State-Service\naddress=127.0.0.1\nport=0\n\n"
                + "[Lazy-Service]\ntype=service\nrouter=readwritesplit\ncluster=Cluster-Monitor\nlazy_connect=true\n"
                + svc + "\n"
                + "[Lazy-Listener]\ntype=listener\nservice=Lazy-Service\naddress=127.0.0.1\nport=0\n\n"
                + "[Short-Service]\ntype=service\nrouter=readwritesplit\ncluster=Cluster-Monitor\nlazy_connect=true\n"
                + "max_sescmd_history=2\nprune_sescmd_history=false\n" + svc + "\n"
                + "[Short-Listener]\ntype=listener\nservice=Short-Service\naddress=127.0.0.1\nport=0\n\n";
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, config);
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    void stop() throws Exception {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
        directExecute("DROP DATABASE IF EXISTS " + otherDb);
    }

    @Test
    void preparedStatementTemporaryTableVariablesDatabaseAndSqlModeCarryOn() throws Exception {
        try (Connection c = connect("State-Listener")) {
            String id = sessionId(c);
            execute(c, "USE " + otherDb);
            execute(c, "SET @user_var = 'kept'");
            execute(c, "SET sql_mode = 'ANSI_QUOTES,STRICT_TRANS_TABLES'");
            execute(c, "CREATE TEMPORARY TABLE tmp_state (id INT)");
            execute(c, "INSERT INTO tmp_state VALUES (7)");
            PreparedStatement ps = c.prepareStatement("SELECT @@server_id, CONCAT(?, '-ps')");
            ps.setString(1, "before");
            assertThat(row(ps)).as("a prepared read runs on a replica").isNotEqualTo(primaryId + "|before-ps")
                    .endsWith("|before-ps");

            restartTwice(id);

            ps.setString(1, "after");
            List<String> after = List.of(row(ps).split("\\|"));
            assertThat(after.get(1)).as("the prepared statement, by the id the client got").isEqualTo("after-ps");
            assertThat(after.get(0)).as("the router still knows it is a read: a replica runs it")
                    .isNotEqualTo(primaryId);
            assertThat(scalar(c, "SELECT id FROM tmp_state")).as("the temporary table, on the primary")
                    .isEqualTo("7");
            assertThat(scalar(c, "SELECT @user_var")).isEqualTo("kept");
            assertThat(scalar(c, "SELECT DATABASE()")).isEqualTo(otherDb);
            assertThat(scalar(c, "SELECT @@sql_mode")).contains("ANSI_QUOTES");
            assertThat(scalar(c, "SELECT \"id\" FROM tmp_state")).as("ANSI_QUOTES: a quoted identifier")
                    .isEqualTo("7");
            ps.close();
            execute(c, "DROP TEMPORARY TABLE tmp_state");
            assertThat(sessionIdOf(c)).isEqualTo(id);
        }
    }

    @Test
    void autocommitOffStaysOff() throws Exception {
        String table = otherDb + "." + Names.unique("restart_ac");
        try (Connection c = connect("State-Listener")) {
            String id = sessionId(c);
            execute(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            try {
                c.setAutoCommit(false);
                c.commit();                                    // no transaction open: the session may restart
                restartTwice(id);
                assertThat(scalar(c, "SELECT @@autocommit")).isEqualTo("0");
                assertThat(scalar(c, "SELECT @@server_id")).as("autocommit off: every statement on the primary")
                        .isEqualTo(primaryId);
                execute(c, "INSERT INTO " + table + " VALUES (1)");
                assertThat(scalar(c, "SELECT COUNT(*) FROM " + table)).as("its own write").isEqualTo("1");
                assertThat(directScalar("SELECT COUNT(*) FROM " + table)).as("not committed yet").isEqualTo("0");
                c.commit();
                assertThat(directScalar("SELECT COUNT(*) FROM " + table)).isEqualTo("1");
                assertThat(sessionIdOf(c)).isEqualTo(id);
            } finally {
                c.setAutoCommit(true);
                execute(c, "DROP TABLE IF EXISTS " + table);
            }
        }
    }

    @Test
    void aReplicaConnectedAfterTheRestartReplaysTheSessionsCommands() throws Exception {
        try (Connection c = connect("Lazy-Listener")) {
            String id = sessionId(c);
            execute(c, "USE " + otherDb);
            execute(c, "SET @lazy_var = 'replayed'");
            PreparedStatement ps = c.prepareStatement("SELECT @@server_id, @lazy_var, DATABASE(), ?");
            ps.setString(1, "p");

            restartTwice(id);

            // lazy_connect: the restarted session has the primary only; a read opens a replica, which joins the
            // reads once it has replayed the session's USE, SET and prepare.
            long end = System.currentTimeMillis() + DEADLINE_MILLIS;
            String[] text;
            do {
                text = row(c, "SELECT @@server_id, @lazy_var, DATABASE()").split("\\|");
                if (System.currentTimeMillis() > end) {
                    throw new AssertionError("no read on a replica within " + DEADLINE_MILLIS + " ms");
                }
                Thread.sleep(20);
            } while (text[0].equals(primaryId));
            assertThat(text[1]).as("the user variable, replayed on the replica").isEqualTo("replayed");
            assertThat(text[2]).as("the database, replayed on the replica").isEqualTo(otherDb);
            String[] prepared = row(ps).split("\\|");
            assertThat(prepared[0]).as("the prepare, replayed on the replica").isNotEqualTo(primaryId);
            assertThat(List.of(prepared).subList(1, 4)).containsExactly("replayed", otherDb, "p");
            ps.close();
            assertThat(sessionIdOf(c)).isEqualTo(id);
        }
    }

    @Test
    void aHistoryThatOverflowedBeforeTheRestartConnectsNoReplicaAfterIt() throws Exception {
        try (Connection c = connect("Short-Listener")) {
            String id = sessionId(c);
            execute(c, "USE " + otherDb);
            execute(c, "SET @short_var = 'a'");
            execute(c, "SET @short_var = 'b'");        // a third session command: over max_sescmd_history=2

            restartTwice(id);

            // No replica can be brought to the session's state: every read stays on the primary, which has it.
            for (int i = 0; i < 30; i++) {
                assertThat(row(c, "SELECT @@server_id, @short_var, DATABASE()"))
                        .isEqualTo(primaryId + "|b|" + otherDb);
                Thread.sleep(40);
            }
            assertThat(sessionIdOf(c)).isEqualTo(id);
        }
    }

    @Test
    void aRestartWhoseFilterCannotStartEndsTheSessionWithAnError() throws Exception {
        try (Connection c = connect("State-Listener")) {
            String id = sessionId(c);
            assertThat(http("PATCH", "sessions/" + id + "/relationships/filters",
                    "{\"data\":[{\"id\":\"FailStart\",\"type\":\"filters\"}]}").statusCode()).isEqualTo(204);
            await(() -> http("GET", "sessions/" + id, null).statusCode() == 404, "session " + id + " ended");
            assertThatThrownBy(() -> scalar(c, "SELECT 1")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("could not restart");
        }
        try (Connection c = connect("State-Listener")) {
            assertThat(scalar(c, "SELECT 'still serving'")).isEqualTo("still serving");
        }
    }

    /** A filter given to the session, then the service's chain (none) again: two rebuilds, each awaited. */
    private void restartTwice(String id) throws Exception {
        HttpResponse<String> r = http("PATCH", "sessions/" + id + "/relationships/filters",
                "{\"data\":[{\"id\":\"Noop\",\"type\":\"filters\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        awaitFilters(id, List.of("Noop"));
        r = http("POST", "sessions/" + id + "/restart", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        awaitFilters(id, List.of());
    }

    /**
     * Compiles the {@code failstart} filter module, whose sessions never start (its newSession throws), into a
     * plugin jar in {@code plugins}.
     */
    private static void failingFilterModule(Path plugins) throws Exception {
        String source = "package plugin.failstart;\n"
                + "import io.gatehouse.api.*;\nimport io.gatehouse.api.filter.*;\nimport io.gatehouse.api.config.Params;\n"
                + "public final class FailStartModule implements FilterModule {\n"
                + "  public ModuleDescriptor descriptor() {\n"
                + "    return new ModuleDescriptor(\"failstart\", ModuleKind.FILTER, Maturity.EXPERIMENTAL,\n"
                + "        new ApiVersion(" + ApiVersion.MAJOR + ", " + ApiVersion.MINOR + "), \"sessions never start\","
                + " \"1.0\", java.util.List.of());\n"
                + "  }\n"
                + "  public Filter create(String n, Params p) {\n"
                + "    return client -> { throw new IllegalStateException(\"failstart starts no session\"); };\n"
                + "  }\n"
                + "}\n";
        Path src = Files.createDirectories(plugins.getParent().resolve("src/plugin/failstart"));
        Path classes = Files.createDirectories(plugins.getParent().resolve("classes"));
        Path file = src.resolve("FailStartModule.java");
        Files.writeString(file, source);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), file.toString());
        assertThat(rc).as("javac of the failstart module").isZero();
        try (OutputStream os = Files.newOutputStream(plugins.resolve("failstart.jar"));
             JarOutputStream out = new JarOutputStream(os)) {
            out.putNextEntry(new JarEntry("META-INF/services/io.gatehouse.api.Module"));
            out.write("plugin.failstart.FailStartModule\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            try (var files = Files.list(classes.resolve("plugin/failstart"))) {
                for (Path f : files.toList()) {
                    out.putNextEntry(new JarEntry("plugin/failstart/" + f.getFileName()));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
        }
    }

    private Connection connect(String listener) throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port(listener) + "/"
                + Accounts.DATABASE + "?user=" + Accounts.APP_USER + "&password=" + Accounts.APP_PASSWORD
                + "&useServerPrepStmts=true");
    }

    /** The Gatehouse session id of {@code c} (the connection id of its handshake), once the admin API lists it. */
    private String sessionId(Connection c) throws Exception {
        String id = sessionIdOf(c);
        await(() -> http("GET", "sessions/" + id, null).statusCode() == 200, "session " + id + " listed");
        return id;
    }

    private static String sessionIdOf(Connection c) throws Exception {
        return Long.toString(c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId());
    }

    /** The names in the session's filters relationship (empty when it has none). */
    private List<String> filters(String id) throws Exception {
        HttpResponse<String> r = http("GET", "sessions/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("data").path("relationships")
                .path("filters").path("data").forEach(f -> names.add(f.path("id").asText()));
        return names;
    }

    private void awaitFilters(String id, List<String> expected) throws Exception {
        await(() -> filters(id).equals(expected), "session " + id + " with filters " + expected);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long end = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!check.holds()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("not within " + DEADLINE_MILLIS + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }

    private HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatehouse.admin().port() + "/v1/"
                        + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:mariadb".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private Connection direct() throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + cluster.primary().port() + "/"
                + Accounts.DATABASE + "?user=" + Accounts.APP_USER + "&password=" + Accounts.APP_PASSWORD);
    }

    private void directExecute(String sql) throws Exception {
        try (Connection c = direct()) {
            execute(c, sql);
        }
    }

    private String directScalar(String sql) throws Exception {
        try (Connection c = direct()) {
            return scalar(c, sql);
        }
    }

    private static String scalar(Connection c, String sql) throws Exception {
        return row(c, sql).split("\\|")[0];
    }

    /** The one row of {@code sql}'s result, its columns joined with '|'. */
    private static String row(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return only(rs);
        }
    }

    private static String row(PreparedStatement ps) throws Exception {
        try (ResultSet rs = ps.executeQuery()) {
            return only(rs);
        }
    }

    private static String only(ResultSet rs) throws Exception {
        assertThat(rs.next()).as("a row").isTrue();
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            sb.append(i == 1 ? "" : "|").append(rs.getString(i));
        }
        assertThat(rs.next()).as("only one row").isFalse();
        return sb.toString();
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
