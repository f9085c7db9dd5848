package io.gatehouse.sql;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Generates the statements of the read-only oracle test and the schema they run against: sysbench statements
 * with varied literals, ORM-shaped SQL (Hibernate, Django, Rails), DDL, SET, SHOW, transactions, functions,
 * routines and sequences; test helper, single-threaded, deterministic for a seed.
 */
final class OracleCorpus {
    static final String DATABASE = "oracle";

    static final List<String> SCHEMA = List.of(
        "CREATE DATABASE oracle",
        "USE oracle",
        "SET GLOBAL log_bin_trust_function_creators = ON",
        "CREATE TABLE oracle.sbtest1 (id INT AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0, "
            + "c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k))",
        "CREATE TABLE oracle.sbtest2 LIKE oracle.sbtest1",
        "CREATE TABLE oracle.sbtest3 LIKE oracle.sbtest1",
        "CREATE TABLE oracle.sbtest4 LIKE oracle.sbtest1",
        "INSERT INTO oracle.sbtest1 (k, c, pad) SELECT seq % 50, CONCAT('c-', seq), 'pad' FROM seq_1_to_200",
        "INSERT INTO oracle.sbtest2 SELECT * FROM oracle.sbtest1",
        "INSERT INTO oracle.sbtest3 SELECT * FROM oracle.sbtest1",
        "INSERT INTO oracle.sbtest4 SELECT * FROM oracle.sbtest1",
        "CREATE TABLE oracle.users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100), email VARCHAR(200), "
            + "status VARCHAR(20) DEFAULT 'active', created_at DATETIME DEFAULT NOW(), UNIQUE KEY (email))",
        "INSERT INTO oracle.users (name, email) SELECT CONCAT('user', seq), CONCAT('u', seq, '@x.org') "
            + "FROM seq_1_to_50",
        "CREATE TABLE oracle.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, total DECIMAL(10,2), "
            + "created_at DATETIME DEFAULT NOW(), KEY (user_id))",
        "INSERT INTO oracle.orders (user_id, total) SELECT seq % 50 + 1, seq * 1.5 FROM seq_1_to_100",
        "CREATE TABLE oracle.app_user (id INT AUTO_INCREMENT PRIMARY KEY, username VARCHAR(150), "
            + "is_active TINYINT(1) DEFAULT 1, date_joined DATETIME DEFAULT NOW())",
        "INSERT INTO oracle.app_user (username) SELECT CONCAT('dj', seq) FROM seq_1_to_20",
        "CREATE TABLE oracle.posts (id INT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, title VARCHAR(200), "
            + "body TEXT, published TINYINT(1) DEFAULT 0)",
        "INSERT INTO oracle.posts (user_id, title, body) SELECT seq, CONCAT('t', seq), 'b' FROM seq_1_to_30",
        "CREATE TABLE oracle.log_table (v INT)",
        "CREATE SEQUENCE oracle.seq1",
        "CREATE VIEW oracle.v_users AS SELECT id, name FROM oracle.users",
        "CREATE FUNCTION oracle.f_read(x INT) RETURNS INT READS SQL DATA "
            + "RETURN (SELECT COUNT(*) FROM oracle.sbtest1 WHERE id < x)",
        "CREATE FUNCTION oracle.f_write(x INT) RETURNS INT MODIFIES SQL DATA "
            + "BEGIN INSERT INTO oracle.log_table VALUES (x); RETURN x; END",
        "CREATE PROCEDURE oracle.p_read() SELECT COUNT(*) FROM oracle.users",
        "CREATE PROCEDURE oracle.p_write() INSERT INTO oracle.log_table VALUES (1)",
        "CREATE USER ro_app@'%' IDENTIFIED BY 'ropwd' WITH MAX_STATEMENT_TIME 3",
        "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE TEMPORARY TABLES, EXECUTE, "
            + "CREATE ROUTINE, ALTER ROUTINE, LOCK TABLES, CREATE VIEW, SHOW VIEW, TRIGGER, REFERENCES "
            + "ON oracle.* TO ro_app@'%'",
        "GRANT SELECT, CREATE TEMPORARY TABLES ON test.* TO ro_app@'%'",
        "SET GLOBAL read_only = ON");

    private OracleCorpus() {
    }

