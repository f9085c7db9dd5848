package io.gatehouse.tests;

import static io.gatehouse.tests.ShardBed.rows;
import static io.gatehouse.tests.ShardBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
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
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services as targets: two replication clusters (a primary and a replica each) holding different databases (db1 on
 * cluster A, db2 on cluster B), a readwritesplit service per cluster, and one schemarouter whose {@code targets} are
 * those two services. Real clients (MariaDB Connector/J, the mariadb CLI) must see one server: merged SHOW DATABASES,
 * USE and qualified names reaching the owning cluster, writes landing on that cluster's primary (checked with a
 * direct connection to it). A mirror over the same two services sends a statement through both to both primaries
 * and reports both services' answers; a smartrouter over them writes through the master service to its primary.
 * A target service's filters (regexfilter, masking) act on what goes through it, and a namedserverfilter on the
 * schemarouter sends statements to the target services it names; a target readwritesplit with
 * {@code optimistic_trx} (an implied filter that runs statements of its own) starts transactions on a replica and
 * moves them at a write. A cycle of services and a target that is neither a server nor a service are refused at
 * start; COM_CHANGE_USER logs every child session in again as the new user, also several in a row;
 * LOAD DATA LOCAL INFILE (mariadb CLI, Connector/J) reaches the owning cluster through its service;
 * Connector/J's cancel (KILL QUERY) stops a statement running in a child session. JUnit test thread; the clients
 * own no Netty buffers.
 */
class ServiceTargetsTest {
    @TempDir
    static Path dir;
    static MariaDbCluster a;
    static MariaDbCluster b;
    static Gatehouse gatehouse;
    static Path maskingRules;
    /** A second application account, for COM_CHANGE_USER. */
    static final String OTHER_USER = "app2", OTHER_PASSWORD = "app2pwd";

    @BeforeAll
    static void start() throws Exception {
        a = MariaDbCluster.start(null, 1);
        b = MariaDbCluster.start(null, 1);
        ShardBed.fill(a.primary(), b.primary());
        for (MariaDbCluster c : List.of(a, b)) {
            c.primary().execute("CREATE USER '" + OTHER_USER + "'@'%' IDENTIFIED BY '" + OTHER_PASSWORD + "';"
                    + " GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO '" + OTHER_USER + "'@'%'");
        }
        a.awaitReplication(Duration.ofSeconds(30));
        b.awaitReplication(Duration.ofSeconds(30));
        maskingRules = dir.resolve("masking.json");
        Files.writeString(maskingRules, "{\"rules\": [{\"replace\": {\"column\": \"v\", \"table\": \"t\","
                + " \"database\": \"db1\"}, \"with\": {\"fill\": \"X\"}}]}");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, config("", dir));
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static String servers(String prefix, MariaDbCluster c) {
        StringBuilder sb = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (MariaDbServer s : c.servers()) {
            String name = prefix + s.name();
            names.add(name);
            sb.append('[').append(name).append("]\ntype=server\naddress=127.0.0.1\nport=").append(s.port())
                    .append("\n\n");
        }
        sb.append('[').append(prefix).append("-Monitor]\ntype=monitor\nmodule=mariadbmon\nservers=")
                .append(String.join(",", names)).append("\nuser=").append(Accounts.SERVICE_USER)
                .append("\npassword=").append(Accounts.SERVICE_PASSWORD).append("\nmonitor_interval=500ms\n\n");
        // causal_reads=local: the tests read what their session just wrote, and on a loaded machine a replica can
        // be behind; MaxScale's users configure read-your-writes the same way.
        sb.append('[').append(prefix).append("-Split]\ntype=service\nrouter=readwritesplit\ncluster=").append(prefix)
                .append("-Monitor\ncausal_reads=local\n").append(credentials()).append('\n');
        return sb.toString();
    }

    private static String credentials() {
        return "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
    }

