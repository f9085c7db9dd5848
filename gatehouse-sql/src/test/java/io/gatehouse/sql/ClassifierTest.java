package io.gatehouse.sql;

import static io.gatehouse.sql.QueryType.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClassifierTest {
    private final Classifier classifier = new Classifier();

    private Classification c(String sql) {
        return classifier.classify(sql);
    }

    @Test
    void plainSelectIsAReplicaSafeRead() {
        Classification r = c("SELECT c FROM sbtest1 WHERE id = 42");
        assertThat(r.operation()).isEqualTo(Operation.SELECT);
        assertThat(r.typeMask()).isEqualTo(READ);
        assertThat(r.isReadOnlySafe()).isTrue();
        assertThat(r.tablesRead()).containsExactly("sbtest1");
        assertThat(r.tablesWritten()).isEmpty();
    }

    @Test
    void dataChangesAreWritesWithTheirTables() {
        assertThat(c("INSERT INTO db1.t1 (a) VALUES (1)").tablesWritten()).containsExactly("db1.t1");
        assertThat(c("INSERT LOW_PRIORITY IGNORE t2 SET a = 1").tablesWritten()).containsExactly("t2");
        assertThat(c("REPLACE INTO t3 SELECT * FROM t4").tablesRead()).containsExactly("t4");
        Classification update = c("UPDATE `my db`.`t``1` AS x JOIN t5 ON x.id = t5.id SET x.a = 1 WHERE t5.b IN "
                + "(SELECT b FROM t6)");
        assertThat(update.operation()).isEqualTo(Operation.UPDATE);
        assertThat(update.tablesWritten()).containsExactly("my db.t`1", "t5");
        assertThat(update.tablesRead()).containsExactly("t6");
        Classification delete = c("DELETE FROM t7 WHERE id = 1");
        assertThat(delete.tablesWritten()).containsExactly("t7");
        Classification multi = c("DELETE t8, t9 FROM t8 JOIN t9 ON t8.a = t9.a WHERE t8.b = 2");
        assertThat(multi.tablesWritten()).containsExactly("t8", "t9");
        assertThat(c("LOAD DATA LOCAL INFILE '/tmp/x' INTO TABLE t10").tablesWritten()).containsExactly("t10");
        for (String sql : new String[] {"INSERT INTO t VALUES (1)", "UPDATE t SET a=1", "DELETE FROM t",
            "REPLACE INTO t VALUES (1)", "LOAD DATA INFILE 'x' INTO TABLE t", "CALL p(1)", "TRUNCATE t",
            "CREATE TABLE t (a int)", "ALTER TABLE t ADD b int", "DROP TABLE t", "RENAME TABLE a TO b",
            "GRANT SELECT ON *.* TO u", "REVOKE ALL ON *.* FROM u", "KILL 12", "FLUSH TABLES", "LOCK TABLES t READ",
            "OPTIMIZE TABLE t", "ANALYZE TABLE t", "CREATE DATABASE d", "CREATE USER u", "SET PASSWORD = 'x'",
            "HANDLER t OPEN", "INSTALL SONAME 'x'", "PURGE BINARY LOGS TO 'x'", "CHANGE MASTER TO MASTER_HOST='h'",
            "STOP SLAVE", "START SLAVE", "RESET MASTER", "SAVEPOINT s", "RELEASE SAVEPOINT s"}) {
            assertThat(c(sql).isWrite()).as(sql).isTrue();
            assertThat(c(sql).isReadOnlySafe()).as(sql).isFalse();
        }
    }

    @Test
    void unknownFunctionsAreWritesAndBuiltinsAreNot() {
        assertThat(c("SELECT my_func(1)").typeMask()).isEqualTo(READ | WRITE);
        assertThat(c("SELECT my_func(1)").functions()).containsExactly("my_func");
        assertThat(c("SELECT `f`(1)").isWrite()).isTrue();
        assertThat(c("SELECT db.f(1)").functions()).containsExactly("db.f");
        assertThat(c("SELECT db.f(1)").isWrite()).isTrue();
        assertThat(c("SELECT GET_LOCK('x', 1)").isWrite()).isTrue();
        assertThat(c("SELECT RELEASE_LOCK('x')").isWrite()).isTrue();
        assertThat(c("SELECT NEXTVAL(s)").isWrite()).isTrue();
        assertThat(c("SELECT SETVAL(s, 10)").isWrite()).isTrue();
        Classification builtins = c("SELECT CONCAT(a, 'x'), COUNT(*), NOW(), IFNULL(b, 0), JSON_EXTRACT(j, '$.a'), "
                + "DATE_FORMAT(d, '%Y'), SUBSTRING(s FROM 2 FOR 3), TRIM(LEADING 'x' FROM s), "
                + "CAST(x AS DECIMAL(10,2)), CONVERT(y, DATETIME(6)), ROW_NUMBER() OVER (PARTITION BY a) FROM t");
        assertThat(builtins.isReadOnlySafe()).as(builtins.functions().toString()).isTrue();
        assertThat(builtins.tablesRead()).containsExactly("t");
        assertThat(c("select * from t where a in (select b from u) and exists (select 1 from v)").isReadOnlySafe())
                .isTrue();
        assertThat(c("SELECT * FROM t WHERE MATCH (a) AGAINST ('x' IN BOOLEAN MODE)").isReadOnlySafe()).isTrue();
        assertThat(c("WITH RECURSIVE cte (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM cte WHERE n < 5) "
                + "SELECT * FROM cte").isReadOnlySafe()).isTrue();
        assertThat(c("SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$')) AS jt").isReadOnlySafe())
                .isTrue();
        assertThat(c("SELECT a FROM t FORCE INDEX (PRIMARY) WHERE a = 1").isReadOnlySafe()).isTrue();
    }

    @Test
    void primaryOnlyReads() {
        Classification lastId = c("SELECT LAST_INSERT_ID()");
        assertThat(lastId.typeMask()).isEqualTo(READ | MASTER_READ);
        assertThat(lastId.usesLastInsertId()).isTrue();
        assertThat(c("SELECT @@identity").usesLastInsertId()).isTrue();
        assertThat(c("SELECT @@last_insert_id").is(MASTER_READ)).isTrue();
        assertThat(c("SELECT @@last_gtid").is(MASTER_READ)).isTrue();
        assertThat(c("SELECT FOUND_ROWS()").isReadOnlySafe()).isFalse();
        assertThat(c("SELECT PREVIOUS VALUE FOR s").is(MASTER_READ)).isTrue();
    }

    @Test
    void sequencesAdvancedAreWrites() {
        Classification next = c("SELECT NEXT VALUE FOR db.seq");
        assertThat(next.isWrite()).isTrue();
        assertThat(next.usesSequence()).isTrue();
        assertThat(next.tablesWritten()).containsExactly("db.seq");
    }

    @Test
    void lockingReadsAreWrites() {
        Classification forUpdate = c("SELECT * FROM t WHERE id = 1 FOR UPDATE");
        assertThat(forUpdate.isForUpdate()).isTrue();
        assertThat(forUpdate.isWrite()).isTrue();
        assertThat(c("SELECT * FROM t FOR SHARE").isForShare()).isTrue();
        Classification share = c("SELECT * FROM t LOCK IN SHARE MODE");
        assertThat(share.isLockInShareMode()).isTrue();
        assertThat(share.isReadOnlySafe()).isFalse();
    }

    @Test
    void selectInto() {
        Classification vars = c("SELECT a, b INTO @x, @y FROM t LIMIT 1");
        assertThat(vars.isSelectIntoVariables()).isTrue();
        assertThat(vars.is(USERVAR_WRITE)).isTrue();
        assertThat(vars.isReadOnlySafe()).isFalse();
        assertThat(c("SELECT * FROM t INTO OUTFILE '/tmp/o'").isSelectIntoOutfile()).isTrue();
        assertThat(c("SELECT * INTO DUMPFILE '/tmp/d' FROM t").isSelectIntoDumpfile()).isTrue();
        assertThat(c("SELECT * INTO DUMPFILE '/tmp/d' FROM t").isWrite()).isTrue();
    }

    @Test
    void variables() {
        assertThat(c("SELECT @a").typeMask()).isEqualTo(READ | USERVAR_READ);
        assertThat(c("SELECT @a").isReadOnlySafe()).isTrue();
        assertThat(c("SELECT @a := 1").is(USERVAR_WRITE)).isTrue();
        assertThat(c("SELECT @`quoted var`, @'q2'").is(USERVAR_READ)).isTrue();
        assertThat(c("SELECT @@session.sql_mode").typeMask()).isEqualTo(READ | SYSVAR_READ);
        assertThat(c("SELECT @@global.max_connections").typeMask()).isEqualTo(READ | GSYSVAR_READ);
        assertThat(c("SET @a = 1, @b = 2").typeMask()).isEqualTo(USERVAR_WRITE);
        assertThat(c("SET @a = my_func()").isWrite()).isTrue();
        assertThat(c("SET sql_mode = 'ANSI'").typeMask()).isEqualTo(SESSION_WRITE);
        assertThat(c("SET SESSION wait_timeout = 10").typeMask()).isEqualTo(SESSION_WRITE);
        assertThat(c("SET @@session.wait_timeout = 10").typeMask()).isEqualTo(SESSION_WRITE);
        assertThat(c("SET GLOBAL max_connections = 10").typeMask()).isEqualTo(GSYSVAR_WRITE);
        assertThat(c("SET @@global.max_connections = 10").typeMask()).isEqualTo(GSYSVAR_WRITE);
        assertThat(c("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci").typeMask()).isEqualTo(SESSION_WRITE);
        assertThat(c("SET CHARACTER SET utf8").typeMask()).isEqualTo(SESSION_WRITE);
        // Connector/J 3.x's session set-up: NAMES as a later item of the list.
        assertThat(c("set sql_mode=CONCAT(@@sql_mode,',STRICT_TRANS_TABLES'),NAMES utf8mb4").isWrite()).isFalse();
        assertThat(c("SET a = 1, NAMES utf8mb4 COLLATE utf8mb4_bin, CHARACTER SET utf8, @b = 2").typeMask())
                .isEqualTo(SESSION_WRITE | USERVAR_WRITE);
        assertThat(c("SET ROLE r").typeMask()).isEqualTo(SESSION_WRITE);
        assertThat(c("SET STATEMENT max_statement_time = 10 FOR SELECT * FROM t").isReadOnlySafe()).isTrue();
        assertThat(c("SET STATEMENT max_statement_time = 10 FOR DELETE FROM t").isWrite()).isTrue();
    }

    @Test
    void autocommit() {
        for (String off : new String[] {"SET autocommit=0", "SET AUTOCOMMIT = OFF", "set @@autocommit=false",
            "SET SESSION autocommit = 0", "SET autocommit = @x"}) {
            Classification r = c(off);
            assertThat(r.disablesAutocommit()).as(off).isTrue();
            assertThat(r.is(BEGIN_TRX | SESSION_WRITE)).as(off).isTrue();
        }
        for (String on : new String[] {"SET autocommit=1", "SET autocommit = ON", "SET @@session.autocommit=TRUE"}) {
            Classification r = c(on);
            assertThat(r.enablesAutocommit()).as(on).isTrue();
            assertThat(r.is(COMMIT)).as(on).isTrue();
        }
        assertThat(c("SET GLOBAL autocommit=0").typeMask()).isEqualTo(GSYSVAR_WRITE);
    }

    @Test
    void transactions() {
        assertThat(c("BEGIN").typeMask()).isEqualTo(BEGIN_TRX);
        assertThat(c("BEGIN WORK").typeMask()).isEqualTo(BEGIN_TRX);
        Classification ro = c("START TRANSACTION READ ONLY");
        assertThat(ro.is(BEGIN_TRX)).isTrue();
        assertThat(ro.isReadOnlyTransaction()).isTrue();
        assertThat(c("START TRANSACTION READ WRITE").isReadWriteTransaction()).isTrue();
        assertThat(c("START TRANSACTION READ WRITE").is(BEGIN_TRX | WRITE)).isTrue();
        Classification snap = c("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        assertThat(snap.isConsistentSnapshot()).isTrue();
        assertThat(snap.isReadOnlyTransaction()).isTrue();
        assertThat(c("COMMIT").typeMask()).isEqualTo(COMMIT);
        assertThat(c("COMMIT WORK AND CHAIN").typeMask()).isEqualTo(COMMIT | BEGIN_TRX);
        assertThat(c("COMMIT AND NO CHAIN").typeMask()).isEqualTo(COMMIT);
        assertThat(c("ROLLBACK").typeMask()).isEqualTo(ROLLBACK);
        assertThat(c("ROLLBACK TO SAVEPOINT s1").is(ROLLBACK)).isFalse();
        Classification next = c("SET TRANSACTION READ ONLY");
        assertThat(next.is(NEXT_TRX)).isTrue();
        assertThat(next.isReadOnlyTransaction()).isTrue();
        assertThat(c("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").typeMask()).isEqualTo(SESSION_WRITE);
        assertThat(c("SET GLOBAL TRANSACTION READ WRITE").typeMask()).isEqualTo(GSYSVAR_WRITE);
    }

    @Test
    void xa() {
        Classification start = c("XA START 'trx1'");
        assertThat(start.isXa()).isTrue();
        assertThat(start.is(BEGIN_TRX | WRITE)).isTrue();
        assertThat(c("XA END 'trx1'").isXa()).isTrue();
        assertThat(c("XA PREPARE 'trx1'").isWrite()).isTrue();
        assertThat(c("XA COMMIT 'trx1'").is(COMMIT)).isTrue();
        assertThat(c("XA ROLLBACK 'trx1'").is(ROLLBACK)).isTrue();
        assertThat(c("XA RECOVER").isXa()).isTrue();
    }

    @Test
    void preparedStatements() {
        Classification prepare = c("PREPARE stmt1 FROM 'SELECT * FROM t WHERE a = ? AND b = ''x'''");
        assertThat(prepare.typeMask()).isEqualTo(PREPARE_NAMED_STMT);
        assertThat(prepare.preparedName()).isEqualTo("stmt1");
        assertThat(prepare.preparedSql()).isEqualTo("SELECT * FROM t WHERE a = ? AND b = 'x'");
        Classification fromVar = c("PREPARE `s 2` FROM @sql");
        assertThat(fromVar.preparedName()).isEqualTo("s 2");
        assertThat(fromVar.preparedSql()).isNull();
        Classification execute = c("EXECUTE stmt1 USING @a, 5");
        assertThat(execute.is(EXEC_STMT | USERVAR_READ)).isTrue();
        assertThat(execute.preparedName()).isEqualTo("stmt1");
        assertThat(c("DEALLOCATE PREPARE stmt1").typeMask()).isEqualTo(DEALLOC_PREPARE);
        assertThat(c("DROP PREPARE stmt1").preparedName()).isEqualTo("stmt1");
        assertThat(c("DROP PREPARE stmt1").typeMask()).isEqualTo(DEALLOC_PREPARE);
        Classification immediate = c("EXECUTE IMMEDIATE 'DELETE FROM t WHERE a = 1'");
        assertThat(immediate.is(EXEC_STMT | WRITE)).isTrue();
        assertThat(immediate.executed().tablesWritten()).containsExactly("t");
        assertThat(c("EXECUTE IMMEDIATE 'SELECT 1'").is(READ | EXEC_STMT)).isTrue();
        assertThat(c("EXECUTE IMMEDIATE CONCAT('SEL', 'ECT 1')").is(UNKNOWN | WRITE)).isTrue();
        byte[] sql = "SELECT a FROM t WHERE id = ?".getBytes(StandardCharsets.UTF_8);
        Classification comPrepare = classifier.classifyPrepare(sql, 0, sql.length, SqlMode.DEFAULT);
        assertThat(comPrepare.is(PREPARE_STMT | READ)).isTrue();
        assertThat(comPrepare.isReadOnlySafe()).isFalse();
    }

    @Test
    void temporaryTables() {
        Classification create = c("CREATE TEMPORARY TABLE IF NOT EXISTS tmp1 (a INT)");
        assertThat(create.is(CREATE_TMP_TABLE | WRITE)).isTrue();
        assertThat(create.temporaryTablesCreated()).containsExactly("tmp1");
        assertThat(c("CREATE OR REPLACE TEMPORARY TABLE db.tmp2 AS SELECT * FROM t").temporaryTablesCreated())
                .containsExactly("db.tmp2");
        assertThat(c("CREATE TABLE t2 LIKE t1").tablesRead()).containsExactly("t1");
        assertThat(c("CREATE TABLE t2 (a INT)").temporaryTablesCreated()).isEmpty();
        Classification drop = c("DROP TEMPORARY TABLE IF EXISTS tmp1, tmp2");
        assertThat(drop.isTemporaryTableDrop()).isTrue();
        assertThat(drop.tablesDropped()).containsExactly("tmp1", "tmp2");
        assertThat(c("DROP TABLE t3").tablesDropped()).containsExactly("t3");
    }

    @Test
    void showUseExplainAndOthers() {
        assertThat(c("SHOW DATABASES").typeMask()).isEqualTo(READ | SHOW_DATABASES);
        assertThat(c("SHOW SCHEMAS").is(SHOW_DATABASES)).isTrue();
        assertThat(c("SHOW FULL TABLES FROM db").is(SHOW_TABLES)).isTrue();
        assertThat(c("SHOW WARNINGS").readsDiagnostics()).isTrue();
        assertThat(c("SHOW COUNT(*) WARNINGS").readsDiagnostics()).isTrue();
        assertThat(c("GET DIAGNOSTICS @n = NUMBER").readsDiagnostics()).isTrue();
        assertThat(c("SHOW CREATE TABLE t").isReadOnlySafe()).isTrue();
        Classification use = c("USE `my db`");
        assertThat(use.typeMask()).isEqualTo(SESSION_WRITE);
        assertThat(use.database()).isEqualTo("my db");
        assertThat(c("EXPLAIN SELECT * FROM t").isReadOnlySafe()).isTrue();
        assertThat(c("EXPLAIN FORMAT=JSON SELECT * FROM t").operation()).isEqualTo(Operation.EXPLAIN);
        assertThat(c("DESCRIBE t").tablesRead()).containsExactly("t");
        assertThat(c("EXPLAIN SELECT my_func(1)").isWrite()).isTrue();
        // a read-only server rejects EXPLAIN of a data change (error 1290), so it keeps the write bit
        assertThat(c("EXPLAIN UPDATE t SET a = 1").isWrite()).isTrue();
        assertThat(c("EXPLAIN UPDATE t SET a = 1").operation()).isEqualTo(Operation.EXPLAIN);
        assertThat(c("ANALYZE SELECT * FROM t").isReadOnlySafe()).isTrue();
        assertThat(c("ANALYZE DELETE FROM t").isWrite()).isTrue();
        assertThat(c("DO SLEEP(0)").isReadOnlySafe()).isTrue();
        assertThat(c("DO my_proc_side_effect()").isWrite()).isTrue();
        assertThat(c("VALUES (1), (2)").operation()).isEqualTo(Operation.VALUES);
        assertThat(c("(SELECT 1) UNION (SELECT 2)").isReadOnlySafe()).isTrue();
        assertThat(c("CALL p()").operation()).isEqualTo(Operation.CALL);
    }

    @Test
    void multiStatementsAreEachClassified() {
        Classification r = c("SELECT 1; UPDATE t SET a = 1;; SET @x = 2;");
        assertThat(r.isMultiStatement()).isTrue();
        assertThat(r.statements()).extracting(Classification::operation)
                .containsExactly(Operation.SELECT, Operation.UPDATE, Operation.SET);
        assertThat(r.typeMask()).isEqualTo(READ | WRITE | USERVAR_WRITE);
        assertThat(r.isReadOnlySafe()).isFalse();
        assertThat(r.statements().get(1).sql()).isEqualTo("UPDATE t SET a = 1");
        assertThat(r.tablesWritten()).containsExactly("t");
        assertThat(c("SELECT 1;").isMultiStatement()).isFalse();
        Classification body = c("CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END");
        assertThat(body.isMultiStatement()).isFalse();
        assertThat(body.isWrite()).isTrue();
        assertThat(c("BEGIN NOT ATOMIC SELECT 1; END").operation()).isEqualTo(Operation.COMPOUND);
        assertThat(c("IF 1 THEN SELECT 1; END IF").isWrite()).isTrue();
    }

    @Test
    void unknownAndBrokenInputIsAWriteNeverAnException() {
        assertThat(c("FOO BAR").typeMask()).isEqualTo(UNKNOWN | WRITE);
        assertThat(c("").typeMask()).isEqualTo(UNKNOWN | WRITE);
        assertThat(c("  /* only a comment */ ").operation()).isEqualTo(Operation.EMPTY);
        assertThat(c("SELECT 'unterminated").is(UNKNOWN | WRITE)).isTrue();
        assertThat(c("SELECT `unterminated").is(UNKNOWN | WRITE)).isTrue();
        assertThat(c("SELECT 1 /* unterminated").is(UNKNOWN | WRITE)).isTrue();
        assertThat(c((String) null).is(UNKNOWN | WRITE)).isTrue();
        assertThat(classifier.classify(new byte[3], 2, 5, SqlMode.DEFAULT).is(UNKNOWN | WRITE)).isTrue();
        assertThat(classifier.classify(null, 0, 1, null).is(UNKNOWN | WRITE)).isTrue();
        assertThat(c("SET").isWrite()).isTrue();
        assertThat(c("SET x").isWrite()).isTrue();
    }

    @Test
    void executableCommentsCountUpToTheServerVersion() {
        assertThat(c("/*!40101 SET NAMES utf8 */").typeMask()).isEqualTo(SESSION_WRITE);
        assertThat(c("SELECT 1 /*! FOR UPDATE */").isForUpdate()).isTrue();
        assertThat(c("SELECT 1 /*M!100300 FOR UPDATE */").isForUpdate()).isTrue();
        assertThat(c("SELECT * FROM t /*!50000 FOR UPDATE */").isWrite()).isTrue();
        assertThat(c("SELECT 1 /*!999999 FOR UPDATE */").isReadOnlySafe()).isTrue();
        assertThat(new Classifier(1_000_000).classify("SELECT 1 /*!999999 FOR UPDATE */").isWrite()).isTrue();
        assertThat(c("/*!40000 DELETE FROM t */").isWrite()).isTrue();
        assertThat(c("SELECT 1 /* FOR UPDATE */ # FOR UPDATE\n -- FOR UPDATE").isReadOnlySafe()).isTrue();
    }

    @Test
    void commentsAndStringsHideKeywords() {
        assertThat(c("SELECT 'DELETE FROM t; UPDATE x', \"my_func()\" FROM t").isReadOnlySafe()).isTrue();
        assertThat(c("SELECT 'it\\'s; DROP TABLE t' FROM t").isReadOnlySafe()).isTrue();
        assertThat(c("SELECT 1--1").isReadOnlySafe()).isTrue();
        assertThat(c("SELECT 1 -- ; DELETE FROM t").isMultiStatement()).isFalse();
        // with NO_BACKSLASH_ESCAPES the backslash ends nothing: the string closes at the second quote
        Classification noEsc = classifier.classify("SELECT 'a\\'; DELETE FROM t; SELECT '1'",
                SqlMode.NO_BACKSLASH_ESCAPES);
        assertThat(noEsc.isMultiStatement()).isTrue();
        assertThat(noEsc.isWrite()).isTrue();
        Classification withEsc = c("SELECT 'a\\'; DELETE FROM t; SELECT '1'");
        assertThat(withEsc.isMultiStatement()).isFalse();
        // ANSI_QUOTES makes "x"( a quoted function name
        assertThat(classifier.classify("SELECT \"f\"(1)", SqlMode.ANSI_QUOTES).isWrite()).isTrue();
        assertThat(classifier.classify("SELECT \"col\" FROM \"t\"", SqlMode.ANSI_QUOTES).tablesRead())
                .containsExactly("t");
    }

    @Test
    void sqlModeIsParsedFromTheVariable() {
        assertThat(SqlMode.parse("STRICT_TRANS_TABLES,ANSI_QUOTES")).isSameAs(SqlMode.ANSI_QUOTES);
        assertThat(SqlMode.parse("ansi,no_backslash_escapes")).isSameAs(SqlMode.ANSI_QUOTES_NO_BACKSLASH_ESCAPES);
        assertThat(SqlMode.parse("")).isSameAs(SqlMode.DEFAULT);
        assertThat(SqlMode.parse(null)).isSameAs(SqlMode.DEFAULT);
    }

    @Test
    void queryTypeRendersNames() {
        assertThat(QueryType.toString(READ | WRITE)).isEqualTo("READ|WRITE");
        assertThat(QueryType.toString(0)).isEqualTo("NONE");
    }

    @Test
    void classifierIsSafeToShareBetweenThreads() throws Exception {
        String[] statements = {"SELECT a FROM t1 WHERE b = 1", "UPDATE t2 SET a = 2", "SELECT f(1)",
            "SET autocommit=0"};
        int[] expected = new int[statements.length];
        for (int i = 0; i < statements.length; i++) {
            expected[i] = c(statements[i]).typeMask();
        }
        Thread[] threads = new Thread[4];
        java.util.concurrent.atomic.AtomicInteger mismatches = new java.util.concurrent.atomic.AtomicInteger();
        for (int n = 0; n < threads.length; n++) {
            int offset = n;
            threads[n] = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    int k = (i + offset) % statements.length;
                    if (classifier.classify(statements[k]).typeMask() != expected[k]) {
                        mismatches.incrementAndGet();
                    }
                }
            });
            threads[n].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(mismatches.get()).isZero();
    }
}