    static List<String> statements(Path testSuiteRoot, int testSuiteSample) {
        Set<String> out = new LinkedHashSet<>();
        Random r = new Random(42);
        sysbench(out, r);
        orm(out, r);
        sessionAndTransactions(out, r);
        ddl(out, r);
        functionsAndRoutines(out, r);
        if (testSuiteRoot != null) {
            testSuite(out, testSuiteRoot, testSuiteSample);
        }
        return new ArrayList<>(out);
    }

    private static void sysbench(Set<String> out, Random r) {
        for (int n = 0; n < 90; n++) {
            int t = 1 + r.nextInt(4);
            int id = 1 + r.nextInt(200);
            int len = 1 + r.nextInt(20);
            String tbl = "sbtest" + t;
            out.add("SELECT c FROM " + tbl + " WHERE id=" + id);
            out.add("SELECT c FROM " + tbl + " WHERE id BETWEEN " + id + " AND " + (id + len));
            out.add("SELECT SUM(k) FROM " + tbl + " WHERE id BETWEEN " + id + " AND " + (id + len));
            out.add("SELECT c FROM " + tbl + " WHERE id BETWEEN " + id + " AND " + (id + len) + " ORDER BY c");
            out.add("SELECT DISTINCT c FROM " + tbl + " WHERE id BETWEEN " + id + " AND " + (id + len)
                    + " ORDER BY c");
            out.add("UPDATE " + tbl + " SET k=k+1 WHERE id=" + id);
            out.add("UPDATE " + tbl + " SET c='" + r.nextLong() + "' WHERE id=" + id);
            out.add("DELETE FROM " + tbl + " WHERE id=" + id);
            out.add("INSERT INTO " + tbl + " (id, k, c, pad) VALUES (" + (1000 + n) + ", " + id + ", '"
                    + r.nextLong() + "', '" + r.nextInt() + "')");
            out.add("SELECT id, k, c, pad FROM " + tbl + " WHERE k IN (" + id + ", " + (id + 1) + ", " + (id + 2)
                    + ")");
        }
    }

    private static void orm(Set<String> out, Random r) {
        for (int n = 0; n < 60; n++) {
            int id = 1 + r.nextInt(50);
            String email = "u" + id + "@x.org";
            // Hibernate / JPA
            out.add("select user0_.id as id1_0_, user0_.created_at as created_2_0_, user0_.email as email3_0_, "
                    + "user0_.name as name4_0_, user0_.status as status5_0_ from users user0_ where user0_.id=" + id);
            out.add("select o0_.id as id1_1_, o0_.total as total2_1_ from orders o0_ inner join users u1_ on "
                    + "o0_.user_id=u1_.id where u1_.email='" + email + "' order by o0_.created_at desc limit "
                    + (10 + n));
            out.add("select count(o0_.id) as col_0_0_ from orders o0_ where o0_.user_id=" + id
                    + " and o0_.total>" + (n * 3));
            out.add("insert into users (created_at, email, name, status) values ('2024-01-0" + (1 + n % 9)
                    + " 10:00:00', 'new" + n + "@x.org', 'New " + n + "', 'active')");
            out.add("update users set name='Renamed " + n + "', status='inactive' where id=" + id);
            out.add("delete from orders where id=" + (id + n));
            out.add("select u0_.id from users u0_ where u0_.id=" + id + " for update");
            // Django
            out.add("SELECT `app_user`.`id`, `app_user`.`username`, `app_user`.`is_active`, "
                    + "`app_user`.`date_joined` FROM `app_user` WHERE `app_user`.`id` = " + (1 + n % 20)
                    + " LIMIT 21");
            out.add("SELECT COUNT(*) AS `__count` FROM `app_user` WHERE `app_user`.`is_active` AND "
                    + "`app_user`.`username` LIKE 'dj" + n + "%'");
            out.add("UPDATE `app_user` SET `is_active` = 0 WHERE `app_user`.`id` = " + (1 + n % 20));
            out.add("INSERT INTO `app_user` (`username`, `is_active`, `date_joined`) VALUES ('dj_new" + n
                    + "', 1, '2024-02-02 00:00:00')");
            // Rails
            out.add("SELECT `users`.* FROM `users` WHERE `users`.`email` = '" + email + "' LIMIT 1");
            out.add("SELECT `posts`.* FROM `posts` WHERE `posts`.`user_id` IN (" + id + ", " + (id + 1) + ", "
                    + (id + 2) + ") ORDER BY `posts`.`id` ASC");
            out.add("SELECT 1 AS one FROM `users` WHERE `users`.`email` = BINARY '" + email + "' LIMIT 1");
            out.add("UPDATE `posts` SET `published` = 1 WHERE `posts`.`id` = " + (1 + n % 30));
            out.add("SELECT `posts`.`id`, `posts`.`title` FROM `posts` LEFT OUTER JOIN `users` ON `users`.`id` = "
                    + "`posts`.`user_id` WHERE `users`.`status` = 'active' AND `posts`.`published` = " + (n % 2)
                    + " LIMIT " + (5 + n));
            out.add("SELECT COUNT(*) FROM (SELECT 1 AS one FROM `orders` WHERE `orders`.`total` > " + n
                    + " LIMIT 10) subquery_for_count");
        }
    }