    /** Both clusters, a readwritesplit service each, and the schemarouter over them; {@code extra} is appended. */
    private static String config(String extra, Path dir) {
        return "[maxscale]\nthreads=2\nadmin_enabled=false\nmax_auth_errors_until_block=0\n"
                + "logdir=" + dir + "\npiddir=" + dir + "\ndatadir=" + dir + "\npersistdir=" + dir + "\n\n"
                + servers("A", a) + servers("B", b)
                // The mirror test creates mirrored_db on both clusters for a moment: not a duplicate for the shards.
                + "[Shard]\ntype=service\nrouter=schemarouter\ntargets=A-Split,B-Split\n" + credentials()
                + "ignore_tables_regex=^mirrored_db\\.\n\n"
                + "[Shard-L]\ntype=listener\nservice=Shard\naddress=127.0.0.1\nport=0\n\n"
                + "[Mirror]\ntype=service\nrouter=mirror\ntargets=A-Split,B-Split\nmain=A-Split\nexporter=file\nfile="
                + dir.resolve("mirror.json") + "\n" + credentials() + "\n"
                + "[Mirror-L]\ntype=listener\nservice=Mirror\naddress=127.0.0.1\nport=0\n\n"
                + "[Smart]\ntype=service\nrouter=smartrouter\ntargets=A-Split,B-Split\nmaster=A-Split\n"
                + credentials() + "\n"
                + "[Smart-L]\ntype=listener\nservice=Smart\naddress=127.0.0.1\nport=0\n\n"
                // A target service with filters of both kinds (a statement rewrite, a reply mask), and a
                // namedserverfilter on the schemarouter over it naming its target services.
                + "[Rx]\ntype=filter\nmodule=regexfilter\nmatch=/'marker-in'/\nreplace='marker-out'\n\n"
                + "[Mask]\ntype=filter\nmodule=masking\nrules=" + maskingRules + "\n\n"
                + "[A-Filtered]\ntype=service\nrouter=readwritesplit\ncluster=A-Monitor\nfilters=Rx|Mask\ncausal_reads=local\n"
                + credentials() + "\n"
                + "[Named]\ntype=filter\nmodule=namedserverfilter\nmatch01=/'to-b'/\ntarget01=B-Split\n"
                + "match02=/'to-a'/\ntarget02=A-Filtered\n\n"
                + "[Shard-F]\ntype=service\nrouter=schemarouter\ntargets=A-Filtered,B-Split\nfilters=Named\n"
                + credentials() + "ignore_tables_regex=^mirrored_db\\.\n\n"
                + "[Shard-F-L]\ntype=listener\nservice=Shard-F\naddress=127.0.0.1\nport=0\n\n"
                // optimistic_trx implies the optimistictrx filter, which runs statements of its own (runBefore).
                + "[A-Opt]\ntype=service\nrouter=readwritesplit\ncluster=A-Monitor\noptimistic_trx=true\n"
                + credentials() + "\n"
                + "[Shard-O]\ntype=service\nrouter=schemarouter\ntargets=A-Opt,B-Split\n" + credentials()
                + "ignore_tables_regex=^mirrored_db\\.\n\n"
                + "[Shard-O-L]\ntype=listener\nservice=Shard-O\naddress=127.0.0.1\nport=0\n\n" + extra;
    }

    private static Connection connect(String db) throws SQLException {
        return connect("Shard-L", db);
    }

    private static Connection connect(String listener, String db) throws SQLException {
        return ShardBed.connect(gatehouse.port(listener), db);
    }

    private static List<String> ports(MariaDbCluster c) {
        return c.servers().stream().map(s -> String.valueOf(s.port())).toList();
    }

