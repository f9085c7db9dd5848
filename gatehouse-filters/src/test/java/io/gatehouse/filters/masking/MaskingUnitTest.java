package io.gatehouse.filters.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The masking filter's pure parts: the rules file's shape and its errors, how a value is masked (value, fill,
 * match with and without groups, obfuscate; always at the same length), who the rules apply to, and where the
 * statement scanner finds masked columns. JUnit test thread.
 */
class MaskingUnitTest {
    private static MaskingRules rules(String json) throws Exception {
        return MaskingRules.parse(new ObjectMapper().readTree(json));
    }

    private static String masked(String value, MaskingRules.Rule rule) {
        ByteBuf b = Unpooled.copiedBuffer("ab" + value + "cd", StandardCharsets.UTF_8);
        try {
            int len = b.readableBytes() - 4;
            ValueMasker.mask(b, 2, len, rule);
            String all = b.toString(StandardCharsets.UTF_8);
            assertThat(all).startsWith("ab").endsWith("cd");     // nothing outside the value is touched
            assertThat(b.readableBytes()).isEqualTo(4 + value.getBytes(StandardCharsets.UTF_8).length);
            return all.substring(2, all.length() - 2);
        } finally {
            b.release();
        }
    }

    @Test
    void valueIsUsedOnlyAtTheSameLengthAndFillOtherwise() throws Exception {
        MaskingRules.Rule r = rules("{\"rules\":[{\"replace\":{\"column\":\"ssn\"},"
                + "\"with\":{\"value\":\"XXX-XX-XXXX\",\"fill\":\"*#\"}}]}").rules().get(0);
        assertThat(masked("721-07-4426", r)).isEqualTo("XXX-XX-XXXX");
        assertThat(masked("72-07-4426", r)).isEqualTo("*#*#*#*#*#");
        assertThat(masked("", r)).isEmpty();
        MaskingRules.Rule noWith = rules("{\"rules\":[{\"replace\":{\"column\":\"ssn\"}}]}").rules().get(0);
        assertThat(masked("secret", noWith)).isEqualTo("XXXXXX");
    }

    @Test
    void matchMasksOnlyMatchesOrCapturedGroups() throws Exception {
        MaskingRules.Rule whole = rules("{\"rules\":[{\"replace\":{\"column\":\"c\",\"match\":\"[0-9]\"},"
                + "\"with\":{\"fill\":\"#\"}}]}").rules().get(0);
        assertThat(masked("ab12-c3", whole)).isEqualTo("ab##-c#");
        MaskingRules.Rule groups = rules("{\"rules\":[{\"replace\":{\"column\":\"c\","
                + "\"match\":\"^(\\\\d+)-\\\\d+-(\\\\d+)$\"}}]}").rules().get(0);
        assertThat(masked("123-45-6789", groups)).isEqualTo("XXX-45-XXXX");
        assertThat(masked("no digits", groups)).isEqualTo("no digits");
    }

    @Test
    void obfuscateKeepsLengthAndEqualValuesEqual() throws Exception {
        MaskingRules.Rule r = rules("{\"rules\":[{\"obfuscate\":{\"column\":\"name\"}}]}").rules().get(0);
        String a = masked("Alice", r);
        assertThat(a).hasSize(5).isNotEqualTo("Alice").matches("[A-Za-z0-9]{5}");
        assertThat(masked("Alice", r)).isEqualTo(a);
        assertThat(masked("Alicf", r)).isNotEqualTo(a);
        assertThat(masked("Ågot", r)).hasSize(5);             // five bytes of UTF-8 become five ASCII characters
    }

    @Test
    void appliesToAndExemptedChooseAccounts() throws Exception {
        MaskingRules m = rules("{\"rules\":[{\"replace\":{\"column\":\"a\"},\"applies_to\":[\"'app'@'10.%'\","
                + "\"'bob'@'%'\"]},{\"replace\":{\"column\":\"b\"},\"exempted\":[\"'admin'@'%'\"]}]}");
        assertThat(m.applyingTo("app", "10.0.0.1")).extracting(MaskingRules.Rule::column).containsExactly("a", "b");
        assertThat(m.applyingTo("app", "127.0.0.1")).extracting(MaskingRules.Rule::column).containsExactly("b");
        assertThat(m.applyingTo("admin", "10.0.0.1")).isEmpty();
        assertThat(m.applyingTo("bob", "192.168.1.1")).extracting(MaskingRules.Rule::column)
                .containsExactly("a", "b");
    }

