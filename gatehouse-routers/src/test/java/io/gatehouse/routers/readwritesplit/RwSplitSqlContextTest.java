package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.moduletest.TestPackets.STATUS_AUTOCOMMIT;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.ALL;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.PRIMARY;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.open;
import static io.gatehouse.routers.readwritesplit.RwSplitScript.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.moduletest.StatementSession;
import io.gatehouse.moduletest.TestPackets;
import io.gatehouse.sql.Classification;
import io.gatehouse.sql.ClassifierCaches;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * readwritesplit reads each statement with the session's sql_mode and its servers' versions, through the worker's
 * classifier cache: the mode asked at login, changed by SET or reported by session-state tracking, asked again when
 * only the server knows it. Test thread; the harness owns the scripted buffers.
 */
class RwSplitSqlContextTest {
    private static final Set<String> REPLICAS = Set.of("r1", "r2");
    private static final String ANSI_DISGUISE = "SELECT 1 AS \"\\\"; INSERT INTO t VALUES (1) -- \"";
    private static final String NBE_DISGUISE = "SELECT 'a\\'; INSERT INTO t VALUES (1) -- '";
    private static final String ESCAPED_READ = "SELECT a FROM t WHERE b = 'O\\'Brien'";
    private final RwSplitScript script = new RwSplitScript();

    @Test
    void theModeIsAskedAtLoginBeforeTheClientIsLetIn() {
        try (StatementSession s = open(script.harness(Map.of()), "ANSI_QUOTES")) {
            assertThat(s.loggedIn()).isTrue();
            assertThat(s.endpoint("p").received()).containsExactly(SessionSqlContext.MODE_QUERY);
            assertThat(route(s, ANSI_DISGUISE)).isEqualTo(PRIMARY);
            assertThat(REPLICAS).containsAll(route(s, "SELECT \"a\" FROM t"));
        }
        try (StatementSession s = open(script.harness(Map.of()))) {
            assertThat(REPLICAS).containsAll(route(s, ANSI_DISGUISE));
            assertThat(REPLICAS).containsAll(route(s, ESCAPED_READ));
        }
    }

    @Test
    void setStatementsChangeTheModeForTheStatementsAfterThem() {
        try (StatementSession s = open(script.harness(Map.of()))) {
            assertThat(route(s, "SET sql_mode = 'NO_BACKSLASH_ESCAPES'")).isEqualTo(ALL);
            assertThat(route(s, NBE_DISGUISE)).isEqualTo(PRIMARY);
            assertThat(route(s, "SET @@session.sql_mode = ORACLE")).isEqualTo(ALL);
            assertThat(route(s, ANSI_DISGUISE)).isEqualTo(PRIMARY);
            assertThat(REPLICAS).containsAll(route(s, NBE_DISGUISE));
            // a failed SET changes nothing
            s.endpoint("p").answer(TestPackets.error(s.alloc(), 1231, "42000", "bad value"),
                    TestPackets.errorReply(RwSplitScript.QUERY, 1231, "42000", "bad value"));
            route(s, "SET sql_mode = 'NO_SUCH_MODE'");
            assertThat(route(s, ANSI_DISGUISE)).isEqualTo(PRIMARY);
        }
    }

    @Test
    void aValueOnlyTheServerKnowsIsAskedOfItBeforeTheNextCommand() {
        try (StatementSession s = open(script.harness(Map.of()))) {
            s.endpoint("p").answer(TestPackets.ok(s.alloc(), 1, STATUS_AUTOCOMMIT),
                    TestPackets.okReply(RwSplitScript.QUERY, STATUS_AUTOCOMMIT, null));
            RwSplitScript.value(s, "p", "STRICT_TRANS_TABLES,ANSI_QUOTES");
            assertThat(route(s, "SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")).isEqualTo(ALL);
            assertThat(s.endpoint("p").received()).endsWith(SessionSqlContext.MODE_QUERY);
            assertThat(s.idle()).isTrue();
            assertThat(route(s, ANSI_DISGUISE)).isEqualTo(PRIMARY);
            // when the server does not tell, every mode is assumed: the escaped read is unsure, so it goes to the primary
            s.endpoint("p").answer(TestPackets.ok(s.alloc(), 1, STATUS_AUTOCOMMIT),
                    TestPackets.okReply(RwSplitScript.QUERY, STATUS_AUTOCOMMIT, null));
            s.endpoint("p").answer(TestPackets.error(s.alloc(), 1927, "70100", "interrupted"),
                    TestPackets.errorReply(RwSplitScript.QUERY, 1927, "70100", "interrupted"));
            route(s, "SET sql_mode = DEFAULT");
            assertThat(s.idle()).isTrue();
            assertThat(route(s, ESCAPED_READ)).isEqualTo(PRIMARY);
        }
    }

