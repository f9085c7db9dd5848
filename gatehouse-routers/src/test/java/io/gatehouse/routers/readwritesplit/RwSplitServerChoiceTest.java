package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.api.server.ServerStatus.MAINTENANCE;
import static io.gatehouse.api.server.ServerStatus.RUNNING;
import static io.gatehouse.api.server.ServerStatus.SLAVE;
import static io.gatehouse.moduletest.TestPackets.STATUS_AUTOCOMMIT;
import static io.gatehouse.moduletest.TestPackets.STATUS_IN_TRANS;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.ALL;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.PRIMARY;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.hint;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.open;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.replies;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.filter.RouteHint;
import io.gatehouse.moduletest.RouterHarness;
import io.gatehouse.moduletest.StatementSession;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * readwritesplit's choice of connection, driven through the module test kit's router harness: hints, replica
 * status, lag limits, master_accept_reads, slave_selection_criteria and rank, connection counts, lazy connections
 * with history replay, failed reads, and the master_failure_mode behaviours. Test thread; the harness owns the
 * scripted buffers.
 */
class RwSplitServerChoiceTest {
    private static final Set<String> REPLICAS = Set.of("r1", "r2");
    private final RwSplitScript script = new RwSplitScript();

    private RouterHarness harness(Map<String, String> params) {
        return script.harness(params);
    }

