package io.gatehouse.filters.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cache's rules file: what each attribute and operator matches, and the errors for bad files. */
class CacheRulesTest {
    private static CacheRules rules(String json) throws Exception {
        return CacheRules.parse(new ObjectMapper().readTree(json), "[C] rules");
    }

    private static CacheRules.Statement select(String sql, String... tables) {
        return new CacheRules.Statement(sql, List.of(tables), "shop");
    }

    @Test
    void tableRulesMatchQualifiedAndUnqualifiedNames() throws Exception {
        CacheRules plain = rules("{\"store\": [{\"attribute\": \"table\", \"op\": \"=\", \"value\": \"items\"}]}");
        assertThat(plain.storeGroup(select("SELECT * FROM items", "items"))).isNotNull();
        assertThat(plain.storeGroup(select("SELECT * FROM other.items", "other.items"))).isNotNull();
        assertThat(plain.storeGroup(select("SELECT * FROM prices", "prices"))).isNull();
        CacheRules qualified = rules("{\"store\": [{\"attribute\": \"table\", \"op\": \"=\", \"value\": "
                + "\"shop.items\"}]}");
        assertThat(qualified.storeGroup(select("SELECT * FROM items", "items"))).as("default db shop").isNotNull();
        assertThat(qualified.storeGroup(select("SELECT * FROM other.items", "other.items"))).isNull();
        CacheRules not = rules("{\"store\": [{\"attribute\": \"table\", \"op\": \"!=\", \"value\": \"items\"}]}");
        assertThat(not.storeGroup(select("SELECT * FROM items", "items"))).isNull();
        assertThat(not.storeGroup(select("SELECT * FROM prices", "prices"))).isNotNull();
    }

    @Test
    void databaseQueryAndColumnRules() throws Exception {
        CacheRules db = rules("{\"store\": [{\"attribute\": \"database\", \"op\": \"like\", \"value\": \"^sh\"}]}");
        assertThat(db.storeGroup(select("SELECT * FROM items", "items"))).isNotNull();
        assertThat(db.storeGroup(select("SELECT * FROM x.items", "x.items"))).isNull();
        CacheRules query = rules("{\"store\": [{\"attribute\": \"query\", \"op\": \"unlike\", \"value\": "
                + "\"(?i)for update\"}]}");
        assertThat(query.storeGroup(select("SELECT a FROM t", "t"))).isNotNull();
        assertThat(query.storeGroup(select("SELECT a FROM t FOR UPDATE", "t"))).isNull();
        CacheRules column = rules("{\"store\": [{\"attribute\": \"column\", \"op\": \"=\", \"value\": \"t.price\"}]}");
        assertThat(column.storeGroup(select("SELECT price FROM t", "t"))).isNotNull();
        assertThat(column.storeGroup(select("SELECT * FROM t", "t"))).as("* may include it").isNotNull();
        assertThat(column.storeGroup(select("SELECT prices FROM t", "t"))).isNull();
    }

    @Test
    void useRulesMatchUsersAndHosts() throws Exception {
        CacheRules r = rules("[{\"use\": [{\"attribute\": \"user\", \"op\": \"=\", \"value\": \"'bob'@'10.0.%'\"}]}]");
        CacheRules.Group g = r.storeGroup(select("SELECT 1"));
        assertThat(g).as("no store rules: everything is stored").isNotNull();
        assertThat(CacheRules.mayUse(g, "bob", "10.0.3.4")).isTrue();
        assertThat(CacheRules.mayUse(g, "bob", "192.168.1.1")).isFalse();
        assertThat(CacheRules.mayUse(g, "alice", "10.0.3.4")).isFalse();
        CacheRules like = rules("{\"use\": [{\"attribute\": \"user\", \"op\": \"unlike\", \"value\": \"^admin@\"}]}");
        CacheRules.Group lg = like.storeGroup(select("SELECT 1"));
        assertThat(CacheRules.mayUse(lg, "admin", "h")).isFalse();
        assertThat(CacheRules.mayUse(lg, "app", "h")).isTrue();
    }

    @Test
    void badRulesAreRefusedWithTheProblem() {
        assertThatThrownBy(() -> rules("{\"store\": [{\"attribute\": \"user\", \"op\": \"=\", \"value\": \"x\"}]}"))
                .hasMessageContaining("[C] rules").hasMessageContaining("'user' in a store rule");
        assertThatThrownBy(() -> rules("{\"store\": [{\"attribute\": \"table\", \"op\": \"~\", \"value\": \"x\"}]}"))
                .hasMessageContaining("op '~'");
        assertThatThrownBy(() -> rules("{\"store\": [{\"attribute\": \"table\", \"op\": \"like\", \"value\": \"(\"}]}"))
                .hasMessageContaining("no regular expression");
        assertThatThrownBy(() -> rules("{\"keep\": []}")).hasMessageContaining("unknown key 'keep'");
        assertThatThrownBy(() -> rules("{\"store\": [{\"attribute\": \"table\", \"op\": \"=\"}]}"))
                .hasMessageContaining("'value'");
    }
}
