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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache filter (storage_inmemory) through readwritesplit and readconnroute, with MariaDB and MySQL Connector/J
 * and the mariadb CLI. Whether a statement reached a server is read from the servers themselves: the rows read
 * from the test table ({@code information_schema.TABLE_STATISTICS}, with {@code userstat} on for the class) and
 * {@code Com_select}. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class CacheFilterTest {
    private static final String OTHER_USER = "cacheother";
    private static final String OTHER_PASSWORD = "cacheotherpwd";
    private static MariaDbCluster cluster;
    private static String table;
    private static String table2;

    @BeforeAll
    static void tables(MariaDbCluster c) throws Exception {
        cluster = c;
        table = Names.unique("cache");
        table2 = Names.unique("cache2");
        c.primary().execute("CREATE TABLE " + Accounts.DATABASE + "." + table
                + " (id INT PRIMARY KEY, v VARCHAR(20))");
        c.primary().execute("INSERT INTO " + Accounts.DATABASE + "." + table
                + " VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')");
        c.primary().execute("CREATE TABLE " + Accounts.DATABASE + "." + table2 + " (id INT PRIMARY KEY)");
        c.primary().execute("INSERT INTO " + Accounts.DATABASE + "." + table2 + " VALUES (1),(2)");
        c.primary().execute("CREATE USER IF NOT EXISTS '" + OTHER_USER + "'@'%' IDENTIFIED BY '" + OTHER_PASSWORD
                + "'; GRANT SELECT, INSERT, UPDATE ON " + Accounts.DATABASE + ".* TO '" + OTHER_USER + "'@'%'");
        c.awaitReplication(Duration.ofSeconds(30));
        for (MariaDbServer s : c.servers()) {
            s.execute("SET GLOBAL userstat=ON");
        }
    }

    @AfterAll
    static void drop() {
        for (MariaDbServer s : cluster.servers()) {
            s.execute("SET GLOBAL userstat=OFF");
        }
        cluster.primary().execute("DROP TABLE " + Accounts.DATABASE + "." + table + ", " + Accounts.DATABASE + "."
                + table2 + "; DROP USER IF EXISTS '" + OTHER_USER + "'@'%'");
    }

    /** Rows the servers read from {@code t} so far, over every server of the cluster. */
    private static long rowsRead(String t) {
        long sum = 0;
        for (MariaDbServer s : cluster.servers()) {
            String v = s.queryValue("SELECT ROWS_READ FROM information_schema.TABLE_STATISTICS WHERE TABLE_SCHEMA='"
                    + Accounts.DATABASE + "' AND TABLE_NAME='" + t + "'");
            sum += v == null ? 0 : Long.parseLong(v);
        }
        return sum;
    }

    private static long comSelect() {
        long sum = 0;
        for (MariaDbServer s : cluster.servers()) {
            sum += Long.parseLong(s.query("SHOW GLOBAL STATUS LIKE 'Com_select'").get(0).get(1));
        }
        return sum;
    }

    private static String mysqlUrl(FilterBed bed, String listener) {
        return "jdbc:mysql://127.0.0.1:" + bed.gatehouse.port(listener) + "/" + Accounts.DATABASE
                + "?useSSL=false&allowPublicKeyRetrieval=true";
    }

    private static String values(Connection c, String sql) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                b.append(rs.getString(1)).append(',');
            }
        }
        return b.toString();
    }

    @Test
    void aHitIsAnsweredWithoutTouchingAnyServer(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache\ncached_data=shared", "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                for (String url : new String[] {bed.url(listener), mysqlUrl(bed, listener)}) {
                    String what = listener + " " + url;
                    String sql = "SELECT v FROM " + table + " WHERE id <= 3 ORDER BY id /* " + Names.unique("q")
                            + " */";
                    try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                        scalar(c, "SELECT 1");       // the filter learns the client's result set format here
                        assertThat(values(c, sql)).as(what).isEqualTo("a,b,c,");
                        long rows = rowsRead(table);
                        long selects = comSelect();
                        for (int i = 0; i < 200; i++) {
                            assertThat(values(c, sql)).as(what).isEqualTo("a,b,c,");
                        }
                        assertThat(rowsRead(table)).as(what + ": rows read by the servers").isEqualTo(rows);
                        // The monitor's own SELECTs move Com_select a little; 200 routed SELECTs would move it more.
                        assertThat(comSelect() - selects).as(what + ": Com_select").isLessThan(200);
                        execute(c, "SET @x = 1");        // the session goes on working after hits
                        assertThat(scalar(c, "SELECT COUNT(*) FROM " + table)).isEqualTo("5");
                    }
                }
                // The mariadb CLI: the first run stores, the later ones are answered from the cache.
                String sql = "SELECT 1; SELECT v FROM " + table + " WHERE id = 2 /* " + Names.unique("cli") + " */";
                assertThat(bed.cli(listener, sql)).isEqualTo("1\nb\n");
                long rows = rowsRead(table);
                for (int i = 0; i < 3; i++) {
                    assertThat(bed.cli(listener, sql)).isEqualTo("1\nb\n");
                }
                assertThat(rowsRead(table)).as(listener + " CLI: rows read by the servers").isEqualTo(rows);
            }
            var d = bed.diagnostics();
            assertThat(d.get("hits").asLong()).isGreaterThanOrEqualTo(4 * 200);
            assertThat(d.get("misses").asLong()).isPositive();
            assertThat(d.get("entries").asLong()).isPositive();
            assertThat(d.get("size").asLong()).isPositive();
            assertThat(d.get("hit_ratio").asDouble()).isGreaterThan(0.9);
        }
    }

    @Test
    void ttlsAndSessionVariablesDecideFreshness(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache", "master")) {
            try (Connection c = bed.connect(CONN)) {
                scalar(c, "SELECT 1");
                String sql = "SELECT v FROM " + table2.replace(table2, table) + " WHERE id = 4";
                assertThat(scalar(c, sql)).isEqualTo("d");
                directUpdate(4, "d1");
                assertThat(scalar(c, sql)).as("no TTL: the cached value").isEqualTo("d");
                execute(c, "SET @maxscale.cache.soft_ttl = 1");
                Thread.sleep(1500);
                assertThat(scalar(c, sql)).as("past the session's soft TTL: refreshed").isEqualTo("d1");
                directUpdate(4, "d2");
                assertThat(scalar(c, sql)).as("the refreshed entry").isEqualTo("d1");
                execute(c, "SET @maxscale.cache.soft_ttl = 0");
                execute(c, "SET @maxscale.cache.hard_ttl = 1");
                Thread.sleep(1500);
                assertThat(scalar(c, sql)).as("past the session's hard TTL").isEqualTo("d2");
                directUpdate(4, "d3");
                execute(c, "SET @maxscale.cache.hard_ttl = 0");
                execute(c, "SET @maxscale.cache.use = false");
                assertThat(scalar(c, sql)).as("use=false reads the server").isEqualTo("d3");
                execute(c, "SET @maxscale.cache.use = true");
                assertThat(scalar(c, sql)).as("use=false with populate=true refreshed the entry").isEqualTo("d3");
                execute(c, "SET @maxscale.cache.populate = 0");
                String other = "SELECT v FROM " + table + " WHERE id = 5";
                long rows = rowsRead(table);
                scalar(c, other);
                scalar(c, other);
                assertThat(rowsRead(table)).as("populate=0 stores nothing").isGreaterThanOrEqualTo(rows + 2);
                // The variables are the filter's: they never reach a server, and bad values are refused.
                assertThat(scalar(c, "SELECT COALESCE(@`maxscale.cache.populate`, 'unset') FROM DUAL WHERE 1"))
                        .isEqualTo("unset");
                assertThatThrownBy(() -> execute(c, "SET @maxscale.cache.use = maybe"))
                        .hasMessageContaining("@maxscale.cache.use").hasMessageContaining("maybe");
                assertThatThrownBy(() -> execute(c, "SET @maxscale.cache.hard_ttl = -3"))
                        .hasMessageContaining("@maxscale.cache.hard_ttl");
                assertThat(scalar(c, "SELECT 2")).isEqualTo("2");
            }
            directUpdate(4, "d");
        }
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache\nhard_ttl=4s", "master");
             Connection c = bed.connect(CONN)) {
            scalar(c, "SELECT 1");
            String sql = "SELECT v FROM " + table + " WHERE id = 3";
            long filled = System.nanoTime();
            assertThat(scalar(c, sql)).isEqualTo("c");
            directUpdate(3, "c1");
            String second = scalar(c, sql);
            // A stalled CI machine can take longer than the TTL between the two reads; then "c1" is right too.
            if (System.nanoTime() - filled < Duration.ofSeconds(3).toNanos()) {
                assertThat(second).as("inside hard_ttl=4s").isEqualTo("c");
            }
            Thread.sleep(4500);
            assertThat(scalar(c, sql)).as("past hard_ttl=4s").isEqualTo("c1");
        } finally {
            directUpdate(3, "c");                       // later tests read the original row
        }
    }

    private static void directUpdate(int id, String v) throws Exception {
        cluster.primary().execute("UPDATE " + Accounts.DATABASE + "." + table + " SET v='" + v + "' WHERE id=" + id);
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    @Test
    void invalidateCurrentShowsWritesMadeThroughGatehouse(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache\ninvalidate=current\ncached_data=shared",
                "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                try (Connection c = bed.connect(listener); Connection other = bed.connect(listener)) {
                    scalar(c, "SELECT 1");
                    scalar(other, "SELECT 1");
                    String sql = "SELECT v FROM " + table + " WHERE id = 1";
                    assertThat(scalar(c, sql)).isEqualTo("a");
                    long rows = rowsRead(table);
                    assertThat(scalar(other, sql)).isEqualTo("a");
                    assertThat(rowsRead(table)).as("a hit before the write").isEqualTo(rows);
                    execute(c, "UPDATE " + table + " SET v = 'w' WHERE id = 1");
                    cluster.awaitReplication(Duration.ofSeconds(30));
                    assertThat(scalar(c, sql)).as(listener + ": the writer reads its write").isEqualTo("w");
                    assertThat(scalar(other, sql)).as(listener + ": another session too").isEqualTo("w");
                    execute(c, "UPDATE " + table + " SET v = 'a' WHERE id = 1");
                    cluster.awaitReplication(Duration.ofSeconds(30));
                    assertThat(scalar(other, sql)).isEqualTo("a");
                }
            }
            assertThat(bed.diagnostics().get("deletes").asLong()).isPositive();
        }
        // With invalidate=never (the default) the same read keeps the cached value: the check above can fail.
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache", "master");
             Connection c = bed.connect(CONN)) {
            scalar(c, "SELECT 1");
            String sql = "SELECT v FROM " + table + " WHERE id = 1";
            assertThat(scalar(c, sql)).isEqualTo("a");
            execute(c, "UPDATE " + table + " SET v = 'w' WHERE id = 1");
            assertThat(scalar(c, sql)).isEqualTo("a");
            execute(c, "UPDATE " + table + " SET v = 'a' WHERE id = 1");
        }
    }

    @Test
    void transactionsThatWroteReadTheServer(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache", "master");
             Connection c = bed.connect(CONN)) {
            scalar(c, "SELECT 1");
            String sql = "SELECT v FROM " + table + " WHERE id = 2";
            assertThat(scalar(c, sql)).isEqualTo("b");
            c.setAutoCommit(false);
            long rows = rowsRead(table);
            assertThat(scalar(c, sql)).as("a transaction that did not write uses the cache").isEqualTo("b");
            assertThat(rowsRead(table)).isEqualTo(rows);
            execute(c, "UPDATE " + table + " SET v = 't' WHERE id = 2");
            assertThat(scalar(c, sql)).as("after its write, the transaction reads the server").isEqualTo("t");
            c.rollback();
            c.setAutoCommit(true);
            assertThat(scalar(c, sql)).isEqualTo("b");
        }
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache\ncache_in_transactions=never", "master");
             Connection c = bed.connect(CONN)) {
            scalar(c, "SELECT 1");
            String sql = "SELECT v FROM " + table + " WHERE id = 2";
            scalar(c, sql);
            c.setAutoCommit(false);
            scalar(c, "SELECT 1");          // the transaction is open from the first statement
            long rows = rowsRead(table);
            assertThat(scalar(c, sql)).isEqualTo("b");
            assertThat(rowsRead(table)).as("never: a transaction reads the server").isGreaterThan(rows);
            c.commit();
        }
    }

    @Test
    void rulesAndUsersDecideWhatIsStoredAndWhoUsesIt(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, "{\"store\": [{\"attribute\": \"table\", \"op\": \"=\", \"value\": \"" + table
                + "\"}], \"use\": [{\"attribute\": \"user\", \"op\": \"!=\", \"value\": \"'" + OTHER_USER
                + "'@'%'\"}]}");
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache\ncached_data=shared\nrules=" + rules,
                "master")) {
            String url = bed.url(CONN);
            try (Connection app = bed.connect(CONN);
                 Connection otherUser = DriverManager.getConnection(url, OTHER_USER, OTHER_PASSWORD)) {
                scalar(app, "SELECT 1");
                scalar(otherUser, "SELECT 1");
                String stored = "SELECT COUNT(*) FROM " + table;
                String notStored = "SELECT COUNT(*) FROM " + table2;
                scalar(app, stored);
                scalar(app, notStored);
                long rows = rowsRead(table);
                long rows2 = rowsRead(table2);
                assertThat(scalar(app, stored)).isEqualTo("5");
                assertThat(scalar(app, notStored)).isEqualTo("2");
                assertThat(rowsRead(table)).as("the store rule's table is cached").isEqualTo(rows);
                assertThat(rowsRead(table2)).as("another table is not").isGreaterThan(rows2);
                assertThat(scalar(otherUser, stored)).isEqualTo("5");
                assertThat(rowsRead(table)).as("the use rule excludes " + OTHER_USER).isGreaterThan(rows);
            }
        }
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache\ncached_data=shared\nusers=isolated",
                "master")) {
            try (Connection app = bed.connect(CONN);
                 Connection otherUser = DriverManager.getConnection(bed.url(CONN), OTHER_USER, OTHER_PASSWORD)) {
                scalar(app, "SELECT 1");
                scalar(otherUser, "SELECT 1");
                String sql = "SELECT COUNT(*) FROM " + table + " WHERE id > 1";
                scalar(app, sql);
                long rows = rowsRead(table);
                assertThat(scalar(otherUser, sql)).isEqualTo("4");
                assertThat(rowsRead(table)).as("isolated: another user's entry is not used").isGreaterThan(rows);
                rows = rowsRead(table);
                assertThat(scalar(app, sql)).isEqualTo("4");
                assertThat(scalar(otherUser, sql)).isEqualTo("4");
                assertThat(rowsRead(table)).as("each user's own entry is").isEqualTo(rows);
            }
        }
    }

    @Test
    void limitsVerificationAndPreparedStatements(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache\nselects=verify_cacheable\n"
                + "max_resultset_rows=3", "master")) {
            try (Connection c = bed.connect(CONN)) {
                scalar(c, "SELECT 1");
                String[] uncached = {"SELECT id FROM " + table + " ORDER BY id",      // 5 rows > 3
                    "SELECT id, NOW() FROM " + table + " WHERE id = 1",               // non-deterministic
                    "SELECT id, @x FROM " + table + " WHERE id = 1"};                 // a user variable
                for (String sql : uncached) {
                    values(c, sql);
                    long rows = rowsRead(table);
                    values(c, sql);
                    assertThat(rowsRead(table)).as(sql).isGreaterThan(rows);
                }
                String cached = "SELECT id FROM " + table + " WHERE id <= 3 ORDER BY id";
                values(c, cached);
                long rows = rowsRead(table);
                assertThat(values(c, cached)).isEqualTo("1,2,3,");
                assertThat(rowsRead(table)).isEqualTo(rows);
            }
            // The binary protocol is not cached (as in MaxScale): every execution reads the server, correctly.
            for (String url : new String[] {bed.url(SPLIT) + "?useServerPrepStmts=true",
                    mysqlUrl(bed, SPLIT) + "&useServerPrepStmts=true"}) {
                try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
                     PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE id = ?")) {
                    for (int i = 1; i <= 3; i++) {
                        ps.setInt(1, i);
                        long rows = rowsRead(table);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getString(1)).isEqualTo(String.valueOf((char) ('a' + i - 1)));
                        }
                        assertThat(rowsRead(table)).as(url).isGreaterThan(rows);
                    }
                }
            }
        }
    }

    /** Sessions on every worker share one cache (cached_data=shared) and each gets its own statement's rows. */
    @Test
    void concurrentSessionsShareOneCacheCorrectly(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=cache\ncached_data=shared\nmax_count=3",
                "master")) {
            int threads = 6;
            int rounds = 300;
            var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String listener = t % 2 == 0 ? SPLIT : CONN;
                    done.add(pool.submit(() -> {
                        try (Connection c = bed.connect(listener)) {
                            scalar(c, "SELECT 1");
                            for (int i = 0; i < rounds; i++) {
                                int id = 1 + i % 5;
                                assertThat(scalar(c, "SELECT v FROM " + table + " WHERE id = " + id))
                                        .isEqualTo(String.valueOf((char) ('a' + id - 1)));
                            }
                        }
                        return null;
                    }));
                }
                for (var f : done) {
                    f.get(120, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            var d = bed.diagnostics();
            // Each session's first SELECT only teaches the filter its client's result format: no lookup.
            assertThat(d.get("hits").asLong() + d.get("misses").asLong()).isEqualTo((long) threads * rounds);
            assertThat(d.get("hits").asLong()).isPositive();
            assertThat(d.get("entries").asLong()).as("max_count=3").isLessThanOrEqualTo(3);
        }
    }

    @Test
    void badParametersAreRefusedNamingThem(@TempDir Path dir) throws Exception {
        // The remote storages need a server (CacheRemoteStorageTest runs them); the in-memory one takes no options.
        FilterBed.assertRefused(cluster, dir, "module=cache\nstorage=storage_redis", "storage_options",
                "server=host[:port]", "storage_redis");
        FilterBed.assertRefused(cluster, dir, "module=cache\nstorage=storage_memcached", "storage_memcached");
        FilterBed.assertRefused(cluster, dir, "module=cache\nstorage_options=server=127.0.0.1", "storage_options",
                "storage_inmemory takes no options");
        FilterBed.assertRefused(cluster, dir, "module=cache\ncached_data=everywhere", "cached_data", "everywhere");
        FilterBed.assertRefused(cluster, dir, "module=cache\nrules=" + dir.resolve("missing.json"), "rules",
                "missing.json");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"store\": [{\"attribute\": \"colour\", \"op\": \"=\", \"value\": \"x\"}]}");
        FilterBed.assertRefused(cluster, dir, "module=cache\nrules=" + bad, "rules", "colour");
        FilterBed.assertRefused(cluster, dir, "module=cache\ndebug=64", "debug", "64");
    }
}