    /** The servers that served {@code n} reads. */
    private static Set<String> reads(StatementSession s, int n) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Set<String> to = route(s, "SELECT a FROM t WHERE id = " + i);
            assertThat(to).hasSize(1);
            seen.addAll(to);
        }
        return seen;
    }

    @Test
    void hintsRouteToThePrimaryAlwaysAndElsewhereOnlyForReadsOutsideTransactions() {
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(route(s, "SELECT a FROM t", hint(RouteHint.Type.MASTER))).isEqualTo(PRIMARY);
            assertThat(REPLICAS).containsAll(route(s, "SELECT a FROM t", hint(RouteHint.Type.SLAVE)));
            assertThat(route(s, "INSERT INTO t VALUES (1)", hint(RouteHint.Type.SLAVE))).isEqualTo(PRIMARY);
            for (int i = 0; i < 4; i++) {
                assertThat(route(s, "SELECT " + i, new RouteHint(RouteHint.Type.SERVER, "r2", 0)))
                        .containsExactly("r2");
            }
            assertThat(route(s, "SELECT 1", new RouteHint(RouteHint.Type.SERVER, "p", 0))).isEqualTo(PRIMARY);
            Set<String> last = route(s, "SELECT b FROM t");
            for (int i = 0; i < 4; i++) {
                assertThat(route(s, "SELECT c" + i + " FROM t", hint(RouteHint.Type.LAST))).isEqualTo(last);
            }
            replies(s, "p", STATUS_IN_TRANS | STATUS_AUTOCOMMIT, 2);
            route(s, "BEGIN");
            assertThat(route(s, "SELECT a FROM t", new RouteHint(RouteHint.Type.SERVER, "r1", 0))).isEqualTo(PRIMARY);
        }
    }

    @Test
    void aLagHintNarrowsTheReplicasForOneStatement() {
        script.r1.lag(3);
        script.r2.lag(8);
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(reads(s, 6)).isEqualTo(REPLICAS);
            RouteHint lag = new RouteHint(RouteHint.Type.MAX_SLAVE_LAG, "", 5);
            for (int i = 0; i < 4; i++) {
                assertThat(route(s, "SELECT " + i, lag)).containsExactly("r1");
            }
            assertThat(reads(s, 6)).isEqualTo(REPLICAS);
        }
    }

    @Test
    void maxReplicationLagKeepsLaggingOrUnknownReplicasOutOfReads() {
        script.r1.lag(3);
        script.r2.lag(30);
        try (StatementSession s = open(harness(Map.of("max_replication_lag", "10s")))) {
            assertThat(reads(s, 6)).containsExactly("r1");
            script.r1.lag(-1);
            assertThat(reads(s, 2)).isEqualTo(PRIMARY);
            script.r2.lag(0);
            assertThat(reads(s, 2)).containsExactly("r2");
        }
    }

    @Test
    void replicasThatAreNoLongerRunningReplicasGetNoReads() {
        try (StatementSession s = open(harness(Map.of()))) {
            script.r1.status(RUNNING | SLAVE | MAINTENANCE);
            assertThat(reads(s, 4)).containsExactly("r2");
            script.r1.status(RUNNING);
            assertThat(reads(s, 4)).containsExactly("r2");
            script.r2.status(RUNNING);
            assertThat(reads(s, 2)).isEqualTo(PRIMARY);
        }
    }

    @Test
    void masterAcceptReadsLetsAnIdlePrimaryServeReads() {
        script.r1.activeOperations(5);
        script.r2.activeOperations(5);
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(reads(s, 4)).isEqualTo(REPLICAS);
        }
        try (StatementSession s = open(harness(Map.of("master_accept_reads", "true")))) {
            assertThat(reads(s, 4)).isEqualTo(PRIMARY);
            script.p.activeOperations(9);
            assertThat(reads(s, 4)).isEqualTo(REPLICAS);
        }
        script.r1.status(RUNNING);
        script.r2.status(RUNNING);
        try (StatementSession s = open(harness(Map.of("master_accept_reads", "true")))) {
            assertThat(reads(s, 2)).isEqualTo(PRIMARY);
        }
    }

    @Test
    void slaveSelectionCriteriaPickTheLeastLoadedReplica() {
        script.r1.activeOperations(5).connections(0).lag(9);
        script.r2.activeOperations(0).connections(7).lag(1);
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(reads(s, 4)).containsExactly("r2");
        }
        try (StatementSession s = open(harness(Map.of("slave_selection_criteria", "least_router_connections")))) {
            assertThat(reads(s, 4)).containsExactly("r1");
        }
        try (StatementSession s = open(harness(Map.of("slave_selection_criteria", "least_behind_master")))) {
            assertThat(reads(s, 4)).containsExactly("r2");
        }
    }

    @Test
    void secondaryRankReplicasServeOnlyWhenNoPrimaryRankOneCan() {
        script.r1.secondaryRank();
        script.r2.activeOperations(50);
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(reads(s, 4)).containsExactly("r2");
            script.r2.status(RUNNING);
            assertThat(reads(s, 2)).containsExactly("r1");
        }
    }

    @Test
    void replicaConnectionsAreLimitedByMaxSlaveConnections() {
        try (StatementSession s = open(harness(Map.of("max_slave_connections", "1")))) {
            assertThat(s.endpoints()).hasSize(2);
            assertThat(reads(s, 4)).hasSize(1);
        }
    }

    @Test
    void lazyConnectOpensReplicasAtTheFirstReadAndReplaysTheSessionFirst() {
        try (StatementSession s = open(harness(Map.of("lazy_connect", "true")))) {
            assertThat(s.endpoints().keySet()).containsExactly("p");
            assertThat(route(s, "SET @a = 1")).isEqualTo(PRIMARY);
            // the first read finds no replica ready: the primary serves it while replicas join
            assertThat(route(s, "SELECT a FROM t")).isEqualTo(PRIMARY);
            assertThat(s.endpoints().keySet()).isEqualTo(ALL);
            for (String r : REPLICAS) {
                assertThat(s.endpoint(r).received()).containsExactly("SET @a = 1");
            }
            assertThat(reads(s, 4)).isEqualTo(REPLICAS);
        }
    }

    @Test
    void aReadWhoseReplicaFailsBeforeAnsweringRunsAgainOnThePrimary() {
        try (StatementSession s = open(harness(Map.of()))) {
            s.endpoint("r1").hang();
            s.endpoint("r2").hang();
            Set<String> to = route(s, "SELECT a FROM t");
            assertThat(s.idle()).isFalse();
            s.fail(to.iterator().next(), 2013, "Lost connection");
            assertThat(s.idle()).isTrue();
            assertThat(s.errors()).isEmpty();
            assertThat(s.endpoint("p").received()).contains("SELECT a FROM t");
        }
        try (StatementSession s = open(harness(Map.of("retry_failed_reads", "false")))) {
            s.endpoint("r1").hang();
            s.endpoint("r2").hang();
            Set<String> to = route(s, "SELECT a FROM t");
            s.fail(to.iterator().next(), 2013, "Lost connection");
            assertThat(s.errors()).anySatisfy(e -> assertThat(e).startsWith("2013:"));
        }
    }

    @Test
    void failOnWriteKeepsServingReadsWithoutAPrimaryAndEndsTheSessionAtAWrite() {
        try (StatementSession s = open(harness(Map.of()))) {
            script.p.status(0);                                  // the server is gone: it cannot be reached again
            s.fail("p", 2013, "primary gone");
            assertThat(s.errors()).isEmpty();
            assertThat(s.closedQuietly()).isFalse();
            assertThat(reads(s, 4)).isEqualTo(REPLICAS);
            s.query("INSERT INTO t VALUES (1)");
            assertThat(s.errors()).anySatisfy(e -> assertThat(e).startsWith("1290:"));
        }
    }

    @Test
    void errorOnWriteAnswersWritesWithAnErrorAndKeepsTheSession() {
        try (StatementSession s = open(harness(Map.of("master_failure_mode", "error_on_write")))) {
            script.p.status(0);
            s.fail("p", 2013, "primary gone");
            s.query("INSERT INTO t VALUES (1)");
            assertThat(s.errors()).singleElement().satisfies(e -> assertThat(e).startsWith("2003:"));
            assertThat(s.idle()).isTrue();
            assertThat(reads(s, 2)).isSubsetOf(REPLICAS);
        }
    }

    /** The primary's server is up but closed the idle session (wait_timeout, KILL): the session ends as directly. */
    @Test
    void aPrimaryThatEndsAnIdleSessionEndsItForTheClient() {
        try (StatementSession s = open(harness(Map.of()))) {
            s.fail("p", 2013, "closed by the server");
            assertThat(s.errors()).isEmpty();
            assertThat(s.closedQuietly()).isTrue();
        }
    }

    @Test
    void failInstantlyEndsTheSessionWhenThePrimaryIsLost() {
        try (StatementSession s = open(harness(Map.of("master_failure_mode", "fail_instantly")))) {
            s.fail("p", 2013, "primary gone");
            assertThat(s.errors()).singleElement().satisfies(e -> assertThat(e).startsWith("2013:"));
        }
    }

    @Test
    void aSessionStartsWithoutAPrimaryAndServesReads() {
        script.p.status(0);
        try (StatementSession s = open(harness(Map.of("master_failure_mode", "error_on_write")))) {
            assertThat(s.loggedIn()).isTrue();
            assertThat(s.endpoints().keySet()).isEqualTo(REPLICAS);
            assertThat(reads(s, 4)).isEqualTo(REPLICAS);
            s.query("DELETE FROM t");
            assertThat(s.errors()).singleElement().satisfies(e -> assertThat(e).startsWith("2003:"));
        }
        try (StatementSession s = open(harness(Map.of()))) {
            s.query("DELETE FROM t");
            assertThat(s.errors()).anySatisfy(e -> assertThat(e).startsWith("1290:"));
        }
        script.r1.status(0);
        script.r2.status(0);
        try (StatementSession s = open(harness(Map.of()))) {
            assertThat(s.loggedIn()).isFalse();
            assertThat(s.errors()).singleElement().satisfies(e -> assertThat(e).startsWith("2003:"));
        }
    }

    @Test
    void theRouterCountsWhereStatementsWent() {
        RouterHarness h = harness(Map.of());
        try (StatementSession s = open(h)) {
            route(s, "INSERT INTO t VALUES (1)");
            reads(s, 2);
            route(s, "SET @a = 1");
        }
        Map<String, Object> d = h.router().diagnostics();
        assertThat(d.get("queries")).isEqualTo(4L);
        assertThat(d.get("route_master")).isEqualTo(1L);
        assertThat(d.get("route_slave")).isEqualTo(2L);
        assertThat(d.get("route_all")).isEqualTo(1L);
    }
}
