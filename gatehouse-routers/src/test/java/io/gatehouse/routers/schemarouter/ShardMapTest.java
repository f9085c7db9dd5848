package io.gatehouse.routers.schemarouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.sql.Classification;
import io.gatehouse.sql.ClassifierCaches;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The database map, its duplicate rules, the cache's staleness rules and how a statement's tables choose a server. */
class ShardMapTest {
    private static ShardMap map(long now) {
        ShardMap.Builder b = new ShardMap.Builder();
        for (String server : List.of("A", "B")) {
            b.serverMapped();
            b.add(server, "mysql", "");
            b.add(server, "mysql", "user");
            b.add(server, "shared", "");
        }
        b.add("A", "DB1", "");
        b.add("A", "db1", "T");
        b.add("A", "shared", "only_a");
        b.add("B", "db2", "");
        b.add("B", "db2", "t2");
        b.add("B", "shared", "only_b");
        b.add("B", "shared", "both");
        b.add("A", "shared", "both");
        return b.build(now);
    }

    @Test
    void locationsAreCaseInsensitiveAndFallBackToTheDatabase() {
        ShardMap m = map(0);
        assertThat(m.locations("Db1", "t")).containsExactly("A");
        assertThat(m.locations("db1", "unknown")).containsExactly("A");
        assertThat(m.locations("db2", null)).containsExactly("B");
        assertThat(m.locations("nosuch", "t")).isEmpty();
        assertThat(m.everywhere(m.locations("mysql", "user"))).isTrue();
        assertThat(m.databases()).containsExactly("db1", "db2", "mysql", "shared");
        assertThat(m.shardRows()).contains(List.of("db1.t", "A"), List.of("db1.", "A"), List.of("shared.both", "B"));
    }

    @Test
    void duplicatesExceptSystemListedAndMatched() {
        ShardMap m = map(0);
        assertThat(m.duplicates(Set.of(), null).keySet()).containsExactly("shared.", "shared.both");
        assertThat(m.duplicates(Set.of("shared.both"), null).keySet()).containsExactly("shared.");
        assertThat(m.duplicates(Set.of(), Pattern.compile("^shared")).keySet()).isEmpty();
        assertThat(m.duplicates(Set.of(), Pattern.compile("both")).keySet()).containsExactly("shared.");
    }

    private static Classification classify(String sql) {
        byte[] b = sql.getBytes(StandardCharsets.UTF_8);
        return ClassifierCaches.current().classifyCautiously(b, 0, b.length, null, 0, Integer.MAX_VALUE);
    }

    @Test
    void statementTablesChooseTheServerHoldingThemAll() {
        ShardMap m = map(0);
        assertThat(StatementTarget.servers(classify("SELECT * FROM db1.t"), m, "db2")).containsExactly("A");
        assertThat(StatementTarget.servers(classify("INSERT INTO t2 VALUES (1)"), m, "db2")).containsExactly("B");
        assertThat(StatementTarget.servers(classify("SELECT * FROM t2"), m, null)).isNull();
        assertThat(StatementTarget.servers(classify("SELECT * FROM mysql.user"), m, null)).isNull();
        assertThat(StatementTarget.servers(classify("SELECT * FROM shared.only_b JOIN shared.both"), m, null))
                .containsExactly("B");
        assertThat(StatementTarget.servers(classify("SELECT * FROM db1.t JOIN db2.t2"), m, null)).isEmpty();
        assertThat(StatementTarget.isSessionCommand(classify("SET @a = 1"))).isTrue();
        assertThat(StatementTarget.isSessionCommand(classify("SET autocommit = 0"))).isTrue();
        assertThat(StatementTarget.isSessionCommand(classify("SELECT 1"))).isFalse();
        assertThat(StatementTarget.isShowShards("  show   SHARDS ;".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(StatementTarget.isShowShards("SHOW SHARDSX".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void cacheServesFreshMapsAndLetsOneSessionUpdateAStaleOne() {
        ShardMapCache cache = new ShardMapCache();
        long refresh = 300, staleness = 150;
        assertThat(cache.lookup("u", 1000, refresh, staleness)).isNull();
        ShardMap m = map(1000);
        cache.put("u", m);
        assertThat(cache.lookup("u", 1299, refresh, staleness)).isSameAs(m);
        // Stale: the first session to see it updates it; others use the stale map within max_staleness.
        assertThat(cache.lookup("u", 1300, refresh, staleness)).isNull();
        assertThat(cache.lookup("u", 1449, refresh, staleness)).isSameAs(m);
        assertThat(cache.lookup("u", 1450, refresh, staleness)).isNull();
        ShardMap fresh = map(1500);
        cache.put("u", fresh);
        assertThat(cache.lookup("u", 1501, refresh, staleness)).isSameAs(fresh);
        // invalidate: stale at once; clear: gone.
        cache.invalidate();
        assertThat(cache.lookup("u", 1502, refresh, staleness)).isNull();
        assertThat(cache.lookup("u", 1503, refresh, staleness)).isSameAs(fresh);
        cache.clear();
        assertThat(cache.lookup("u", 1504, refresh, staleness)).isNull();
        assertThat(cache.hits.sum()).isEqualTo(4);
        assertThat(cache.misses.sum()).isEqualTo(5);
    }
}
