package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.execute;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.CacheServer;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache filter with its remote storages, real {@code redis-server} and {@code memcached} started by the test
 * kit: a hit is answered without touching any server (the servers read no row of the table and Com_select does not
 * move), a result stored through one Gatehouse is a hit through another sharing the storage, with
 * {@code invalidate=current} a read after a write sees the write, a storage stopped mid-run leaves every query working
 * uncached, one that hangs only slows each statement to about the {@code timeout}, and once it is back the cache
 * fills and answers again. Both {@code cached_data} values (one connection to
 * the storage for all workers, or one per worker). MariaDB Connector/J and the mariadb CLI as clients. JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
@Timeout(600)
class CacheRemoteStorageTest {
    private static MariaDbCluster cluster;
    private static String table;

    @BeforeAll
    static void tables(MariaDbCluster c) throws Exception {
        cluster = c;
        table = Names.unique("rcache");
        c.primary().execute("CREATE TABLE " + Accounts.DATABASE + "." + table + " (id INT PRIMARY KEY, v VARCHAR(20))");
        c.primary().execute("INSERT INTO " + Accounts.DATABASE + "." + table + " VALUES (1,'a'),(2,'b'),(3,'c')");
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
        cluster.primary().execute("DROP TABLE " + Accounts.DATABASE + "." + table);
    }

    @Test
    void redisSharedConnection(@TempDir Path dir) throws Exception {
        exercise(CacheServer.Kind.REDIS, "storage_redis", "shared", dir);
    }

    @Test
    void memcachedConnectionPerWorker(@TempDir Path dir) throws Exception {
        exercise(CacheServer.Kind.MEMCACHED, "storage_memcached", "thread_specific", dir);
    }

    @Test
    void redisWithPasswordAndBadOptionsRefused(@TempDir Path dir) throws Exception {
        try (CacheServer redis = CacheServer.start(CacheServer.Kind.REDIS, dir.resolve("redis"), "s3cret")) {
            String section = "module=cache\nstorage=storage_redis\nstorage_options=server=" + redis.address()
                    + ",password=s3cret";
            try (FilterBed bed = FilterBed.start(cluster, dir, section, "master");
                 Connection c = bed.connect(SPLIT)) {
                String sql = "SELECT v FROM " + table + " WHERE id = 3 /* " + Names.unique("pw") + " */";
                awaitHit(bed, c, sql, "c,");
            }
            Path bad = dir.resolve("bad");
            java.nio.file.Files.createDirectories(bad);
            FilterBed.assertRefused(cluster, bad, "module=cache\nstorage=storage_redis", "[F] storage_options",
                    "server=host[:port]");
            FilterBed.assertRefused(cluster, bad, "module=cache\nstorage=storage_redis\nstorage_options=server="
                    + redis.address() + ",colour=red", "[F] storage_options: 'colour'", "password");
            FilterBed.assertRefused(cluster, bad, "module=cache\nstorage=storage_memcached\nstorage_options=server="
                    + redis.address() + "\nmax_size=10Mi", "[F] max_size", "storage_memcached");
        }
    }