    @Test
    void sessionStateTrackingReportsTheMode() {
        try (StatementSession s = open(script.harness(Map.of()))) {
            byte[] track = sysvar("sql_mode", "NO_BACKSLASH_ESCAPES");
            s.endpoint("p").answer(TestPackets.ok(s.alloc(), 1, STATUS_AUTOCOMMIT | 0x4000),
                    TestPackets.okReply(RwSplitScript.QUERY, STATUS_AUTOCOMMIT | 0x4000, track));
            route(s, "CALL set_mode_for_a_while()");
            assertThat(route(s, NBE_DISGUISE)).isEqualTo(PRIMARY);
        }
        assertThat(SessionSqlState.trackedSqlMode(sysvar("autocommit", "ON"))).isNull();
        assertThat(SessionSqlState.trackedSqlMode(new byte[] {0, 5, 1})).isNull();
    }

    @Test
    void executableCommentsAreReadForTheServersVersion() {
        String versioned = "SELECT 1 /*!101110 FOR UPDATE */";
        try (StatementSession s = open(script.harness(Map.of()))) {
            assertThat(REPLICAS).containsAll(route(s, versioned));
        }
        script.r2.version("10.11.19-MariaDB");
        try (StatementSession s = open(script.harness(Map.of()))) {
            assertThat(route(s, versioned)).isEqualTo(PRIMARY);
        }
        script.r2.version("");
        try (StatementSession s = open(script.harness(Map.of()))) {
            assertThat(route(s, versioned)).isEqualTo(PRIMARY);
            // a server never reached may run any version: even a far-future comment counts
            assertThat(route(s, "SELECT 1 /*!999999 FOR UPDATE */")).isEqualTo(PRIMARY);
            assertThat(REPLICAS).containsAll(route(s, "SELECT 1 /* FOR UPDATE */"));
        }
        assertThat(SessionSqlState.parseVersion("5.5.5-10.11.6-MariaDB-log")).isEqualTo(101106);
        assertThat(SessionSqlState.parseVersion("8.0.36")).isEqualTo(80036);
        assertThat(SessionSqlState.parseVersion("")).isEqualTo(-1);
    }

    @Test
    void theWorkersClassifierCacheServesRepeatedStatements() {
        try (StatementSession s = open(script.harness(Map.of()))) {
            route(s, "SELECT a FROM cached_t WHERE id = 1");
            long hits = ClassifierCaches.current().hits();
            route(s, "SELECT a FROM cached_t WHERE id = 1");
            assertThat(ClassifierCaches.current().hits()).isEqualTo(hits + 1);
        }
    }

    @Test
    void aClassificationAFilterAskedForIsTheOneTheRouterUses() {
        try (StatementSession s = open(script.harness(Map.of()), "ANSI_QUOTES")) {
            Command asked = s.command(TestPackets.query(s.alloc(), ANSI_DISGUISE));
            Classification seen = asked.classification();
            assertThat(asked.classification()).isSameAs(seen);
            long hits = ClassifierCaches.current().hits();
            long misses = ClassifierCaches.current().misses();
            assertThat(RwSplitScript.routeCommand(s, asked)).isEqualTo(PRIMARY);
            // the router read the command's classification: the classifier was not asked again
            assertThat(ClassifierCaches.current().hits()).isEqualTo(hits);
            assertThat(ClassifierCaches.current().misses()).isEqualTo(misses);
        }
    }

    /** Session-state bytes holding one SESSION_TRACK_SYSTEM_VARIABLES entry. */
    private static byte[] sysvar(String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(2 + n.length + v.length);
        out.write(n.length);
        out.writeBytes(n);
        out.write(v.length);
        out.writeBytes(v);
        return out.toByteArray();
    }
}