    private static void sessionAndTransactions(Set<String> out, Random r) {
        String[] fixed = {
            "SET autocommit=0", "SET autocommit=1", "SET NAMES utf8mb4", "SET NAMES latin1",
            "SET character_set_client = utf8mb4", "SET SESSION sql_mode = 'STRICT_TRANS_TABLES'",
            "SET @@session.wait_timeout = 100", "SET sql_mode = ''", "SET time_zone = '+00:00'",
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", "SET TRANSACTION READ ONLY",
            "SET GLOBAL max_connections = 200", "SET @@global.read_only = OFF", "SET PASSWORD = PASSWORD('x')",
            "BEGIN", "START TRANSACTION", "START TRANSACTION READ ONLY", "START TRANSACTION READ WRITE",
            "START TRANSACTION WITH CONSISTENT SNAPSHOT", "COMMIT", "ROLLBACK", "SAVEPOINT s1",
            "XA START 'x1'", "XA RECOVER", "SHOW DATABASES", "SHOW TABLES", "SHOW FULL TABLES",
            "SHOW CREATE TABLE sbtest1", "SHOW COLUMNS FROM users", "SHOW INDEX FROM orders", "SHOW WARNINGS",
            "SHOW ERRORS", "SHOW STATUS LIKE 'Com_select'", "SHOW VARIABLES LIKE 'read_only'", "SHOW PROCESSLIST",
            "SHOW GRANTS", "SHOW ENGINES", "SHOW TABLE STATUS", "SHOW CREATE VIEW v_users",
            "SHOW FUNCTION STATUS", "SHOW MASTER STATUS", "SHOW SLAVE STATUS", "SHOW BINARY LOGS",
            "SELECT @@read_only, @@version, @@session.autocommit", "SELECT @@global.max_connections",
            "SELECT DATABASE(), USER(), CURRENT_USER(), CONNECTION_ID()", "SELECT LAST_INSERT_ID()",
            "SELECT FOUND_ROWS()", "SELECT ROW_COUNT()", "SELECT @@identity", "SELECT @@last_gtid",
            "USE oracle",
        "SET GLOBAL log_bin_trust_function_creators = ON", "USE test", "DO 1", "DO SLEEP(0)", "VALUES (1), (2)", "EXPLAIN SELECT * FROM users",
            "EXPLAIN UPDATE users SET name = 'x'", "EXPLAIN DELETE FROM orders WHERE id = 3",
            "EXPLAIN INSERT INTO log_table VALUES (1)", "DESCRIBE users", "DESC orders", "HELP 'contents'",
            "ANALYZE SELECT * FROM users", "ANALYZE TABLE users", "CHECK TABLE users", "CHECKSUM TABLE users",
            "OPTIMIZE TABLE users", "REPAIR TABLE users", "FLUSH TABLES", "LOCK TABLES users READ",
            "LOCK TABLES users WRITE", "UNLOCK TABLES", "HANDLER users OPEN", "KILL QUERY 999999",
            "SELECT * FROM users WHERE id = 1 LOCK IN SHARE MODE", "SELECT * FROM users FOR UPDATE",
            "SELECT id INTO @v FROM users LIMIT 1", "SELECT * FROM users INTO OUTFILE '/tmp/oracle-out.txt'",
            "LOAD DATA INFILE '/tmp/none.txt' INTO TABLE log_table", "SELECT NEXT VALUE FOR seq1",
            "SELECT NEXTVAL(seq1)", "SELECT PREVIOUS VALUE FOR seq1", "SELECT LASTVAL(seq1)",
            "SELECT SETVAL(seq1, 100)", "SELECT GET_LOCK('a', 0)", "SELECT RELEASE_LOCK('a')",
            "SELECT IS_FREE_LOCK('a')", "GET DIAGNOSTICS @n = NUMBER", "SIGNAL SQLSTATE '45000'",
            "PREPARE s1 FROM 'SELECT * FROM users WHERE id = ?'",
            "PREPARE s1 FROM 'INSERT INTO log_table VALUES (?)'; SET @a = 1; EXECUTE s1 USING @a",
            "PREPARE s1 FROM 'SELECT 1'; EXECUTE s1; DEALLOCATE PREPARE s1",
            "EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM users'", "EXECUTE IMMEDIATE 'DELETE FROM log_table'",
            "SELECT 1; SELECT 2", "SELECT 1; DELETE FROM log_table", "SET @x = 5; SELECT @x",
            "/*!40101 SET NAMES utf8 */", "/*!40000 DELETE FROM log_table */", "SELECT 1 /*!50000 FOR UPDATE */",
            "SET STATEMENT max_statement_time = 2 FOR SELECT COUNT(*) FROM orders",
            "SET STATEMENT max_statement_time = 2 FOR UPDATE orders SET total = 0",
            "WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 10) SELECT * FROM c",
            "WITH x AS (SELECT id FROM users) DELETE FROM orders WHERE user_id IN (SELECT id FROM x)",
            "SELECT * FROM JSON_TABLE('[1,2]', '$[*]' COLUMNS (a INT PATH '$')) AS jt",
            "SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)",
            "INSERT INTO users (name, email) VALUES ('a', 'a@x') ON DUPLICATE KEY UPDATE name = VALUES(name)",
            "REPLACE INTO log_table VALUES (7)", "INSERT INTO log_table SELECT id FROM users",
            "UPDATE users u JOIN orders o ON o.user_id = u.id SET u.status = 'buyer'",
            "DELETE u FROM users u JOIN orders o ON o.user_id = u.id WHERE o.total < 0",
            "DELETE FROM log_table", "TRUNCATE TABLE log_table", "INSERT INTO test.nonexistent VALUES (1)",
            "CREATE TEMPORARY TABLE tmp_a (a INT)", "CREATE TEMPORARY TABLE tmp_b AS SELECT * FROM users",
            "CREATE TEMPORARY TABLE tmp_c (a INT); INSERT INTO tmp_c VALUES (1); SELECT * FROM tmp_c",
            "CREATE TEMPORARY TABLE tmp_d (a INT); DROP TEMPORARY TABLE tmp_d", "DROP TEMPORARY TABLE IF EXISTS tmp_x",
            "CREATE TEMPORARY TABLE tmp_e LIKE sbtest1", "XA START 'x2'; XA END 'x2'; XA PREPARE 'x2'",
            "BINLOG 'AAAA'", "PURGE BINARY LOGS BEFORE NOW()", "RESET MASTER", "CHANGE MASTER TO MASTER_HOST='h'",
            "STOP SLAVE", "START SLAVE", "SHUTDOWN", "INSTALL SONAME 'ha_blackhole'", "CACHE INDEX users IN hot",
        };
        for (String s : fixed) {
            out.add(s);
        }
        for (int n = 0; n < 40; n++) {
            out.add("SET @v" + n + " = " + r.nextInt(1000));
            out.add("SELECT @v" + n + " + " + n);
            out.add("SET SESSION max_statement_time = " + (1 + n % 5) + ", @w" + n + " = 'x'");
        }
    }