    @Test
    void connectorJSeesOneServer() throws Exception {
        try (Connection c = connect(""); Statement st = c.createStatement()) {
            List<String> dbs = rows(st, "SHOW DATABASES").stream().map(r -> r.get(0)).toList();
            assertThat(dbs).contains("db1", "db2", "test", "mysql", "information_schema");
            assertThat(new HashSet<>(dbs)).as("each database once").hasSize(dbs.size());

            st.execute("USE db2");
            assertThat(scalar(st, "SELECT @@port")).isIn(ports(b));
            assertThat(scalar(st, "SELECT v FROM t2")).isEqualTo("on-b");
            // A qualified name goes to the cluster owning it whatever the current database is.
            List<String> onA = rows(st, "SELECT @@port, v FROM db1.t WHERE id = 1").get(0);
            assertThat(onA.get(0)).isIn(ports(a));
            assertThat(onA.get(1)).isEqualTo("on-a");

            // Writes land on the owning cluster's primary, as its readwritesplit service routes them.
            st.executeUpdate("INSERT INTO db1.t VALUES (2, 'written-a')");
            st.executeUpdate("INSERT INTO t2 VALUES (2, 'written-b')");
            assertThat(a.primary().queryValue("SELECT v FROM db1.t WHERE id = 2")).isEqualTo("written-a");
            assertThat(b.primary().queryValue("SELECT v FROM db2.t2 WHERE id = 2")).isEqualTo("written-b");
            // In a transaction the owning service reads from its primary.
            st.execute("START TRANSACTION");
            assertThat(scalar(st, "SELECT @@port FROM t2 WHERE id = 2"))
                    .isEqualTo(String.valueOf(b.primary().port()));
            st.execute("COMMIT");

            // A session command reaches both services, and through each every server it uses.
            st.execute("SET @marker = 'everywhere'");
            assertThat(scalar(st, "SELECT @marker FROM t2 LIMIT 1")).isEqualTo("everywhere");
            assertThat(scalar(st, "SELECT @marker FROM db1.t LIMIT 1")).isEqualTo("everywhere");

            List<List<String>> shards = rows(st, "SHOW SHARDS");
            assertThat(shards).contains(List.of("db1.t", "A-Split"), List.of("db2.t2", "B-Split"),
                    List.of("test.", "A-Split"));
        } finally {
            a.primary().execute("DELETE FROM db1.t WHERE id = 2");
            b.primary().execute("DELETE FROM db2.t2 WHERE id = 2");
        }
    }

    @Test
    void connectDatabaseIsSetOnlyInTheOwningService() throws Exception {
        try (Connection c = connect("db2"); Statement st = c.createStatement()) {
            assertThat(scalar(st, "SELECT DATABASE()")).isEqualTo("db2");
            assertThat(rows(st, "SELECT v FROM t2")).containsExactly(List.of("on-b"));
        }
    }

    @Test
    void mariadbCliSeesOneServer() throws Exception {
        List<String> cmd = List.of("mariadb", "--no-defaults", "--protocol=TCP", "--connect-timeout=10",
                "-h127.0.0.1", "-P" + gatehouse.port("Shard-L"), "-u" + Accounts.APP_USER,
                "-p" + Accounts.APP_PASSWORD, "-N", "-B", "-e",
                "SHOW DATABASES; USE db2; SELECT v FROM t2; SELECT v FROM db1.t WHERE id = 1;"
                        + " INSERT INTO db1.t VALUES (3, 'cli-a'); SHOW SHARDS");
        try {
            Subprocess.Output out = Subprocess.run(cmd, null, Duration.ofSeconds(30));
            assertThat(out.exitCode()).as(out.describe()).isZero();
            List<String> lines = out.stdout().lines().toList();
            assertThat(lines).contains("db1", "db2", "on-b", "on-a", "db1.t\tA-Split", "db2.t2\tB-Split");
            assertThat(lines.stream().filter("mysql"::equals).count()).as("mysql listed once").isEqualTo(1);
            assertThat(a.primary().queryValue("SELECT v FROM db1.t WHERE id = 3")).isEqualTo("cli-a");
        } finally {
            a.primary().execute("DELETE FROM db1.t WHERE id = 3");
        }
    }

