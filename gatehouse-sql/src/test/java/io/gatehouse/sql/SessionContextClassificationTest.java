package io.gatehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Statements whose meaning depends on the session's sql_mode or on the server's version: each hides a write from a
 * reader that assumes the wrong one, and the classifier finds it when told the right one.
 */
class SessionContextClassificationTest {
    private static final int MARIADB_10_11_19 = 101119;
    private final Classifier classifier = new Classifier();

    private Classification c(String sql, SqlMode mode) {
        return classifier.classify(sql, mode);
    }

    private Classification at(String sql, int version) {
        byte[] b = sql.getBytes(StandardCharsets.UTF_8);
        return classifier.classify(b, 0, b.length, SqlMode.DEFAULT, version);
    }

    @Test
    void underAnsiQuotesADoubleQuoteEndsAtTheNextDoubleQuoteWhateverBackslashPrecedesIt() {
        String sql = "SELECT 1 AS \"\\\"; INSERT INTO t VALUES (1) -- \"";
        assertThat(c(sql, SqlMode.DEFAULT).isReadOnlySafe()).isTrue();
        Classification ansi = c(sql, SqlMode.ANSI_QUOTES);
        assertThat(ansi.isWrite()).isTrue();
        assertThat(ansi.isMultiStatement()).isTrue();
        String lock = "SELECT @@server_id AS \"\\\", GET_LOCK('x', 0) -- \"";
        assertThat(c(lock, SqlMode.DEFAULT).isReadOnlySafe()).isTrue();
        assertThat(c(lock, SqlMode.ANSI_QUOTES).isReadOnlySafe()).isFalse();
    }

    @Test
    void withNoBackslashEscapesABackslashDoesNotKeepAStringOpen() {
        String sql = "SELECT 'a\\'; INSERT INTO t VALUES (2) -- '";
        assertThat(c(sql, SqlMode.DEFAULT).isReadOnlySafe()).isTrue();
        assertThat(c(sql, SqlMode.NO_BACKSLASH_ESCAPES).isWrite()).isTrue();
        String forUpdate = "SELECT * FROM t WHERE a = 'x\\' FOR UPDATE -- '";
        assertThat(c(forUpdate, SqlMode.DEFAULT).isReadOnlySafe()).isTrue();
        assertThat(c(forUpdate, SqlMode.NO_BACKSLASH_ESCAPES).isForUpdate()).isTrue();
    }

    @Test
    void oracleAndTheOtherCombinationModesQuoteIdentifiersWithDoubleQuotes() {
        assertThat(SqlMode.parse("ORACLE")).isSameAs(SqlMode.ANSI_QUOTES);
        // what SELECT @@sql_mode answers after SET sql_mode = ORACLE
        assertThat(SqlMode.parse("PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ORACLE,NO_KEY_OPTIONS,NO_TABLE_OPTIONS,"
                + "NO_FIELD_OPTIONS,NO_AUTO_CREATE_USER,SIMULTANEOUS_ASSIGNMENT")).isSameAs(SqlMode.ANSI_QUOTES);
        assertThat(SqlMode.parse("STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER"))
                .isSameAs(SqlMode.DEFAULT);
        assertThat(SqlMode.parse("")).isSameAs(SqlMode.DEFAULT);
    }

    @Test
    void versionedExecutableCommentsCountOnlyOnServersOfThatVersionOrLater() {
        for (String sql : new String[] {"SELECT 1 /*!101110 FOR UPDATE */", "SELECT 1 /*M!101110 FOR UPDATE */",
            "SELECT @@server_id /*!101110 , GET_LOCK('x', 0) */"}) {
            assertThat(at(sql, 101100).isReadOnlySafe()).as("%s on 10.11.0", sql).isTrue();
            assertThat(at(sql, MARIADB_10_11_19).isReadOnlySafe()).as("%s on 10.11.19", sql).isFalse();
            assertThat(at(sql, 101110).isReadOnlySafe()).as("%s on 10.11.10", sql).isFalse();
        }
    }

    @Test
    void aVersionIsFiveOrSixDigitsAsTheServerReadsIt() {
        // four digits are no version: the comment is SQL on every server, digits included
        Classification c = at("SELECT /*!1234 + 1 */", 0);
        assertThat(c.isReadOnlySafe()).isTrue();
        assertThat(at("SELECT 1 /*!1234 FOR UPDATE */", 0).isForUpdate()).isTrue();
        assertThat(at("SELECT 1 /*!50000 FOR UPDATE */", 49999).isForUpdate()).isFalse();
        assertThat(at("SELECT 1 /*!50000 FOR UPDATE */", 50000).isForUpdate()).isTrue();
        // six digits, then SQL: 1000001 is version 100000 followed by the number 1
        assertThat(at("SELECT 1 /*!1000001 FOR UPDATE */", 100000).isForUpdate()).isTrue();
    }