    private static void ddl(Set<String> out, Random r) {
        for (int n = 0; n < 25; n++) {
            out.add("CREATE TABLE new_t" + n + " (a INT PRIMARY KEY, b VARCHAR(10))");
            out.add("CREATE TABLE IF NOT EXISTS new_u" + n + " LIKE users");
            out.add("CREATE TABLE new_s" + n + " AS SELECT * FROM users WHERE id < " + n);
            out.add("ALTER TABLE users ADD COLUMN extra" + n + " INT");
            out.add("ALTER TABLE orders ADD INDEX idx_" + n + " (total)");
            out.add("CREATE INDEX ix" + n + " ON posts (title)");
            out.add("DROP TABLE IF EXISTS no_such_table" + n);
            out.add("DROP TABLE log_table" + (n == 0 ? "" : ", sbtest" + (1 + n % 4)));
            out.add("RENAME TABLE posts TO posts_" + n);
            out.add("CREATE OR REPLACE VIEW v" + n + " AS SELECT id FROM users WHERE id > " + n);
            out.add("CREATE SEQUENCE s" + n);
            out.add("CREATE FUNCTION fx" + n + "() RETURNS INT DETERMINISTIC RETURN " + n);
            out.add("CREATE PROCEDURE px" + n + "() BEGIN SELECT " + n + "; END");
            out.add("DROP VIEW IF EXISTS v_users" + n);
            out.add("CREATE TEMPORARY TABLE tt" + n + " (x INT, y VARCHAR(5))");
            out.add("CREATE DATABASE db_new" + n);
            out.add("DROP DATABASE oracle" + (n == 0 ? "" : n));
            out.add("GRANT SELECT ON oracle.users TO ro_app@'%'");
        }
    }

