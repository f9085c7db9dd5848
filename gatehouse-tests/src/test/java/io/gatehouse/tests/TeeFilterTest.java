package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.execute;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tee filter on a readwritesplit and a readconnroute service of the shared cluster: statements reach both the
 * cluster and the branch target (a separate server, or a service over its own server, whose filters the copies pass through), {@code match}/{@code exclude}
 * and {@code user} choose what is copied, a branch target killed mid-session does not disturb the client (with
 * {@code sync} it ends the session), and {@code sync} holds the client's next statement until the branch answered.
 * Clients: Connector/J and the mariadb CLI. JUnit test thread; the clients own no Netty buffers.
 */
@ExtendWith(MariaDbExtension.class)
class TeeFilterTest {
    static MariaDbServer teeA;
    static MariaDbServer teeB;

    @BeforeAll
    static void startTargets() {
        teeA = MariaDbServer.startStandalone(null, "teea", 81);
        teeB = MariaDbServer.startStandalone(null, "teeb", 82);
    }

    @AfterAll
    static void stopTargets() {
        if (teeA != null) {
            teeA.close();
        }
        if (teeB != null) {
            teeB.close();
        }
    }

    /** The tee section {@code settings} plus the branch targets: servers TeeA and TeeB, service TeeSvc over TeeB. */
    private static String tee(String settings) {
        return "module=tee\n" + settings + "\n\n"
                + "[TeeA]\ntype=server\naddress=127.0.0.1\nport=" + teeA.port() + "\n\n"
                + "[TeeB]\ntype=server\naddress=127.0.0.1\nport=" + teeB.port() + "\n\n"
                + "[TeeSvc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=TeeB\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD;
    }

    /** Waits until {@code sql} on {@code server} gives {@code expected}, for a branch's asynchronous copies. */
    private static void awaitValue(MariaDbServer server, String sql, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String seen = server.queryValue(sql);
        while (!expected.equals(seen) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            seen = server.queryValue(sql);
        }
        assertThat(seen).as(sql + " on " + server.name()).isEqualTo(expected);
    }

    @Test
    void writesReachTheClusterAndTheBranchServerThroughBothRouters(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, tee("target=TeeA"), "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                String t = Names.unique("tee");
                try (Connection c = bed.connect(listener)) {
                    execute(c, "CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(20))");
                    for (int i = 1; i <= 20; i++) {
                        execute(c, "INSERT INTO " + t + " VALUES (" + i + ", 'row" + i + "')");
                    }
                    execute(c, "UPDATE " + t + " SET v = 'changed' WHERE id <= 5");
                    // The client sees the cluster's answers (the branch's are discarded); FOR UPDATE reads the
                    // primary, not a replica that may lag.
                    assertThat(scalar(c, "SELECT COUNT(*) FROM " + t + " FOR UPDATE")).isEqualTo("20");
                }
                assertThat(cluster.primary().queryValue("SELECT COUNT(*) FROM test." + t)).isEqualTo("20");
                awaitValue(teeA, "SELECT CONCAT(COUNT(*), ':', SUM(v = 'changed')) FROM test." + t, "20:5");
            }
            // The mariadb CLI: a script of several statements, each copied; FOR UPDATE reads the primary.
            for (String listener : new String[] {SPLIT, CONN}) {
                String t = Names.unique("tee");
                assertThat(bed.cli(listener, "CREATE TABLE " + t + " (id INT); INSERT INTO " + t
                        + " VALUES (1),(2),(3); SELECT SUM(id) FROM " + t + " FOR UPDATE")).as(listener).isEqualTo("6\n");
                awaitValue(teeA, "SELECT SUM(id) FROM test." + t, "6");
            }
            assertThat(bed.diagnostics().get("branches_failed").asLong()).isZero();
            assertThat(bed.diagnostics().get("statements_copied").asLong()).isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void aServiceTargetGetsOnlyTheStatementsMatchAndExcludeLetThrough(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        String t = Names.unique("tee");
        teeB.execute("CREATE TABLE test." + t + " (id INT PRIMARY KEY, v VARCHAR(20))");
        try (FilterBed bed = FilterBed.start(cluster, dir,
                tee("target=TeeSvc\nmatch=/insert into/\nexclude=/not-copied/"), "master")) {
            try (Connection c = bed.connect(SPLIT)) {
                execute(c, "CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(20))");
                // options defaults to ignorecase: the upper-case statements match.
                execute(c, "INSERT INTO " + t + " VALUES (1, 'a')");
                execute(c, "INSERT INTO " + t + " VALUES (2, 'b') /* not-copied */");
                execute(c, "UPDATE " + t + " SET v = 'z'");
                execute(c, "INSERT INTO " + t + " VALUES (3, 'c')");
                assertThat(scalar(c, "SELECT GROUP_CONCAT(id ORDER BY id) FROM " + t + " FOR UPDATE"))
                        .isEqualTo("1,2,3");
                // A statement after the last insert: the branch has had it once this one is there too.
                execute(c, "insert into " + t + " VALUES (4, 'd')");
            }
            awaitValue(teeB, "SELECT GROUP_CONCAT(CONCAT(id, v) ORDER BY id) FROM test." + t, "1a,3c,4d");
            assertThat(cluster.primary().queryValue("SELECT GROUP_CONCAT(CONCAT(id, v) ORDER BY id) FROM test." + t))
                    .isEqualTo("1z,2z,3c,4d");
            // The CLI through readconnroute: the same rules.
            assertThat(bed.cli(CONN, "INSERT INTO " + t + " VALUES (5, 'e'); INSERT INTO " + t
                    + " VALUES (6, 'f') -- not-copied\n; SELECT COUNT(*) FROM " + t)).isEqualTo("6\n");
            awaitValue(teeB, "SELECT GROUP_CONCAT(id ORDER BY id) FROM test." + t, "1,3,4,5");
        }
    }

