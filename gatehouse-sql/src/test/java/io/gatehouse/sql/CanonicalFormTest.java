package io.gatehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CanonicalFormTest {
    private final Classifier classifier = new Classifier();

    private String canonical(String sql) {
        return classifier.classify(sql).canonical();
    }

    @Test
    void literalsBecomePlaceholders() {
        assertThat(canonical("SELECT a FROM t WHERE b = 'x' AND c = 1.5e3 AND d = 0x1F AND e = b'101' AND f = ?"))
                .isEqualTo("SELECT a FROM t WHERE b = ? AND c = ? AND d = ? AND e = ? AND f = ?");
        assertThat(canonical("SELECT X'4142', N'abc', 'a' 'b'")).isEqualTo("SELECT ?, ?, ?");
    }

    @Test
    void whitespaceAndCommentsAreNormalised() {
        assertThat(canonical("  SELECT\n\ta /* hint */ ,b  FROM   t -- trailing\n WHERE id=1 # more"))
                .isEqualTo("SELECT a ,b FROM t WHERE id=?");
    }

    @Test
    void inListsAndValueRowsFold() {
        assertThat(canonical("SELECT * FROM t WHERE id IN (1, 2, 3)"))
                .isEqualTo(canonical("SELECT * FROM t WHERE id IN (7)"))
                .isEqualTo("SELECT * FROM t WHERE id IN (...)");
        assertThat(canonical("SELECT * FROM t WHERE id IN (SELECT a FROM u)"))
                .isEqualTo("SELECT * FROM t WHERE id IN (SELECT a FROM u)");
        assertThat(canonical("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')"))
                .isEqualTo("INSERT INTO t (a, b) VALUES (?, ?),...");
        assertThat(canonical("INSERT INTO t (a, b) VALUES (1, 'x')")).isEqualTo("INSERT INTO t (a, b) VALUES (?, ?)");
    }

    @Test
    void digestIsStableAndFollowsTheCanonicalForm() {
        Classification one = classifier.classify("SELECT c FROM sbtest1 WHERE id = 17");
        Classification two = classifier.classify("SELECT   c FROM sbtest1 WHERE id = 99 /* x */");
        Classification other = classifier.classify("SELECT c FROM sbtest2 WHERE id = 17");
        assertThat(one.digest()).isEqualTo(two.digest());
        assertThat(one.digest()).isNotEqualTo(other.digest());
        assertThat(one.digest()).isEqualTo(Canonicalizer.digest(
                "SELECT c FROM sbtest1 WHERE id = ?".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void multiStatementCanonicalFormCoversEveryStatement() {
        Classification r = classifier.classify("SELECT 1; SELECT 'a'");
        assertThat(r.canonical()).isEqualTo("SELECT ?; SELECT ?");
        assertThat(r.statements().get(1).canonical()).isEqualTo("SELECT ?");
    }
}