    /**
     * Two Gatehouses share one Redis: what one stored the other answers, and a write through one is seen through the
     * other. Then the storage hangs (SIGSTOP): each statement waits at most about {@code timeout}, gets its rows from
     * the server, and once the storage is thawed the cache answers again.
     */
    @Test
    void twoGatehousesShareRedisAndAHangingStorageOnlySlowsToTheTimeout(@TempDir Path dir) throws Exception {
        try (CacheServer redis = CacheServer.start(CacheServer.Kind.REDIS, dir.resolve("redis"))) {
            String section = "module=cache\nstorage=storage_redis\nstorage_options=server=" + redis.address()
                    + "\ninvalidate=current\ntimeout=500ms";
            Path one = dir.resolve("one");
            Path two = dir.resolve("two");
            java.nio.file.Files.createDirectories(one);
            java.nio.file.Files.createDirectories(two);
            String sql = "SELECT v FROM " + table + " WHERE id = 1 /* " + Names.unique("two") + " */";
            try (FilterBed first = FilterBed.start(cluster, one, section, "master");
                 FilterBed second = FilterBed.start(cluster, two, section, "master");
                 Connection a = first.connect(SPLIT);
                 Connection b = second.connect(SPLIT)) {
                awaitHit(first, a, sql, "a,");
                values(b, "SELECT 1");
                long rows = rowsRead();
                assertThat(values(b, sql)).isEqualTo("a,");
                assertThat(rowsRead()).as("the other Gatehouse's first read is a hit").isEqualTo(rows);
                execute(a, "UPDATE " + table + " SET v = 'A' WHERE id = 1");
                cluster.awaitReplication(Duration.ofSeconds(30));
                assertThat(values(b, sql)).as("a write through the other Gatehouse").isEqualTo("A,");
                execute(b, "UPDATE " + table + " SET v = 'a' WHERE id = 1");
                cluster.awaitReplication(Duration.ofSeconds(30));
                assertThat(values(a, sql)).isEqualTo("a,");

                redis.pause();
                try {
                    // A client that gives up while its statement waits for the storage: the session ends with the
                    // lookup pending, and the late answer finds nothing to do (no leak, no error elsewhere).
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                        try (Connection quick = DriverManager.getConnection(first.url(SPLIT) + "?socketTimeout=200",
                                Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                            values(quick, sql);
                        }
                    }).isInstanceOf(SQLException.class);
                    for (int i = 0; i < 4; i++) {
                        long start = System.nanoTime();
                        assertThat(values(a, sql)).as("with the storage hanging").isEqualTo("a,");
                        assertThat((System.nanoTime() - start) / 1_000_000).as("ms for one statement")
                                .isLessThan(3000);
                    }
                    assertThat(first.diagnostics().path("storage_failures").asLong()).isPositive();
                } finally {
                    redis.resume();
                }
                awaitHit(first, a, sql, "a,");
            }
        }
    }

    private void exercise(CacheServer.Kind kind, String storage, String cachedData, Path dir) throws Exception {
        try (CacheServer server = CacheServer.start(kind, dir.resolve("storage"))) {
            String section = "module=cache\nstorage=" + storage + "\nstorage_options=server=" + server.address()
                    + "\ncached_data=" + cachedData + "\ninvalidate=current\ntimeout=2s";
            try (FilterBed bed = FilterBed.start(cluster, dir, section, "master")) {
                JsonNode d = bed.diagnostics();
                assertThat(d.path("storage").asText()).isEqualTo(storage);
                assertThat(d.path("cached_data").asText()).isEqualTo(cachedData);
                String sql = "SELECT v FROM " + table + " WHERE id <= 2 ORDER BY id /* " + Names.unique("q") + " */";
                try (Connection c = bed.connect(SPLIT)) {
                    awaitHit(bed, c, sql, "a,b,");
                    long rows = rowsRead();
                    long selects = comSelect();
                    long hits = bed.diagnostics().path("hits").asLong();
                    for (int i = 0; i < 50; i++) {
                        assertThat(values(c, sql)).isEqualTo("a,b,");
                    }
                    assertThat(rowsRead()).as("rows the servers read during hits").isEqualTo(rows);
                    assertThat(comSelect() - selects).as("Com_select during 50 hits").isLessThan(50);
                    assertThat(bed.diagnostics().path("hits").asLong() - hits).isGreaterThanOrEqualTo(50);
                }
                // Another session, on either router, gets the stored result too: the storage is shared.
                try (Connection c = bed.connect(CONN)) {
                    values(c, "SELECT 1");          // the filter learns the client's result set format here
                    long rows = rowsRead();
                    assertThat(values(c, sql)).isEqualTo("a,b,");
                    assertThat(rowsRead()).as("another session's first read is a hit").isEqualTo(rows);
                }

                // invalidate=current: a read after a write through Gatehouse sees the write. Through the primary
                // only: readwritesplit may send the read to a replica that has not applied the write yet, which is
                // replication lag, not the cache.
                try (Connection c = bed.connect(CONN)) {
                    values(c, "SELECT 1");
                    assertThat(values(c, sql)).isEqualTo("a,b,");
                    execute(c, "UPDATE " + table + " SET v = 'B' WHERE id = 2");
                    assertThat(values(c, sql)).as("after the write").isEqualTo("a,B,");
                    execute(c, "UPDATE " + table + " SET v = 'b' WHERE id = 2");
                    assertThat(values(c, sql)).isEqualTo("a,b,");
                }

                JsonNode connections = bed.diagnostics();
                if (cachedData.equals("shared")) {
                    assertThat(connections.path("storage_connections").asLong()).as("one for every worker").isEqualTo(1);
                } else {
                    assertThat(connections.path("storage_connections").asLong()).as("one per worker that had sessions")
                            .isPositive();
                }
                assertThat(connections.path("storage_connections_up").asLong())
                        .isEqualTo(connections.path("storage_connections").asLong());

                // The storage goes away mid-run: queries keep working, uncached, without errors.
                server.stop();
                try (Connection c = bed.connect(SPLIT)) {
                    values(c, "SELECT 1");
                    long rows = rowsRead();
                    for (int i = 0; i < 5; i++) {
                        assertThat(values(c, sql)).as("with the storage down").isEqualTo("a,b,");
                    }
                    assertThat(rowsRead()).as("uncached reads reach the servers").isGreaterThan(rows);
                    execute(c, "UPDATE " + table + " SET v = 'b' WHERE id = 2");
                }
                assertThat(bed.cli(SPLIT, sql).trim()).isEqualTo("a\nb");
                JsonNode down = bed.diagnostics();
                assertThat(down.path("storage_connections_up").asLong()).as(down.toString()).isZero();
                assertThat(down.path("storage_failures").asLong()).isPositive();

                // It returns (empty, on the same port): the cache reconnects, fills and answers again.
                server.start();
                try (Connection c = bed.connect(SPLIT)) {
                    awaitHit(bed, c, sql, "a,b,");
                }
            }
        }
    }

    /**
     * Runs {@code sql} on {@code c} until an execution is answered without any server reading the table (the
     * storage may need a moment to connect and to take the first result); fails after 20 seconds.
     */
    private static void awaitHit(FilterBed bed, Connection c, String sql, String expected) throws Exception {
        values(c, "SELECT 1");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            long rows = rowsRead();
            assertThat(values(c, sql)).isEqualTo(expected);
            if (rowsRead() == rows) {
                return;
            }
            assertThat(System.nanoTime()).as("no cache hit within 20 s: " + bed.diagnostics()).isLessThan(deadline);
            Thread.sleep(100);
        }
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

    /** Rows the servers read from the test table so far, over every server. */
    private static long rowsRead() {
        long sum = 0;
        for (MariaDbServer s : cluster.servers()) {
            String v = s.queryValue("SELECT ROWS_READ FROM information_schema.TABLE_STATISTICS WHERE TABLE_SCHEMA='"
                    + Accounts.DATABASE + "' AND TABLE_NAME='" + table + "'");
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
}