    @Test
    void aServiceTargetsFiltersRewriteTheBranchsStatements(MariaDbCluster cluster, @TempDir Path dir)
            throws Exception {
        String t = Names.unique("tee");
        teeB.execute("CREATE TABLE test." + t + " (id INT PRIMARY KEY, v VARCHAR(40))");
        // TeeSvc gets a regexfilter: the branch's copies go through it, the client's statements do not.
        String section = tee("target=TeeSvc\nmatch=/insert into/").replace("servers=TeeB\n",
                "servers=TeeB\nfilters=Upper\n")
                + "\n\n[Upper]\ntype=filter\nmodule=regexfilter\nmatch=/'branch-(\\w+)'/\nreplace='REWRITTEN-$1'\n";
        try (FilterBed bed = FilterBed.start(cluster, dir, section, "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                int id = listener.equals(SPLIT) ? 1 : 2;
                String tag = id == 1 ? "split" : "conn";
                try (Connection c = bed.connect(listener)) {
                    if (id == 1) {
                        execute(c, "CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(40))");
                    }
                    execute(c, "INSERT INTO " + t + " VALUES (" + id + ", 'branch-" + tag + "')");
                    assertThat(scalar(c, "SELECT v FROM " + t + " WHERE id = " + id + " FOR UPDATE"))
                            .isEqualTo("branch-" + tag);
                }
            }
            awaitValue(teeB, "SELECT GROUP_CONCAT(v ORDER BY id) FROM test." + t,
                    "REWRITTEN-split,REWRITTEN-conn");
            assertThat(cluster.primary().queryValue("SELECT GROUP_CONCAT(v ORDER BY id) FROM test." + t))
                    .isEqualTo("branch-split,branch-conn");
            assertThat(bed.diagnostics().get("branches_failed").asLong()).isZero();
        }
    }

