package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.moduletest.TestPackets.STATUS_AUTOCOMMIT;
import static io.gatehouse.moduletest.TestPackets.STATUS_IN_TRANS;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.ALL;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.PRIMARY;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.open;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.replies;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.route;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.moduletest.RouterHarness;
import io.gatehouse.moduletest.StatementSession;
import io.gatehouse.moduletest.TestPackets;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * readwritesplit's statement rules, driven through the module test kit's router harness: which connection each kind
 * of statement goes to by what it does and by the session's transaction state, prepared statements, temporary
 * tables, variables and the strict modes. Test thread; the harness owns the scripted buffers.
 */
class RwSplitStatementRulesTest {
    private static final Set<String> REPLICAS = Set.of("r1", "r2");
    private final RwSplitScript script = new RwSplitScript();

    private RouterHarness harness(Map<String, String> params) {
        return script.harness(params);
    }

    private static Set<String> oneReplica(Set<String> to) {
        assertThat(to).hasSize(1);
        assertThat(REPLICAS).containsAll(to);
        return to;
    }

    @Test
    void writesGoToThePrimaryAndAutocommitReadsToTheReplicas() {
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(s.loggedIn()).isTrue();
            for (String w : List.of("INSERT INTO t VALUES (1)", "UPDATE t SET a = 2", "DELETE FROM t",
                    "CREATE TABLE u (a INT)", "SELECT * FROM t FOR UPDATE", "SELECT GET_LOCK('x', 0)",
                    "SELECT NEXTVAL(s)", "SELECT * FROM t INTO OUTFILE '/tmp/x'", "this is not sql")) {
                assertThat(route(s, w)).as(w).isEqualTo(PRIMARY);
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                seen.addAll(oneReplica(route(s, "SELECT a FROM t WHERE id = " + i)));
            }
            assertThat(seen).isEqualTo(REPLICAS);
            oneReplica(route(s, "SELECT NOW(), UPPER('x')"));
            assertThat(s.idle()).isTrue();
        }
    }

    @Test
    void aReadWriteTransactionStaysOnThePrimaryUntilItEnds() {
        try (StatementSession s = open(harness(Map.of()))) {
            replies(s, "p", STATUS_IN_TRANS | STATUS_AUTOCOMMIT, 3);
            assertThat(route(s, "BEGIN")).isEqualTo(PRIMARY);
            assertThat(route(s, "SELECT a FROM t")).isEqualTo(PRIMARY);
            assertThat(route(s, "SELECT b FROM t")).isEqualTo(PRIMARY);
            assertThat(route(s, "COMMIT")).isEqualTo(PRIMARY);
            oneReplica(route(s, "SELECT a FROM t"));
            replies(s, "p", STATUS_IN_TRANS | STATUS_AUTOCOMMIT, 1);
            assertThat(route(s, "START TRANSACTION READ WRITE")).isEqualTo(PRIMARY);
            assertThat(route(s, "ROLLBACK")).isEqualTo(PRIMARY);
            oneReplica(route(s, "SELECT a FROM t"));
        }
    }

    @Test
    void aReadOnlyTransactionRunsWhollyOnOneReplica() {
        try (StatementSession s = open(harness(Map.of()))) {
            Set<String> replica = oneReplica(route(s, "START TRANSACTION READ ONLY"));
            for (int i = 0; i < 4; i++) {
                assertThat(route(s, "SELECT a FROM t WHERE id = " + i)).isEqualTo(replica);
            }
            // a write inside one goes to the primary, which refuses it as the replica would
            assertThat(route(s, "INSERT INTO t VALUES (1)")).isEqualTo(PRIMARY);
            assertThat(route(s, "COMMIT")).isEqualTo(replica);
            assertThat(s.endpoint("p").received()).doesNotContain("SELECT a FROM t WHERE id = 0");
            oneReplica(route(s, "SELECT a FROM t"));
        }
    }

    @Test
    void withAutocommitOffEverythingGoesToThePrimary() {
        try (StatementSession s = open(harness(Map.of()))) {
            replies(s, "p", 0, 3);
            assertThat(route(s, "SET autocommit = 0")).isEqualTo(ALL);
            assertThat(route(s, "SELECT a FROM t")).isEqualTo(PRIMARY);
            assertThat(route(s, "COMMIT")).isEqualTo(PRIMARY);
            assertThat(route(s, "SET autocommit = 1")).isEqualTo(ALL);
            oneReplica(route(s, "SELECT a FROM t"));
        }
    }

    @Test
    void withAutocommitOffAReadOnlyTransactionStillStartsOnAReplicaWhenNoneIsOpen() {
        try (StatementSession s = open(harness(Map.of()))) {
            replies(s, "p", 0, 2);
            assertThat(route(s, "SET autocommit = 0")).isEqualTo(ALL);
            Set<String> replica = oneReplica(route(s, "START TRANSACTION READ ONLY"));
            assertThat(route(s, "SELECT a FROM t")).isEqualTo(replica);
            assertThat(route(s, "COMMIT")).isEqualTo(replica);
            assertThat(route(s, "SELECT a FROM t")).isEqualTo(PRIMARY);
            // With a transaction open on the primary, starting another there commits it: it stays on the primary.
            replies(s, "p", STATUS_IN_TRANS, 2);
            assertThat(route(s, "UPDATE t SET a = 1")).isEqualTo(PRIMARY);
            assertThat(route(s, "START TRANSACTION READ ONLY")).isEqualTo(PRIMARY);
        }
    }

    @Test
    void sessionCommandsRunOnEveryConnectionAndTheClientGetsOneReply() {
        try (StatementSession s = open(harness(Map.of()))) {
            for (String cmd : List.of("SET @a = 1", "SET NAMES utf8mb4", "USE test", "SET SESSION wait_timeout = 60",
                    "SET sql_mode = 'STRICT_ALL_TABLES'")) {
                int before = s.clientBytes().size();
                assertThat(route(s, cmd)).as(cmd).isEqualTo(ALL);
                assertThat(s.clientBytes()).as(cmd).hasSize(before + 1);
            }
            Map<String, List<String>> initDb = send(s, TestPackets.command(s.alloc(), 0x02,
                    "test".getBytes(StandardCharsets.UTF_8)));
            assertThat(initDb.keySet()).isEqualTo(ALL);
            // SET GLOBAL changes the server, not the session: once is enough, on the primary
            assertThat(route(s, "SET GLOBAL max_connections = 100")).isEqualTo(PRIMARY);
            assertThat(route(s, "SELECT @a")).hasSize(1);
        }
    }

    @Test
    void preparedStatementsArePreparedEverywhereAndExecutedByTheirClass() {
        try (StatementSession s = open(harness(Map.of()))) {
            s.endpoint("p").answer(TestPackets.prepareOk(s.alloc(), 11, 0), TestPackets.prepareOkReply(11, 0));
            s.endpoint("r1").answer(TestPackets.prepareOk(s.alloc(), 21, 0), TestPackets.prepareOkReply(21, 0));
            s.endpoint("r2").answer(TestPackets.prepareOk(s.alloc(), 31, 0), TestPackets.prepareOkReply(31, 0));
            Map<String, List<String>> prepare = send(s, TestPackets.command(s.alloc(), TestPackets.COM_STMT_PREPARE,
                    "SELECT a FROM t".getBytes(StandardCharsets.UTF_8)));
            assertThat(prepare.keySet()).isEqualTo(ALL);
            Map<String, List<String>> read = send(s, TestPackets.execute(s.alloc(), 11));
            assertThat(read).hasSize(1);
            String replica = read.keySet().iterator().next();
            assertThat(replica).isIn(REPLICAS);
            // each connection gets its own id for the statement
            assertThat((int) read.get(replica).get(0).charAt(0)).isEqualTo(replica.equals("r1") ? 21 : 31);

            s.endpoint("p").answer(TestPackets.prepareOk(s.alloc(), 12, 0), TestPackets.prepareOkReply(12, 0));
            s.endpoint("r1").answer(TestPackets.prepareOk(s.alloc(), 22, 0), TestPackets.prepareOkReply(22, 0));
            s.endpoint("r2").answer(TestPackets.prepareOk(s.alloc(), 32, 0), TestPackets.prepareOkReply(32, 0));
            send(s, TestPackets.command(s.alloc(), TestPackets.COM_STMT_PREPARE,
                    "INSERT INTO t VALUES (1)".getBytes(StandardCharsets.UTF_8)));
            Map<String, List<String>> write = send(s, TestPackets.execute(s.alloc(), 12));
            assertThat(write.keySet()).isEqualTo(PRIMARY);
            assertThat((int) write.get("p").get(0).charAt(0)).isEqualTo(12);
            // inside a transaction even the read runs on the primary
            replies(s, "p", STATUS_IN_TRANS | STATUS_AUTOCOMMIT, 2);
            route(s, "BEGIN");
            assertThat(send(s, TestPackets.execute(s.alloc(), 11)).keySet()).isEqualTo(PRIMARY);
        }
    }

    @Test
    void textPreparedStatementsExecuteWhereTheirStatementMayRun() {
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(route(s, "PREPARE rd FROM 'SELECT a FROM t'")).isEqualTo(ALL);
            assertThat(route(s, "PREPARE wr FROM 'DELETE FROM t'")).isEqualTo(ALL);
            oneReplica(route(s, "EXECUTE rd"));
            assertThat(route(s, "EXECUTE wr")).isEqualTo(PRIMARY);
            assertThat(route(s, "DEALLOCATE PREPARE rd")).isEqualTo(ALL);
            assertThat(route(s, "EXECUTE rd")).isEqualTo(PRIMARY);
            assertThat(route(s, "EXECUTE IMMEDIATE 'SELECT 1'")).hasSize(1);
            assertThat(route(s, "EXECUTE IMMEDIATE 'INSERT INTO t VALUES (1)'")).isEqualTo(PRIMARY);
        }
    }

    @Test
    void readsOfTemporaryTablesGoToThePrimaryUntilDroppedOrReset() {
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(route(s, "CREATE TEMPORARY TABLE tmp1 (a INT)")).isEqualTo(PRIMARY);
            assertThat(route(s, "SELECT * FROM tmp1")).isEqualTo(PRIMARY);
            assertThat(route(s, "SELECT * FROM test.tmp1 WHERE a = 1")).isEqualTo(PRIMARY);
            oneReplica(route(s, "SELECT * FROM other"));
            assertThat(route(s, "DROP TEMPORARY TABLE tmp1")).isEqualTo(PRIMARY);
            oneReplica(route(s, "SELECT * FROM tmp1"));
            route(s, "CREATE TEMPORARY TABLE tmp2 (a INT)");
            assertThat(send(s, TestPackets.command(s.alloc(), 0x1F, new byte[0])).keySet()).containsAll(ALL);
            oneReplica(route(s, "SELECT * FROM tmp2"));
        }
    }

    @Test
    void loadDataLocalInfileGoesToThePrimary() {
        try (StatementSession s = open(harness(Map.of("master_accept_reads", "true")))) {
            assertThat(route(s, "LOAD DATA LOCAL INFILE '/tmp/rows.csv' INTO TABLE t")).isEqualTo(PRIMARY);
            assertThat(route(s, "LOAD DATA INFILE 'rows.csv' INTO TABLE t")).isEqualTo(PRIMARY);
        }
    }

    @Test
    void userVariablesAreReadWhereUseSqlVariablesInSays() {
        try (StatementSession s = open(harness(Map.of()))) {
            oneReplica(route(s, "SELECT @a"));
            assertThat(route(s, "SELECT @a := 1")).isEqualTo(ALL);
        }
        try (StatementSession s = open(harness(Map.of("use_sql_variables_in", "master")))) {
            assertThat(route(s, "SELECT @a")).isEqualTo(PRIMARY);
            assertThat(route(s, "SELECT a FROM t WHERE b = @a")).isEqualTo(PRIMARY);
            oneReplica(route(s, "SELECT a FROM t"));
        }
    }

    @Test
    void strictMultiStmtKeepsTheSessionOnThePrimaryAfterAMultiStatement() {
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(route(s, "SELECT 1; SELECT 2")).isEqualTo(PRIMARY);
            oneReplica(route(s, "SELECT 1"));
        }
        try (StatementSession s = open(harness(Map.of("strict_multi_stmt", "true")))) {
            assertThat(route(s, "SELECT 1; SELECT 2")).isEqualTo(PRIMARY);
            assertThat(route(s, "SELECT 1")).isEqualTo(PRIMARY);
            assertThat(route(s, "SET @a = 1")).isEqualTo(ALL);
        }
    }

    @Test
    void strictSpCallsKeepsTheSessionOnThePrimaryAfterACall() {
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(route(s, "CALL proc()")).isEqualTo(PRIMARY);
            oneReplica(route(s, "SELECT 1"));
            // the procedure may have set user variables, on the primary only
            assertThat(route(s, "SELECT @out")).isEqualTo(PRIMARY);
        }
        try (StatementSession s = open(harness(Map.of("strict_sp_calls", "true")))) {
            assertThat(route(s, "CALL proc()")).isEqualTo(PRIMARY);
            assertThat(route(s, "SELECT 1")).isEqualTo(PRIMARY);
        }
    }

    @Test
    void serializableSessionsReadOnThePrimary() {
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(route(s, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE")).isEqualTo(ALL);
            assertThat(route(s, "SELECT a FROM t")).isEqualTo(PRIMARY);
        }
    }

    @Test
    void foundRowsGoesWhereThePreviousReadWent() {
        try (StatementSession s = open(harness(Map.of()))) {
            for (int i = 0; i < 4; i++) {
                Set<String> read = oneReplica(route(s, "SELECT SQL_CALC_FOUND_ROWS a FROM t LIMIT " + (i + 1)));
                assertThat(route(s, "SELECT FOUND_ROWS()")).isEqualTo(read);
            }
        }
    }

    @Test
    void causalReadsMakeTheReplicaWaitForTheSessionsLastWrite() {
        try (StatementSession s = open(harness(Map.of("causal_reads", "local")))) {
            oneReplica(route(s, "SELECT a FROM t"));
            assertThat(route(s, "INSERT INTO t VALUES (1)")).isEqualTo(PRIMARY);
            RwSplitScript.value(s, "p", "0-1-9");
            Map<String, List<String>> read = send(s, TestPackets.query(s.alloc(), "SELECT a FROM t"));
            assertThat(read.get("p")).containsExactly("SELECT @@last_gtid");
            String replica = read.keySet().stream().filter(REPLICAS::contains).findFirst().orElseThrow();
            assertThat(read.get(replica)).hasSize(2);
            assertThat(read.get(replica).get(0)).contains("MASTER_GTID_WAIT('0-1-9'");
            assertThat(read.get(replica).get(1)).isEqualTo("SELECT a FROM t");
            // a replica that does not catch up in time leaves the read to the primary
            route(s, "INSERT INTO t VALUES (2)");
            RwSplitScript.value(s, "p", "0-1-10");
            for (String r : REPLICAS) {
                s.endpoint(r).answer(TestPackets.error(s.alloc(), 1644, "45000", "replica did not catch up"),
                        TestPackets.errorReply(RwSplitScript.QUERY, 1644, "45000", "replica did not catch up"));
            }
            Map<String, List<String>> late = send(s, TestPackets.query(s.alloc(), "SELECT b FROM t"));
            assertThat(late.get("p")).containsExactly("SELECT @@last_gtid", "SELECT b FROM t");
        }
    }

    @Test
    void universalCausalReadsAskThePrimaryBeforeEveryRead() {
        try (StatementSession s = open(harness(Map.of("causal_reads", "universal")))) {
            RwSplitScript.value(s, "p", "0-1-3");
            Map<String, List<String>> read = send(s, TestPackets.query(s.alloc(), "SELECT a FROM t"));
            assertThat(read.get("p")).containsExactly("SELECT @@gtid_binlog_pos");
            assertThat(read.keySet()).hasSize(2);
        }
    }
}