    private static void functionsAndRoutines(Set<String> out, Random r) {
        String[] exprs = {"CONCAT(name, '-', email)", "UPPER(name)", "LENGTH(email)", "COALESCE(status, 'x')",
            "DATE_FORMAT(created_at, '%Y-%m')", "IF(id > 3, 'big', 'small')", "ROUND(id / 3, 2)",
            "JSON_OBJECT('id', id)", "MD5(email)", "SHA2(name, 256)", "NOW()", "UUID()", "RAND()",
            "SUBSTRING(name FROM 2 FOR 3)", "CAST(id AS CHAR(10))", "CONVERT(name USING utf8mb4)",
            "ROW_NUMBER() OVER (ORDER BY id)", "GREATEST(id, 10)", "REGEXP_REPLACE(name, 'u', 'U')",
            "TIMESTAMPDIFF(DAY, created_at, NOW())", "FIND_IN_SET('a', name)", "HEX(id)", "CRC32(name)"};
        for (int n = 0; n < exprs.length; n++) {
            out.add("SELECT " + exprs[n] + " FROM users WHERE id = " + (1 + n));
            out.add("SELECT " + exprs[n] + " AS e, COUNT(*) FROM users GROUP BY e LIMIT 3");
        }
        for (int n = 0; n < 20; n++) {
            out.add("SELECT f_read(" + n + ")");
            out.add("SELECT oracle.f_read(" + n + ")");
            out.add("SELECT f_write(" + n + ")");
            out.add("SELECT id, f_write(id) FROM users WHERE id = " + n);
            out.add("SELECT oracle.f_write(" + n + ")");
            out.add("CALL p_read()" + (n == 0 ? "" : " /* " + n + " */"));
            out.add("CALL p_write()" + (n == 0 ? "" : " /* " + n + " */"));
            out.add("DO f_write(" + n + ")");
            out.add("SET @r" + n + " = f_write(" + n + ")");
            out.add("SELECT * FROM users WHERE id = f_read(" + n + ")");
        }
    }

    private static void testSuite(Set<String> out, Path root, int sample) {
        List<String> candidates = new ArrayList<>();
        for (Path file : MysqlTestFiles.testFiles(root)) {
            for (String s : MysqlTestFiles.statements(file)) {
                String lower = s.toLowerCase(Locale.ROOT);
                if (s.length() < 600 && !s.contains("$") && !lower.contains("sleep") && !lower.contains("benchmark")
                        && !lower.contains("get_lock") && !lower.contains("shutdown") && !lower.contains("kill")
                        && !lower.contains("debug") && !lower.contains("seq_1_to_1000000")
                        && !lower.contains("load_file") && !lower.contains("recursive")) {
                    candidates.add(s);
                }
            }
        }
        int step = Math.max(1, candidates.size() / sample);
        for (int i = 0; i < candidates.size() && out.size() < Integer.MAX_VALUE; i += step) {
            out.add(candidates.get(i));
        }
    }
}