    @Test
    void theCacheKeepsOneEntryPerModeAndVersion() {
        ClassifierCache cache = new ClassifierCache(classifier, 1 << 20);
        byte[] q = "SELECT 1 /*!101110 FOR UPDATE */".getBytes(StandardCharsets.UTF_8);
        Classification old = cache.classify(q, 0, q.length, SqlMode.DEFAULT, 101100);
        Classification current = cache.classify(q, 0, q.length, SqlMode.DEFAULT, MARIADB_10_11_19);
        assertThat(old.isReadOnlySafe()).isTrue();
        assertThat(current.isForUpdate()).isTrue();
        assertThat(cache.classify(q, 0, q.length, SqlMode.DEFAULT, 101100)).isSameAs(old);
        assertThat(cache.classify(q, 0, q.length, SqlMode.DEFAULT, MARIADB_10_11_19)).isSameAs(current);
        byte[] ansi = "SELECT 1 AS \"\\\"; INSERT INTO t VALUES (1) -- \"".getBytes(StandardCharsets.UTF_8);
        assertThat(cache.classify(ansi, 0, ansi.length, SqlMode.DEFAULT, 101100).isReadOnlySafe()).isTrue();
        assertThat(cache.classify(ansi, 0, ansi.length, SqlMode.ANSI_QUOTES, 101100).isWrite()).isTrue();
        assertThat(cache.size()).isEqualTo(4);
    }

    @Test
    void anUnknownModeOrVersionKeepsTheMostCautiousReading() {
        ClassifierCache cache = new ClassifierCache(classifier, 1 << 20);
        byte[] ansi = "SELECT 1 AS \"\\\"; INSERT INTO t VALUES (1) -- \"".getBytes(StandardCharsets.UTF_8);
        assertThat(cache.classifyCautiously(ansi, 0, ansi.length, null, 101100, 101100).isWrite()).isTrue();
        assertThat(cache.classifyCautiously(ansi, 0, ansi.length, SqlMode.DEFAULT, 101100, 101100).isWrite())
                .isFalse();
        byte[] versioned = "SELECT 1 /*!101110 FOR UPDATE */".getBytes(StandardCharsets.UTF_8);
        assertThat(cache.classifyCautiously(versioned, 0, versioned.length, SqlMode.DEFAULT, 0, Integer.MAX_VALUE)
                .isReadOnlySafe()).isFalse();
        // a comment hidden from old servers can hide a write from a reader that assumes a new one
        byte[] hidden = "SELECT 1 /*!999999 ' */ FOR UPDATE -- ' */".getBytes(StandardCharsets.UTF_8);
        assertThat(cache.classify(hidden, 0, hidden.length, SqlMode.DEFAULT, Integer.MAX_VALUE).isReadOnlySafe())
                .isTrue();
        assertThat(cache.classifyCautiously(hidden, 0, hidden.length, SqlMode.DEFAULT, 0, Integer.MAX_VALUE)
                .isForUpdate()).isTrue();
        byte[] plain = "SELECT a FROM t WHERE b = 'O\\'Brien'".getBytes(StandardCharsets.UTF_8);
        assertThat(cache.classifyCautiously(plain, 0, plain.length, SqlMode.DEFAULT, 101100, 101100)
                .isReadOnlySafe()).isTrue();
    }

    @Test
    void setStatementsTellTheSqlModeTheyGiveTheSession() {
        assertThat(c("SET sql_mode = 'ANSI_QUOTES'", SqlMode.DEFAULT).sqlModeSet()).isSameAs(SqlMode.ANSI_QUOTES);
        assertThat(c("SET SESSION sql_mode = \"NO_BACKSLASH_ESCAPES\"", SqlMode.DEFAULT).sqlModeSet())
                .isSameAs(SqlMode.NO_BACKSLASH_ESCAPES);
        assertThat(c("SET @@sql_mode = 'ORACLE'", SqlMode.DEFAULT).sqlModeSet()).isSameAs(SqlMode.ANSI_QUOTES);
        assertThat(c("SET @@session.sql_mode = ANSI", SqlMode.DEFAULT).sqlModeSet()).isSameAs(SqlMode.ANSI_QUOTES);
        assertThat(c("SET LOCAL sql_mode = '', @a = 1", SqlMode.ANSI_QUOTES).sqlModeSet()).isSameAs(SqlMode.DEFAULT);
        assertThat(c("SET sql_mode = \"ANSI_QUOTES\"", SqlMode.ANSI_QUOTES).sqlModeSet())
                .isSameAs(SqlMode.ANSI_QUOTES);
        assertThat(c("SET `sql_mode` = 'TRADITIONAL'", SqlMode.DEFAULT).sqlModeSet()).isSameAs(SqlMode.DEFAULT);
        for (String unknown : new String[] {"SET sql_mode = DEFAULT", "SET sql_mode = CONCAT(@@sql_mode, ',ANSI')",
            "SET sql_mode = 4", "SET sql_mode = @@global.sql_mode",
            "SET sql_mode = 'ANSI_QUOTES'; SELECT 1"}) {
            Classification c = c(unknown, SqlMode.DEFAULT);
            assertThat(c.setsSqlMode()).as(unknown).isTrue();
            assertThat(c.sqlModeSet()).as(unknown).isNull();
        }
        for (String none : new String[] {"SET GLOBAL sql_mode = 'ANSI'", "SET @@global.sql_mode = 'ANSI'",
            "SET STATEMENT sql_mode = 'ANSI' FOR SELECT 1", "SET @sql_mode = 'ANSI'", "SELECT @@sql_mode",
            "SET sql_mode_x = 1"}) {
            assertThat(c(none, SqlMode.DEFAULT).setsSqlMode()).as(none).isFalse();
        }
    }
}