    @Test
    void preparedStatementsReachTheBranchUnderItsOwnIds(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, tee("target=TeeA\nexclude=/main-only/"), "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                String t = Names.unique("tee");
                try (Connection c = DriverManager.getConnection(bed.url(listener)
                        + "?useServerPrepStmts=true&cachePrepStmts=false", Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                    execute(c, "CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(20))");
                    // Prepared on the main target only: from here on the two servers number statements differently.
                    try (PreparedStatement skipped = c.prepareStatement("SELECT ? /* main-only */")) {
                        skipped.setInt(1, 1);
                        skipped.executeQuery().close();
                        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?)")) {
                            for (int i = 1; i <= 10; i++) {
                                insert.setInt(1, i);
                                insert.setString(2, "v" + i);
                                insert.executeUpdate();
                            }
                        }
                        // The excluded statement's executions do not reach the branch either.
                        skipped.executeQuery().close();
                    }
                    try (PreparedStatement update = c.prepareStatement("UPDATE " + t + " SET v = ? WHERE id <= ?")) {
                        update.setString(1, "changed");
                        update.setInt(2, 3);
                        assertThat(update.executeUpdate()).isEqualTo(3);
                    }
                }
                String expected = "10:3:" + (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10);
                String sql = "SELECT CONCAT(COUNT(*), ':', SUM(v = 'changed'), ':', SUM(id)) FROM test." + t;
                assertThat(cluster.primary().queryValue(sql)).isEqualTo(expected);
                awaitValue(teeA, sql, expected);
            }
        }
    }

    @Test
    void sessionsOfOtherUsersAreNotCopied(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String t = Names.unique("tee");
        try (FilterBed bed = FilterBed.start(cluster, dir, tee("target=TeeA\nuser=someone_else"), "master")) {
            try (Connection c = bed.connect(CONN)) {
                execute(c, "CREATE TABLE " + t + " (id INT)");
                execute(c, "INSERT INTO " + t + " VALUES (1)");
            }
            assertThat(bed.diagnostics().get("branches_opened").asLong()).isZero();
        }
        assertThat(teeA.queryValue("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '" + t + "'"))
                .isEqualTo("0");
    }

    @Test
    void aKilledBranchTargetDoesNotDisturbTheClient(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (MariaDbServer doomed = MariaDbServer.startStandalone(null, "teedoomed", 83)) {
            String section = "module=tee\ntarget=Doomed\n\n[Doomed]\ntype=server\naddress=127.0.0.1\nport="
                    + doomed.port();
            try (FilterBed bed = FilterBed.start(cluster, dir, section, "master")) {
                for (String listener : new String[] {SPLIT, CONN}) {
                    if (!doomed.isRunning()) {
                        doomed.start();
                    }
                    String t = Names.unique("tee");
                    try (Connection c = bed.connect(listener)) {
                        execute(c, "CREATE TABLE " + t + " (id INT)");
                        execute(c, "INSERT INTO " + t + " VALUES (1)");
                        awaitValue(doomed, "SELECT COUNT(*) FROM test." + t, "1");
                        doomed.kill();
                        for (int i = 2; i <= 10; i++) {
                            execute(c, "INSERT INTO " + t + " VALUES (" + i + ")");
                        }
                        assertThat(scalar(c, "SELECT SUM(id) FROM " + t + " FOR UPDATE")).isEqualTo("55");
                    }
                    // A new session while the target is down: its branch cannot connect, the client works.
                    try (Connection c = bed.connect(listener)) {
                        execute(c, "INSERT INTO " + t + " VALUES (11)");
                        assertThat(scalar(c, "SELECT COUNT(*) FROM " + t + " FOR UPDATE")).isEqualTo("11");
                    }
                    assertThat(bed.cli(listener, "SELECT COUNT(*) FROM " + t + " FOR UPDATE")).isEqualTo("11\n");
                }
                assertThat(bed.diagnostics().get("branches_failed").asLong()).isGreaterThanOrEqualTo(4);
            }
        }
    }

    @Test
    void syncHoldsTheNextStatementUntilTheBranchAnswered(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        for (boolean sync : new boolean[] {true, false}) {
            String t = Names.unique("tee");
            try (FilterBed bed = FilterBed.start(cluster, dir, tee("target=TeeA\nsync=" + sync), "master");
                 Connection c = bed.connect(CONN);
                 Connection locker = DriverManager.getConnection(teeA.jdbcUrl(), Accounts.ROOT_USER,
                         Accounts.ROOT_PASSWORD)) {
                execute(c, "CREATE TABLE " + t + " (id INT)");
                awaitValue(teeA, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '" + t + "'", "1");
                // The branch's copy of the insert waits for this lock on the tee server; the cluster's does not.
                execute(locker, "LOCK TABLES test." + t + " READ");
                CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
                    try {
                        execute(c, "INSERT INTO " + t + " VALUES (1)");
                        return scalar(c, "SELECT 1");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                if (sync) {
                    // The SELECT waits for the branch's insert, which waits for the lock.
                    Thread.sleep(1000);
                    assertThat(client).as("the statement after a copied one, with sync").isNotDone();
                    execute(locker, "UNLOCK TABLES");
                    assertThat(client.get(30, TimeUnit.SECONDS)).isEqualTo("1");
                    // n - 1 statements are done on both targets: the insert is on the tee server now.
                    assertThat(teeA.queryValue("SELECT COUNT(*) FROM test." + t)).isEqualTo("1");
                } else {
                    // Without sync the client goes on while the branch is still blocked.
                    assertThat(client.get(30, TimeUnit.SECONDS)).isEqualTo("1");
                    assertThat(teeA.queryValue("SELECT COUNT(*) FROM test." + t)).isEqualTo("0");
                    execute(locker, "UNLOCK TABLES");
                    awaitValue(teeA, "SELECT COUNT(*) FROM test." + t, "1");
                }
            }
        }
    }

    @Test
    void withSyncAFailedBranchEndsTheSession(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (MariaDbServer doomed = MariaDbServer.startStandalone(null, "teesync", 84)) {
            String section = "module=tee\ntarget=Doomed\nsync=true\n\n[Doomed]\ntype=server\naddress=127.0.0.1\nport="
                    + doomed.port();
            try (FilterBed bed = FilterBed.start(cluster, dir, section, "master");
                 Connection c = bed.connect(CONN)) {
                assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
                doomed.kill();
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 3; i++) {
                        scalar(c, "SELECT 1");
                    }
                }).isInstanceOf(SQLException.class);
            }
        }
    }

    @Test
    void badSettingsStopTheStartNamingTheParameter(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        FilterBed.assertRefused(cluster, dir, tee("target=TeeA\nservice=TeeSvc"), "[F] service: 'TeeSvc'");
        FilterBed.assertRefused(cluster, dir, tee(""), "[F] target", "required");
        FilterBed.assertRefused(cluster, dir, tee("target=Nowhere"), "[F] target: 'Nowhere'");
        FilterBed.assertRefused(cluster, dir, tee("service=Nowhere"), "[F] service: 'Nowhere'");
        FilterBed.assertRefused(cluster, dir, tee("target=TeeA\nmatch=/(insert/"), "[F] match");
    }
}
