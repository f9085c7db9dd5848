package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes disguised by the session's sql_mode (ANSI_QUOTES, NO_BACKSLASH_ESCAPES, ORACLE) or by an executable comment
 * for the backend's version still reach the primary through readwritesplit: each statement below reads as a plain
 * SELECT to a lexer that assumes the default mode or an older server, and runs a write on the real server. Replicas
 * are read-only for the application user, so a disguised write sent to one fails with 1290; the test asserts the
 * write happened on the primary (or the statement reports the primary's {@code @@server_id}). JUnit test thread;
 * blocking clients, no Netty buffers.
 */
@ExtendWith(GatehouseExtension.class)
class ReadWriteSplitSqlModeTest {
    /** With ANSI_QUOTES {@code "\"} is the identifier {@code \}; without, the string runs to the last quote. */
    private static final String ANSI_DISGUISE = "SELECT 1 AS \"\\\"; INSERT INTO rws_mode (tag) VALUES ('%s') -- \"";
    /** With NO_BACKSLASH_ESCAPES {@code 'a\'} is a whole string; without, the string runs to the last quote. */
    private static final String NBE_DISGUISE = "SELECT 'a\\'; INSERT INTO rws_mode (tag) VALUES ('%s') -- '";

    private final GatehouseExtension.RunningGatehouse gh;
    private final MariaDbServer primary;
    private final String primaryId;
    private final Set<String> replicaIds;

    ReadWriteSplitSqlModeTest(GatehouseExtension.RunningGatehouse gh) {
        this.gh = gh;
        this.primary = gh.cluster().primary();
        this.primaryId = String.valueOf(primary.serverId());
        this.replicaIds = gh.cluster().replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                .collect(Collectors.toSet());
    }

    @BeforeEach
    void replicasAreReadOnly() throws Exception {
        for (MariaDbServer r : gh.cluster().replicas()) {
            r.execute("SET GLOBAL read_only = ON");
        }
        try (BlockingClient c = connect()) {
            c.execute("CREATE TABLE IF NOT EXISTS rws_mode (id INT PRIMARY KEY AUTO_INCREMENT, tag VARCHAR(40))");
        }
    }

    private BlockingClient connect() throws Exception {
        Endpoint e = gh.split();
        return BlockingClient.connect(ClientOptions.tcp(e.host(), e.port(), e.user(), e.password())
                .withDatabase(e.database()).withTimeouts(Duration.ofSeconds(20)));
    }

    private long rowsOnPrimary(String tag) {
        return Long.parseLong(primary.queryValue("SELECT COUNT(*) FROM " + Accounts.DATABASE
                + ".rws_mode WHERE tag = '" + tag + "'"));
    }

    private static String tag(String what) {
        return what + "-" + System.nanoTime();
    }

    @Test
    void underAnsiQuotesADoubleQuotedNameHidesNoWrite() throws Exception {
        try (BlockingClient c = connect()) {
            String before = tag("default");
            // In the default mode the whole tail is a string: a harmless read, served by a replica.
            c.queryAll(String.format(ANSI_DISGUISE, before));
            assertThat(rowsOnPrimary(before)).isZero();
            c.execute("SET sql_mode = 'ANSI_QUOTES'");
            // The very same bytes now hold an INSERT: a classification cached for the default mode must not serve.
            String ansi = tag("ansi");
            c.queryAll(String.format(ANSI_DISGUISE, ansi));
            assertThat(rowsOnPrimary(ansi)).isEqualTo(1);
            assertThat(c.query("SELECT @@server_id AS \"sid\"").scalar()).isIn(replicaIds);
        }
    }

    @Test
    void withNoBackslashEscapesABackslashDoesNotHideAWrite() throws Exception {
        try (BlockingClient c = connect()) {
            assertThat(c.query("SELECT @@server_id, 'O\\'Brien'").rows().get(0).get(0)).isIn(replicaIds);
            c.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES'");
            String nbe = tag("nbe");
            c.queryAll(String.format(NBE_DISGUISE, nbe));
            assertThat(rowsOnPrimary(nbe)).isEqualTo(1);
            assertThat(c.query("SELECT @@server_id, 'a\\'").rows().get(0).get(0)).isIn(replicaIds);
        }
    }

    @Test
    void oracleModeQuotesNamesWithDoubleQuotes() throws Exception {
        try (BlockingClient c = connect()) {
            c.execute("SET @@sql_mode = ORACLE");
            String oracle = tag("oracle");
            c.queryAll(String.format(ANSI_DISGUISE, oracle));
            assertThat(rowsOnPrimary(oracle)).isEqualTo(1);
        }
    }

    @Test
    void aModeOnlyTheServerCanWorkOutIsAskedOfIt() throws Exception {
        try (BlockingClient c = connect()) {
            c.execute("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
            String computed = tag("computed");
            c.queryAll(String.format(ANSI_DISGUISE, computed));
            assertThat(rowsOnPrimary(computed)).isEqualTo(1);
            c.execute("SET sql_mode = DEFAULT");
            String back = tag("back");
            c.queryAll(String.format(ANSI_DISGUISE, back));
            assertThat(rowsOnPrimary(back)).isZero();
        }
    }

    @Test
    void theModeAtLoginIsTheServersDefault() throws Exception {
        String saved = primary.queryValue("SELECT @@GLOBAL.sql_mode");
        try {
            for (MariaDbServer s : gh.cluster().servers()) {
                s.execute("SET GLOBAL sql_mode = 'ANSI_QUOTES'");
            }
            try (BlockingClient c = connect()) {
                assertThat(c.query("SELECT @@sql_mode").scalar()).isEqualTo("ANSI_QUOTES");
                String login = tag("login");
                c.queryAll(String.format(ANSI_DISGUISE, login));
                assertThat(rowsOnPrimary(login)).isEqualTo(1);
            }
        } finally {
            for (MariaDbServer s : gh.cluster().servers()) {
                s.execute("SET GLOBAL sql_mode = '" + saved + "'");
            }
        }
    }

    @Test
    void executableCommentsCountByTheBackendsVersion() throws Exception {
        String version = versionNumber(primary.queryValue("SELECT VERSION()"));
        try (BlockingClient c = connect()) {
            var lock = c.query("SELECT @@server_id /*!" + version + " , GET_LOCK('rws_mode', 0) */").rows().get(0);
            assertThat(lock.get(0)).isEqualTo(primaryId);
            assertThat(lock.get(1)).isEqualTo("1");
            assertThat(c.query("SELECT @@server_id /*M!" + version + " , RELEASE_LOCK('rws_mode') */").rows()
                    .get(0).get(0)).isEqualTo(primaryId);
            assertThat(c.query("SELECT @@server_id /*!" + version + " FOR UPDATE */").scalar())
                    .isEqualTo(primaryId);
            // a comment for a later server is a comment
            assertThat(c.query("SELECT @@server_id /*!999999 , GET_LOCK('rws_mode', 0) */").scalar())
                    .isIn(replicaIds);
        }
    }

    /** {@code 10.11.19-MariaDB-0+deb12u1} as {@code 101119}, the form executable comments use. */
    private static String versionNumber(String version) {
        String[] parts = version.split("[.-]");
        return String.format("%d%02d%02d", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                Integer.parseInt(parts[2]));
    }
}