    @Test
    void mirrorOverTwoServicesWritesToBothPrimaries() throws Exception {
        String create = "CREATE DATABASE mirrored_db";
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port("Mirror-L")
                + "/?connectTimeout=10000&socketTimeout=20000", Accounts.APP_USER, Accounts.APP_PASSWORD);
             Statement st = c.createStatement()) {
            st.execute(create);
            assertThat(scalar(st, "SELECT @@port")).as("the client hears A-Split").isIn(ports(a));
        }
        try {
            assertThat(a.primary().queryValue("SHOW DATABASES LIKE 'mirrored_db'")).isEqualTo("mirrored_db");
            assertThat(b.primary().queryValue("SHOW DATABASES LIKE 'mirrored_db'")).isEqualTo("mirrored_db");
            Path report = dir.resolve("mirror.json");
            long deadline = System.nanoTime() + 10_000_000_000L;
            String line = null;
            while (line == null && System.nanoTime() < deadline) {
                line = Files.exists(report) ? Files.readAllLines(report).stream()
                        .filter(l -> l.contains(create)).findFirst().orElse(null) : null;
                if (line == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(line).as("report of the CREATE").isNotNull()
                    .contains("\"target\":\"A-Split\"").contains("\"target\":\"B-Split\"")
                    .doesNotContain("\"type\":\"error\"");
        } finally {
            a.primary().execute("DROP DATABASE IF EXISTS mirrored_db");
            b.primary().execute("DROP DATABASE IF EXISTS mirrored_db");
            a.awaitReplication(Duration.ofSeconds(30));
            b.awaitReplication(Duration.ofSeconds(30));
        }
    }

    @Test
    void smartrouterOverTwoServicesWritesThroughTheMasterService() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port("Smart-L")
                + "/?connectTimeout=10000&socketTimeout=20000", Accounts.APP_USER, Accounts.APP_PASSWORD);
             Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO db1.t VALUES (5, 'smart')");
            // In a transaction every statement stays with the master service, which reads from its primary.
            st.execute("START TRANSACTION");
            assertThat(scalar(st, "SELECT @@port FROM db1.t WHERE id = 5"))
                    .isEqualTo(String.valueOf(a.primary().port()));
            st.execute("COMMIT");
        } finally {
            assertThat(a.primary().queryValue("SELECT v FROM db1.t WHERE id = 5")).isEqualTo("smart");
            a.primary().execute("DELETE FROM db1.t WHERE id = 5");
        }
    }

    @Test
    void theTargetServicesFiltersRunInTheChildSession() throws Exception {
        try (Connection c = connect("Shard-F-L", ""); Statement st = c.createStatement()) {
            // regexfilter of A-Filtered rewrote the statement, its masking filter masked v in the reply on its
            // way back through the child session; the plain A-Split service (below) did neither.
            assertThat(rows(st, "SELECT v, 'marker-in' FROM db1.t WHERE id = 1"))
                    .containsExactly(List.of("XXXX", "marker-out"));
            assertThat(rows(st, "SELECT id, v FROM db1.t ORDER BY id")).containsExactly(List.of("1", "XXXX"));
            // B-Split has no filters: its statements and replies are untouched.
            st.executeUpdate("INSERT INTO db2.t2 VALUES (10, 'ten')");
            assertThat(rows(st, "SELECT id, 'marker-in' FROM db2.t2 ORDER BY id"))
                    .containsExactly(List.of("1", "marker-in"), List.of("10", "marker-in"));
        } finally {
            b.primary().execute("DELETE FROM db2.t2 WHERE id >= 10");
        }
        try (Connection c = connect(""); Statement st = c.createStatement()) {
            assertThat(rows(st, "SELECT v, 'marker-in' FROM db1.t WHERE id = 1"))
                    .containsExactly(List.of("on-a", "marker-in"));
        }
        // The mariadb CLI through the filtered shard sees the rewrite too.
        Subprocess.Output out = Subprocess.run(List.of("mariadb", "--no-defaults", "--protocol=TCP",
                "--connect-timeout=10", "-h127.0.0.1", "-P" + gatehouse.port("Shard-F-L"), "-u" + Accounts.APP_USER,
                "-p" + Accounts.APP_PASSWORD, "-N", "-B", "-e", "SELECT v, 'marker-in' FROM db1.t WHERE id = 1"),
                null, Duration.ofSeconds(30));
        assertThat(out.exitCode()).as(out.describe()).isZero();
        assertThat(out.stdout()).isEqualTo("XXXX\tmarker-out\n");
    }

    @Test
    void optimisticTransactionsOfATargetServiceMoveToItsPrimaryAtTheFirstWrite() throws Exception {
        try (Connection c = connect("Shard-O-L", ""); Statement st = c.createStatement()) {
            // A read-only transaction stays on a replica of the target service.
            st.execute("START TRANSACTION");
            assertThat(scalar(st, "SELECT @@port FROM db1.t WHERE id = 1"))
                    .isIn(a.replicas().stream().map(r -> String.valueOf(r.port())).toList());
            st.execute("COMMIT");
            // At the first write the filter replays the transaction on the primary (statements of its own, run
            // in the child session before the client's) and the write lands there.
            st.execute("START TRANSACTION");
            assertThat(scalar(st, "SELECT v FROM db1.t WHERE id = 1")).isEqualTo("on-a");
            st.executeUpdate("INSERT INTO db1.t VALUES (30, 'optimistic')");
            assertThat(scalar(st, "SELECT @@port FROM db1.t WHERE id = 30"))
                    .isEqualTo(String.valueOf(a.primary().port()));
            st.execute("COMMIT");
            assertThat(a.primary().queryValue("SELECT v FROM db1.t WHERE id = 30")).isEqualTo("optimistic");
        } finally {
            a.primary().execute("DELETE FROM db1.t WHERE id = 30");
        }
    }

    @Test
    void namedserverfilterRoutesToTheServicesItNames() throws Exception {
        try (Connection c = connect("Shard-F-L", ""); Statement st = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                assertThat(scalar(st, "SELECT @@port, 'to-b'")).isIn(ports(b));
                assertThat(scalar(st, "SELECT @@port, 'to-a'")).isIn(ports(a));
            }
        }
        // A service the filter's service does not route to is refused, naming the parameter.
        assertRefused("[N2]\ntype=filter\nmodule=namedserverfilter\nmatch01=/x/\ntarget01=Mirror\n\n"
                + "[X]\ntype=service\nrouter=schemarouter\ntargets=A-Split,B-Split\nfilters=N2\n"
                + credentials() + "\n", "[N2] target01: 'Mirror'", "no service using this filter names in targets");
    }

    @Test
    void changeUserLogsEveryChildSessionInAgain() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", gatehouse.port("Shard-L"), new byte[0])) {
            s.readTimeout(20_000);
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
            assertThat(s.execute("SET @kept = 'old'")).isNull();
            assertThat(s.scalar("SELECT v FROM db1.t WHERE id = 1")).isEqualTo("on-a");
            assertThat(s.changeUser(OTHER_USER, OTHER_PASSWORD, "")).isNull();
            // Both child sessions run as the new user now, and the old user's variables are gone from both.
            assertThat(s.scalar("SELECT CURRENT_USER() FROM db1.t WHERE id = 1")).isEqualTo(OTHER_USER + "@%");
            assertThat(s.scalar("SELECT CURRENT_USER() FROM db2.t2 WHERE id = 1")).isEqualTo(OTHER_USER + "@%");
            assertThat(s.scalar("SELECT COALESCE(@kept, 'gone') FROM db2.t2 WHERE id = 1")).isEqualTo("gone");
            // A wrong password is refused and the session stays the user it was.
            assertThat(s.changeUser(Accounts.APP_USER, "wrong", "")).startsWith("1045 ");
            assertThat(s.scalar("SELECT CURRENT_USER() FROM db2.t2 WHERE id = 1")).isEqualTo(OTHER_USER + "@%");
            // Which child holds a database only the schemarouter knows: a request naming one is refused.
            assertThat(s.changeUser(Accounts.APP_USER, Accounts.APP_PASSWORD, "db1")).startsWith("1235 ")
                    .contains("then USE it");
            assertThat(s.scalar("SELECT v FROM db2.t2 WHERE id = 1")).isEqualTo("on-b");
        }
    }

    /**
     * Two COM_CHANGE_USER right after each other (MySQL Connector/J's changeUser), then a third: each change is
     * answered, and every child session (one per target service) runs as the user of the last change. A child that
     * kept its finished change as the one under way would give an answer that comes at once to that old change and
     * never answer the new one: the client's socket timeout would end the test.
     */
    @Test
    void changesOfUserInARowAreEachAnswered() throws Exception {
        String url = "jdbc:mysql://127.0.0.1:" + gatehouse.port("Shard-L")
                + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true&connectTimeout=10000&socketTimeout=20000";
        try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
            try (Statement st = c.createStatement()) {
                // Both child sessions exist before the changes.
                assertThat(scalar(st, "SELECT v FROM db1.t WHERE id = 1")).isEqualTo("on-a");
                assertThat(scalar(st, "SELECT v FROM db2.t2 WHERE id = 1")).isEqualTo("on-b");
            }
            com.mysql.cj.jdbc.JdbcConnection mysql = c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
            mysql.changeUser(OTHER_USER, OTHER_PASSWORD);
            mysql.changeUser(Accounts.APP_USER, Accounts.APP_PASSWORD);
            assertThat(usersOfBothChildren(c)).containsOnly(Accounts.APP_USER + "@%");
            mysql.changeUser(OTHER_USER, OTHER_PASSWORD);
            assertThat(usersOfBothChildren(c)).containsOnly(OTHER_USER + "@%");
        }
    }

    /** CURRENT_USER() as the child session of each target service sees it (db1 is on A, db2 on B). */
    private static List<String> usersOfBothChildren(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            return List.of(scalar(st, "SELECT CURRENT_USER() FROM db1.t WHERE id = 1"),
                    scalar(st, "SELECT CURRENT_USER() FROM db2.t2 WHERE id = 1"));
        }
    }

    @Test
    void loadDataLocalInfileReachesTheOwningCluster() throws Exception {
        Path file = dir.resolve("rows.tsv");
        Files.writeString(file, "20\tloaded-1\n21\tloaded-2\n");
        try {
            // The mariadb CLI through the plain shard: the file goes to B-Split's primary.
            Subprocess.Output out = Subprocess.run(List.of("mariadb", "--no-defaults", "--protocol=TCP",
                    "--connect-timeout=10", "--local-infile=1", "-h127.0.0.1", "-P" + gatehouse.port("Shard-L"),
                    "-u" + Accounts.APP_USER, "-p" + Accounts.APP_PASSWORD, "-N", "-B", "-e",
                    "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE db2.t2;"
                            + " SELECT COUNT(*) FROM db2.t2 WHERE v LIKE 'loaded-%'"), null, Duration.ofSeconds(30));
            assertThat(out.exitCode()).as(out.describe()).isZero();
            assertThat(out.stdout()).isEqualTo("2\n");
            assertThat(b.primary().queryValue("SELECT COUNT(*) FROM db2.t2 WHERE v LIKE 'loaded-%'")).isEqualTo("2");
            // Connector/J through the filtered shard: A-Filtered's filters see the reply that follows the file.
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gatehouse.port("Shard-F-L")
                    + "/?allowLocalInfile=true&connectTimeout=10000&socketTimeout=20000", Accounts.APP_USER,
                    Accounts.APP_PASSWORD); Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE db1.t")).isEqualTo(2);
                assertThat(scalar(st, "SELECT v FROM db1.t WHERE id = 21")).isEqualTo("XXXXXXXX");
            }
            assertThat(a.primary().queryValue("SELECT COUNT(*) FROM db1.t WHERE v LIKE 'loaded-%'")).isEqualTo("2");
        } finally {
            a.primary().execute("DELETE FROM db1.t WHERE id >= 20");
            b.primary().execute("DELETE FROM db2.t2 WHERE id >= 20");
        }
    }

    @Test
    void connectorJsCancelStopsAStatementRunningInAChildSession() throws Exception {
        String direct = cancelledSleep(DriverManager.getConnection(a.primary().jdbcUrl() + "?socketTimeout=30000",
                Accounts.APP_USER, Accounts.APP_PASSWORD));
        assertThat(direct).startsWith("error 1317");
        // KILL QUERY with the greeting's id, from a second connection: it reaches A-Split's connection.
        assertThat(cancelledSleep(connect(""))).isEqualTo(direct);
    }

    /** Connector/J's cancel of a sleeping statement on {@code c} (closed here): how it ended, then a next read. */
    private static String cancelledSleep(Connection c) throws Exception {
        try (c; Statement st = c.createStatement()) {
            java.util.concurrent.CompletableFuture<String> sleeping =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try (ResultSet rs = st.executeQuery("SELECT SLEEP(20) FROM db1.t WHERE id = 1")) {
                            rs.next();
                            return "returned " + rs.getString(1);
                        } catch (SQLException e) {
                            return "error " + e.getErrorCode();
                        }
                    });
            awaitSleeping(a);
            st.cancel();
            String got = sleeping.get(15, java.util.concurrent.TimeUnit.SECONDS);
            return got + ", then " + scalar(st, "SELECT v FROM db1.t WHERE id = 1");
        }
    }

    private static void awaitSleeping(MariaDbCluster c) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (MariaDbServer s : c.servers()) {
                if (!"0".equals(s.queryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                        + Accounts.APP_USER + "' AND INFO LIKE 'SELECT SLEEP(20)%'"))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the statement never started");
    }

    @Test
    void aServiceOverServicesReachesTheirServersInOrder() throws Exception {
        Path okDir = Files.createTempDirectory(dir, "nested");
        Path cnf = okDir.resolve("nested.cnf");
        Files.writeString(cnf, config("[Outer]\ntype=service\nrouter=schemarouter\ntargets=Shard,Aserver1\n"
                + credentials() + "\n", okDir));
        var c = Gatehouse.check(cnf);
        // Its accounts and version come from every server it reaches, each once, in the order they are named.
        assertThat(c.service("Outer").targets()).containsExactly("Aserver1", "Aserver2", "Bserver1", "Bserver2");
        assertThat(c.service("Shard").targets()).containsExactly("Aserver1", "Aserver2", "Bserver1", "Bserver2");
    }

    @Test
    void aCycleOfServicesIsRefusedAtStart() throws Exception {
        String cycle = "[X]\ntype=service\nrouter=schemarouter\ntargets=Y\n" + credentials() + "\n"
                + "[Y]\ntype=service\nrouter=schemarouter\ntargets=A-Split,X\n" + credentials() + "\n";
        assertRefused(cycle, "[X] targets: 'Y'", "X -> Y -> X");
        String unknown = "[X]\ntype=service\nrouter=schemarouter\ntargets=A-Split,nosuch\n" + credentials() + "\n";
        assertRefused(unknown, "[X] targets: 'A-Split,nosuch'", "'nosuch' is neither");
        // servers= names servers only, as in MaxScale.
        String viaServers = "[X]\ntype=service\nrouter=schemarouter\nservers=A-Split\n" + credentials() + "\n";
        assertRefused(viaServers, "[X] servers: 'A-Split'", "names of server sections");
    }

    private static void assertRefused(String extra, String section, String rule) throws Exception {
        // Its own directories: the running Gatehouse's persisted sections would stand in for the file's.
        Path badDir = Files.createTempDirectory(dir, "bad");
        Path cnf = badDir.resolve("bad.cnf");
        Files.writeString(cnf, config(extra, badDir));
        assertThatThrownBy(() -> Gatehouse.start(cnf).close()).hasMessageContaining(section)
                .hasMessageContaining(rule);
    }
}
