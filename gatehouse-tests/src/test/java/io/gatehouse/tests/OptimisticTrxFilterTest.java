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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimistictrx filter through readwritesplit: a transaction that only reads runs on a replica (the servers'
 * own {@code Com_begin} counters and {@code @@server_id} show where); one that writes after reading is rolled back
 * on the replica, replayed on the primary and goes on there with the write and correct results; one whose reads
 * changed between the replica and the primary (the replicas an hour behind, by MASTER_DELAY, then the row changed
 * on the primary) ends the session with the checksum-mismatch error and the write never runs. Connector/J and the mariadb
 * CLI; readconnroute keeps working with the filter. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class OptimisticTrxFilterTest {
    private static final String FILTER = "module=optimistictrx";
    /**
     * readwritesplit logs in to the replicas while a session's first statements already run (on the primary, where a
     * read-only transaction also goes when no replica is ready yet): a CLI script whose transaction must start on a
     * replica first gives those logins a moment.
     */
    private static final String WAIT_FOR_REPLICAS = "DO SLEEP(1); ";
    private static MariaDbCluster cluster;
    private static String table;

    @BeforeAll
    static void table(MariaDbCluster c) {
        cluster = c;
        table = Accounts.DATABASE + "." + Names.unique("otrx");
        c.primary().execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT)");
        c.primary().execute("INSERT INTO " + table + " VALUES (1, 10), (2, 20), (3, 30)");
        c.awaitReplication(Duration.ofSeconds(30));
    }

    @AfterAll
    static void drop() {
        cluster.primary().execute("DROP TABLE " + table);
    }

    private static long comBegin(MariaDbServer s) {
        return Long.parseLong(s.queryValue("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = 'COM_BEGIN'"));
    }

    private static long replicasComBegin() {
        return cluster.replicas().stream().mapToLong(OptimisticTrxFilterTest::comBegin).sum();
    }

    private static String primaryValue(int id) {
        return cluster.primary().queryValue("SELECT v FROM " + table + " WHERE id = " + id);
    }

    @Test
    void readOnlyTransactionsRunOnAReplica(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, FILTER, "master")) {
            try (Connection c = bed.connect(SPLIT)) {
                bed.awaitReplicaRead(c);
                long primaryBegins = comBegin(cluster.primary());
                long replicaBegins = replicasComBegin();
                execute(c, "BEGIN");
                assertThat(scalar(c, "SELECT @@server_id")).isIn(bed.replicaIds());
                assertThat(scalar(c, "SELECT SUM(v) FROM " + table)).isEqualTo("60");
                execute(c, "COMMIT");
                execute(c, "START TRANSACTION");
                assertThat(scalar(c, "SELECT v FROM " + table + " WHERE id = 2")).isEqualTo("20");
                assertThat(scalar(c, "SELECT @@server_id")).isIn(bed.replicaIds());
                execute(c, "ROLLBACK");
                // Both transactions began on a replica, none on the primary.
                assertThat(comBegin(cluster.primary())).isEqualTo(primaryBegins);
                assertThat(replicasComBegin() - replicaBegins).isEqualTo(2);
            }
            // The CLI: one read-only transaction, on a replica.
            String cli = bed.cli(SPLIT, WAIT_FOR_REPLICAS + "BEGIN; SELECT @@server_id, v FROM " + table
                    + " WHERE id = 3; COMMIT");
            assertThat(bed.replicaIds().stream().map(id -> id + "\t30\n").toList()).contains(cli);
            assertThat(bed.diagnostics().get("optimistic_transactions").asLong()).isEqualTo(3);
            assertThat(bed.diagnostics().get("replayed_transactions").asLong()).isZero();
        }
    }

    @Test
    void aTransactionThatWritesIsReplayedOnThePrimary(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, FILTER, "master")) {
            try (Connection c = bed.connect(SPLIT)) {
                bed.awaitReplicaRead(c);
                long replicaBegins = replicasComBegin();
                execute(c, "BEGIN");
                assertThat(scalar(c, "SELECT v FROM " + table + " WHERE id = 1")).isEqualTo("10");
                assertThat(scalar(c, "SELECT COUNT(*) FROM " + table)).isEqualTo("3");
                assertThat(replicasComBegin() - replicaBegins).as("the reads began on a replica").isEqualTo(1);
                execute(c, "UPDATE " + table + " SET v = v + 1 WHERE id = 1");
                // From the write on, the transaction is on the primary and sees its own write.
                assertThat(scalar(c, "SELECT CONCAT(@@server_id, ':', v) FROM " + table + " WHERE id = 1"))
                        .isEqualTo(bed.primaryId() + ":11");
                execute(c, "COMMIT");
                assertThat(primaryValue(1)).isEqualTo("11");
                // The session goes on: a new transaction, read-only again.
                execute(c, "BEGIN");
                assertThat(scalar(c, "SELECT @@server_id")).isIn(bed.replicaIds());
                execute(c, "COMMIT");
            }
            // The CLI: read, write, read and commit in one script.
            assertThat(bed.cli(SPLIT, WAIT_FOR_REPLICAS + "BEGIN; SELECT v FROM " + table + " WHERE id = 2; UPDATE "
                    + table
                    + " SET v = v + 5 WHERE id = 2; SELECT @@server_id, v FROM " + table + " WHERE id = 2; COMMIT"))
                    .isEqualTo("20\n" + bed.primaryId() + "\t25\n");
            assertThat(primaryValue(2)).isEqualTo("25");
            assertThat(bed.diagnostics().get("replayed_transactions").asLong()).isEqualTo(2);
            assertThat(bed.diagnostics().get("checksum_mismatches").asLong()).isZero();
        } finally {
            cluster.primary().execute("UPDATE " + table + " SET v = id * 10");
            cluster.awaitReplication(Duration.ofSeconds(30));
        }
    }

    @Test
    void withAutocommitOffEachTransactionStartsReadOnly(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, FILTER, "master")) {
            try (Connection c = bed.connect(SPLIT)) {
                bed.awaitReplicaRead(c);
                c.setAutoCommit(false);
                long primaryBegins = comBegin(cluster.primary());
                long replicaBegins = replicasComBegin();
                assertThat(scalar(c, "SELECT CONCAT(@@server_id, ':', v) FROM " + table + " WHERE id = 1"))
                        .isIn(bed.replicaIds().stream().map(id -> id + ":10").toList());
                c.commit();
                assertThat(replicasComBegin() - replicaBegins).as("a read-only transaction on a replica")
                        .isEqualTo(1);
                // The next transaction reads, then writes: replayed on the primary, where it commits.
                assertThat(scalar(c, "SELECT v FROM " + table + " WHERE id = 2")).isEqualTo("20");
                execute(c, "UPDATE " + table + " SET v = 21 WHERE id = 2");
                assertThat(scalar(c, "SELECT CONCAT(@@server_id, ':', v) FROM " + table + " WHERE id = 2"))
                        .isEqualTo(bed.primaryId() + ":21");
                c.commit();
                assertThat(primaryValue(2)).isEqualTo("21");
                assertThat(comBegin(cluster.primary())).as("no explicit BEGIN on the primary")
                        .isEqualTo(primaryBegins);
                // A transaction that writes first stays on the primary; a rollback undoes it.
                execute(c, "UPDATE " + table + " SET v = 0 WHERE id = 3");
                assertThat(scalar(c, "SELECT CONCAT(@@server_id, ':', v) FROM " + table + " WHERE id = 3"))
                        .isEqualTo(bed.primaryId() + ":0");
                c.rollback();
                assertThat(primaryValue(3)).isEqualTo("30");
            }
            assertThat(bed.cli(SPLIT, WAIT_FOR_REPLICAS + "SET autocommit = 0; SELECT v FROM " + table
                    + " WHERE id = 1; UPDATE "
                    + table + " SET v = 11 WHERE id = 1; SELECT @@server_id, v FROM " + table + " WHERE id = 1;"
                    + " COMMIT")).isEqualTo("10\n" + bed.primaryId() + "\t11\n");
            assertThat(primaryValue(1)).isEqualTo("11");
            assertThat(bed.diagnostics().get("optimistic_transactions").asLong()).isEqualTo(3);
            assertThat(bed.diagnostics().get("replayed_transactions").asLong()).isEqualTo(2);
        } finally {
            cluster.primary().execute("UPDATE " + table + " SET v = id * 10");
            cluster.awaitReplication(Duration.ofSeconds(30));
        }
    }

    @Test
    void readsThatChangedBeforeTheWriteEndTheSession(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, FILTER, "master")) {
            try (Connection c = bed.connect(SPLIT)) {
                // The replicas fall an hour behind but stay replicas (both threads run), as the monitor sees them.
                delayReplicas(3600);
                // Another client changes the row; the replicas do not apply it yet.
                cluster.primary().execute("UPDATE " + table + " SET v = 33 WHERE id = 3");
                bed.awaitReplicaRead(c);
                execute(c, "BEGIN");
                assertThat(scalar(c, "SELECT v FROM " + table + " WHERE id = 3")).as("the replica's stale row")
                        .isEqualTo("30");
                assertThatThrownBy(() -> execute(c, "UPDATE " + table + " SET v = v + 1 WHERE id = 3"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("checksum mismatch");
                assertThat(c.isValid(5)).as("the session was closed").isFalse();
            }
            assertThat(primaryValue(3)).as("the write did not run").isEqualTo("33");
            // The CLI gets the same error and exits with it.
            Subprocess.Output out = bed.cliRun(SPLIT, WAIT_FOR_REPLICAS + "BEGIN; SELECT v FROM " + table
                    + " WHERE id = 3; UPDATE "
                    + table + " SET v = 0 WHERE id = 3; COMMIT");
            assertThat(out.exitCode()).as(out.describe()).isNotZero();
            assertThat(out.stdout()).isEqualTo("30\n");
            assertThat(out.stderr()).contains("checksum mismatch");
            assertThat(primaryValue(3)).isEqualTo("33");
            assertThat(bed.diagnostics().get("checksum_mismatches").asLong()).isEqualTo(2);
        } finally {
            delayReplicas(0);
            cluster.primary().execute("UPDATE " + table + " SET v = id * 10");
            cluster.awaitReplication(Duration.ofSeconds(30));
        }
    }

    private static void delayReplicas(int seconds) {
        for (MariaDbServer r : cluster.replicas()) {
            r.execute("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = " + seconds + "; START SLAVE");
        }
    }

    @Test
    void readconnrouteKeepsWorking(@TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, FILTER, "master")) {
            try (Connection c = bed.connect(CONN)) {
                execute(c, "BEGIN");
                assertThat(scalar(c, "SELECT v FROM " + table + " WHERE id = 1")).isEqualTo("10");
                execute(c, "UPDATE " + table + " SET v = 12 WHERE id = 1");
                assertThat(scalar(c, "SELECT CONCAT(@@server_id, ':', v) FROM " + table + " WHERE id = 1"))
                        .isEqualTo(bed.primaryId() + ":12");
                execute(c, "ROLLBACK");
                assertThat(scalar(c, "SELECT v FROM " + table + " WHERE id = 1")).isEqualTo("10");
            }
            assertThat(bed.cli(CONN, "BEGIN; SELECT v FROM " + table + " WHERE id = 1; UPDATE " + table
                    + " SET v = 13 WHERE id = 1; SELECT v FROM " + table + " WHERE id = 1; COMMIT"))
                    .isEqualTo("10\n13\n");
            assertThat(primaryValue(1)).isEqualTo("13");
        } finally {
            cluster.primary().execute("UPDATE " + table + " SET v = id * 10");
            cluster.awaitReplication(Duration.ofSeconds(30));
        }
    }
}