    @Test
    void badRulesFilesAreRefusedSayingWhere() {
        assertThatThrownBy(() -> rules("{\"rule\":[]}")).hasMessageContaining("\"rules\" array");
        assertThatThrownBy(() -> rules("{\"rules\":[{\"with\":{\"fill\":\"X\"}}]}"))
                .hasMessageContaining("rules[0]").hasMessageContaining("\"replace\" and \"obfuscate\"");
        assertThatThrownBy(() -> rules("{\"rules\":[{\"replace\":{\"table\":\"t\"}}]}"))
                .hasMessageContaining("rules[0].replace").hasMessageContaining("\"column\" is missing");
        assertThatThrownBy(() -> rules("{\"rules\":[{\"replace\":{\"column\":\"c\"},\"with\":{\"fill\":\"\"}}]}"))
                .hasMessageContaining("rules[0].with.fill");
        assertThatThrownBy(() -> rules("{\"rules\":[{\"replace\":{\"column\":\"c\",\"match\":\"(\"}}]}"))
                .hasMessageContaining("rules[0].replace.match").hasMessageContaining("regular expression");
        assertThatThrownBy(() -> MaskingRules.load("M", "/nonexistent/rules.json"))
                .hasMessageContaining("[M] rules: '/nonexistent/rules.json'");
    }

    private static List<ColumnUses.Use> uses(String sql) throws Exception {
        return uses(sql, List.of("person", "other"));
    }

    /** The uses in {@code sql}, whose tables (as the classifier reports them) are {@code tables}. */
    private static List<ColumnUses.Use> uses(String sql, List<String> tables) throws Exception {
        List<MaskingRules.Rule> r = rules("{\"rules\":[{\"replace\":{\"column\":\"ssn\",\"table\":\"person\"}}]}")
                .rules();
        return ColumnUses.find(sql, r, tables, true);
    }

    @Test
    void scannerTellsWhereMaskedColumnsAre() throws Exception {
        assertThat(uses("SELECT name, ssn FROM person")).singleElement()
                .satisfies(u -> assertThat(u.function()).isNull())
                .satisfies(u -> assertThat(u.inSubquery() || u.inUnion()).isFalse());
        assertThat(uses("SELECT CONCAT(name, UPPER(p.ssn)) FROM person p")).singleElement()
                .satisfies(u -> assertThat(u.function()).isEqualTo("UPPER"));
        assertThat(uses("SELECT CONCAT(\"ssn\") FROM person")).singleElement()
                .satisfies(u -> assertThat(u.function()).isEqualTo("CONCAT"));
        assertThat(uses("SELECT name FROM other UNION SELECT ssn FROM person")).singleElement()
                .satisfies(u -> assertThat(u.inUnion()).isTrue());
        assertThat(uses("SELECT * FROM (SELECT ssn FROM person) t")).hasSize(2)
                .filteredOn(ColumnUses.Use::inSubquery).singleElement()
                .satisfies(u -> assertThat(u.column()).isEqualTo("ssn"));
        assertThat(uses("SELECT name FROM other WHERE id IN (SELECT ssn FROM person)")).singleElement()
                .satisfies(u -> assertThat(u.inSubquery()).isTrue());
        // Names that are no masked column: another table's ssn, an alias, a string outside functions, a comment.
        assertThat(uses("SELECT other.ssn FROM other JOIN person")).isEmpty();
        assertThat(uses("SELECT name AS ssn, 'ssn' FROM person -- ssn")).isEmpty();
        // A column list of an INSERT is no function call.
        assertThat(uses("INSERT INTO person (name, ssn) VALUES ('a', 'b')")).singleElement()
                .satisfies(u -> assertThat(u.function()).isNull());
        // A wildcard counts as the masked column in a UNION's later SELECT or a subquery, not in COUNT(*), not
        // for a table the rule is not about, and not in the select list of EXISTS.
        assertThat(uses("SELECT name, id FROM other UNION SELECT * FROM person")).singleElement()
                .satisfies(u -> assertThat(u.inUnion()).isTrue());
        assertThat(uses("SELECT * FROM (SELECT p.* FROM person p) t")).hasSize(2)
                .filteredOn(ColumnUses.Use::inSubquery).singleElement()
                .satisfies(u -> assertThat(u.column()).isEqualTo("p.* (ssn)"));
        assertThat(uses("SELECT COUNT(*), 2 * 3 FROM person")).isEmpty();
        assertThat(uses("SELECT a FROM other UNION SELECT * FROM other", List.of("other"))).isEmpty();
        assertThat(uses("SELECT a FROM other WHERE EXISTS (SELECT * FROM person)")).isEmpty();
        assertThat(uses("SELECT /*!50000 LENGTH(ssn) */ FROM person")).singleElement()
                .satisfies(u -> assertThat(u.function()).isEqualTo("LENGTH"));
    }
}
