package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.tests.GatectlRunner.Run;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Global parameters MaxScale changes at runtime, changed with {@code gatectl alter maxscale} (PATCH /v1/maxscale) on
 * one running Gatehouse over the shared cluster and seen in effect through real clients: the write-queue water
 * marks of new connections, host blocking after {@code max_auth_errors_until_block} failures, the statements a
 * session retains and dumps, the periodic account reload, the classifier cache size; each change shows in
 * {@code GET /v1/maxscale} and is persisted. Parameters Gatehouse cannot honour are refused naming them. JUnit
 * thread; blocking clients own no Netty buffers.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamicGlobalsTest {
    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    DynamicGlobalsTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-dynamic-globals");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir));
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        TempDirs.delete(dir);
    }

    private Run ok(String... args) {
        Run r = GatectlRunner.run(gatehouse, args);
        assertThat(r.status()).as("gatectl %s: %s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    /** {@code gatectl alter maxscale key value}, then checks that GET /v1/maxscale and the persisted file show it. */
    private void alter(String key, String value) throws Exception {
        ok("alter", "maxscale", key, value);
        assertThat(ok("api", "get", "maxscale", "data.attributes.parameters." + key).out().strip().replace("\"", ""))
                .as("GET /v1/maxscale shows %s", key).isNotEmpty();
        Path persisted = dir.resolve("maxscale.cnf");
        assertThat(Files.readString(persisted)).as("persisted").contains(key + "=" + value);
    }

    private BlockingClient connect(String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gatehouse.port(listener), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withTimeouts(Duration.ofSeconds(10)).withDatabase(Accounts.DATABASE));
    }

    private static void await(String what, BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!ok.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what).isTrue();
            Thread.sleep(100);
        }
    }

    private ClientSession session(long id) {
        return gatehouse.runtime().sessions().all().stream().filter(s -> s.id() == id).findFirst().orElseThrow();
    }

    @Test
    void writeQueueWaterMarksApplyToConnectionsOpenedAfterTheChange() throws Exception {
        try (BlockingClient before = connect("Write-Listener")) {
            before.query("SELECT 1");
            alter("writeq_high_water", "32Ki");
            alter("writeq_low_water", "2Ki");
            try (BlockingClient after = connect("Write-Listener")) {
                after.query("SELECT 1");
                var ch = session(after.connectionId()).clientChannel().config();
                assertThat(ch.getWriteBufferHighWaterMark()).isEqualTo(32 * 1024);
                assertThat(ch.getWriteBufferLowWaterMark()).isEqualTo(2 * 1024);
                // The session that was open keeps the marks it started with.
                assertThat(session(before.connectionId()).clientChannel().config().getWriteBufferHighWaterMark())
                        .isEqualTo(64 * 1024);
                // Back-pressure with the lowered marks still delivers a result larger than both, whole.
                String big = after.query("SELECT REPEAT('x', 200000)").scalar();
                assertThat(big).hasSize(200_000);
            }
        } finally {
            ok("alter", "maxscale", "writeq_high_water", "64Ki");
            ok("alter", "maxscale", "writeq_low_water", "1024");
        }
    }

    @Test
    void maxAuthErrorsUntilBlockBlocksAHostFromTheNextFailure() throws Exception {
        String from = "127.0.0.31";
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(login(from, "wrong")).as("blocking is off (0)").startsWith("1045");
            }
            alter("max_auth_errors_until_block", "2");
            alter("auth_block_time", "2s");
            assertThat(login(from, "wrong")).startsWith("1045");
            assertThat(login(from, "wrong")).startsWith("1045");
            assertThat(login(from, Accounts.APP_PASSWORD)).as("two failures after the change block the host")
                    .startsWith("1129");
            assertThat(login("127.0.0.1", Accounts.APP_PASSWORD)).as("another host").isEqualTo("ok");
            Thread.sleep(2500);
            assertThat(login(from, Accounts.APP_PASSWORD)).as("the block of auth_block_time=2s is over")
                    .isEqualTo("ok");
        } finally {
            ok("alter", "maxscale", "max_auth_errors_until_block", "0");
            ok("alter", "maxscale", "auth_block_time", "60s");
        }
        assertThat(login(from, Accounts.APP_PASSWORD)).as("0 turns blocking off again").isEqualTo("ok");
    }

    private String login(String from, String password) throws Exception {
        try (RawSession s = RawSession.connect(from, gatehouse.port("Write-Listener"), new byte[0])) {
            String err = s.login(Accounts.APP_USER, password);
            return err == null ? "ok" : err;
        }
    }

    @Test
    void retainAndDumpLastStatementsApplyToNewSessions() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger("io.gatehouse.core.session.ClientSession");
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addAppender(log);
        try {
            try (BlockingClient c = connect("Running-Listener")) {
                c.query("SELECT 'not kept'");
                assertThat(ok("api", "get", "sessions/" + c.connectionId(), "data.attributes.queries").out())
                        .doesNotContain("not kept");
            }
            alter("retain_last_statements", "2");
            alter("dump_last_statements", "on_close");
            long id;
            try (BlockingClient c = connect("Running-Listener")) {
                id = c.connectionId();
                c.query("SELECT 'one'");
                c.query("SELECT 'two'");
                c.query("SELECT 'three'");
                String queries = ok("api", "get", "sessions/" + id, "data.attributes.queries").out();
                assertThat(queries).contains("SELECT 'two'").contains("SELECT 'three'").doesNotContain("'one'");
            }
            await("the statements dumped when the session closed", () -> log.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().equals("Session " + id + ", stmt 2: SELECT 'three'")));
        } finally {
            logger.detachAppender(log);
            logger.setLevel(level);
            ok("alter", "maxscale", "retain_last_statements", "0");
            ok("alter", "maxscale", "dump_last_statements", "never");
        }
    }

    @Test
    void usersRefreshIntervalReloadsAccountsWithoutALogin() throws Exception {
        String user = "dyn_refresh_user";
        cluster.primary().execute("DROP USER IF EXISTS '" + user + "'@'%'");
        try {
            cluster.primary().execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'");
            Thread.sleep(2500);
            assertThat(ok("show", "dbusers", "Write-Service").out()).as("no reload yet").doesNotContain(user);
            alter("users_refresh_interval", "1s");
            await("the periodic reload lists the new account",
                    () -> ok("show", "dbusers", "Write-Service").out().contains(user));
        } finally {
            ok("alter", "maxscale", "users_refresh_interval", "0s");
            cluster.primary().execute("DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    @Test
    void usersRefreshTimeLimitsReloadsAfterABackendRefusal() throws Exception {
        String user = "dyn_refresh_time_user";
        cluster.primary().execute("DROP USER IF EXISTS '" + user + "'@'%'");
        try {
            cluster.primary().execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw';"
                    + " GRANT SELECT ON test.* TO '" + user + "'@'%'");
            // An unknown user makes Gatehouse load the accounts at once, whatever users_refresh_time says.
            assertThat(loginError(user, "pw")).isZero();
            cluster.primary().execute("DROP USER '" + user + "'@'%'");
            // Gatehouse still knows the account: the backend refuses, and the reload it asks for waits 30 s.
            assertThat(loginError(user, "pw")).isEqualTo(1045);
            Thread.sleep(2500);
            assertThat(ok("show", "dbusers", "Write-Service").out()).as("no reload within users_refresh_time")
                    .contains(user);
            alter("users_refresh_time", "0s");
            assertThat(loginError(user, "pw")).isEqualTo(1045);
            await("the refusal reloads the accounts at once",
                    () -> !ok("show", "dbusers", "Write-Service").out().contains(user));
        } finally {
            ok("alter", "maxscale", "users_refresh_time", "30s");
            cluster.primary().execute("DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    @Test
    void skipNameResolveDecidesWhetherHostNameAccountsMatchAfterTheChange() throws Exception {
        String hostName = localHostName();
        org.junit.jupiter.api.Assumptions.assumeTrue(hostName != null, "this machine's name does not resolve to 127.0.0.1");
        String user = "dyn_hn_user";
        try {
            // The name account has no grant on test; the address account has (the backends skip name resolution,
            // so only Gatehouse's own choice of account differs).
            cluster.primary().execute("CREATE USER '" + user + "'@'" + hostName + "' IDENTIFIED BY 'pw';"
                    + " CREATE USER '" + user + "'@'127.0.0.%' IDENTIFIED BY 'pw';"
                    + " GRANT SELECT ON test.* TO '" + user + "'@'127.0.0.%'");
            assertThat(loginError(user, "pw")).as("names resolved: the name account is chosen").isEqualTo(1044);
            alter("skip_name_resolve", "true");
            await("the reload without names lets the address account in", () -> loginError(user, "pw") == 0);
            alter("skip_name_resolve", "false");
            await("names resolved again", () -> loginError(user, "pw") == 1044);
        } finally {
            ok("alter", "maxscale", "skip_name_resolve", "false");
            cluster.primary().execute("DROP USER IF EXISTS '" + user + "'@'" + hostName + "';"
                    + " DROP USER IF EXISTS '" + user + "'@'127.0.0.%'");
        }
    }

    /** This machine's name when it resolves to 127.0.0.1 (and is not localhost), else null. */
    private static String localHostName() {
        try {
            String name = java.net.InetAddress.getLocalHost().getHostName();
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(name)) {
                if (a.getHostAddress().equals("127.0.0.1") && !name.equalsIgnoreCase("localhost")) {
                    return name;
                }
            }
        } catch (java.net.UnknownHostException e) {
            return null;
        }
        return null;
    }

    /** 0 when {@code user} logs in to the test database through Write-Listener, else the error code. */
    private int loginError(String user, String password) {
        try (BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gatehouse.port("Write-Listener"),
                user, password).withTimeouts(Duration.ofSeconds(10)).withDatabase(Accounts.DATABASE))) {
            return 0;
        } catch (io.gatehouse.protocol.client.ServerErrorException e) {
            return e.code();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void queryClassifierCacheSizeResizesEveryWorkersCache() throws Exception {
        String marker = "SELECT 'dyn-qc-marker' AS m";
        try {
            alter("query_classifier_cache_size", "1");
            try (BlockingClient c = connect("Split-Listener")) {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.query(marker).scalar()).isEqualTo("dyn-qc-marker");
                }
            }
            assertThat(ok("--tsv", "show", "qc_cache").out()).as("a one-byte cache keeps nothing")
                    .doesNotContain("dyn-qc-marker");
            assertThat(gatehouse.runtime().services().get("Split-Service").router().diagnostics())
                    .containsEntry("classifier_cache_size", 0L);
            alter("query_classifier_cache_size", "8Mi");
            assertThat(gatehouse.runtime().services().get("Split-Service").router().diagnostics())
                    .containsEntry("classifier_cache_size", 4L << 20);
            try (BlockingClient c = connect("Split-Listener")) {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.query(marker).scalar()).isEqualTo("dyn-qc-marker");
                }
            }
            assertThat(ok("--tsv", "show", "qc_cache").out()).contains(marker);
            // 0 turns the cache off, as in MaxScale (not "the default size").
            alter("query_classifier_cache_size", "0");
            assertThat(gatehouse.runtime().services().get("Split-Service").router().diagnostics())
                    .containsEntry("classifier_cache_size", 0L);
            try (BlockingClient c = connect("Split-Listener")) {
                assertThat(c.query(marker).scalar()).isEqualTo("dyn-qc-marker");
            }
            assertThat(ok("--tsv", "show", "qc_cache").out()).doesNotContain("dyn-qc-marker");
        } finally {
            // The classifier caches are per JVM: give the later tests of this JVM the default size back.
            ok("alter", "maxscale", "query_classifier_cache_size",
                    Long.toString(io.gatehouse.core.worker.ClassifierBudget.defaultTotal()));
        }
    }

    @Test
    void aChangedGlobalIsInEffectAfterARestart() throws Exception {
        try {
            alter("retain_last_statements", "3");
            // A second instance from the same files stands for the restarted one (the ports of this file are free).
            try (Gatehouse restarted = Gatehouse.start(dir.resolve("gatehouse.cnf"))) {
                assertThat(restarted.runtime().global().integer("retain_last_statements")).isEqualTo(3);
                try (BlockingClient c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1",
                        restarted.port("Running-Listener"), Accounts.APP_USER, Accounts.APP_PASSWORD)
                        .withTimeouts(Duration.ofSeconds(10)))) {
                    c.query("SELECT 'kept after restart'");
                    long id = c.connectionId();
                    assertThat(restarted.runtime().sessions().snapshot(id).statements())
                            .extracting(s -> s.sql()).containsExactly("SELECT 'kept after restart'");
                }
            }
        } finally {
            ok("alter", "maxscale", "retain_last_statements", "0");
        }
    }

    @Test
    void whatGatehouseCannotHonourIsRefusedNamingIt() {
        for (String[] kv : new String[][] {{"syslog", "true"}, {"session_trace", "5"}, {"key_manager", "file"},
            {"admin_port", "9999"}}) {
            Run r = GatectlRunner.run(gatehouse, "alter", "maxscale", kv[0], kv[1]);
            assertThat(r.status()).as(kv[0]).isEqualTo(1);
            assertThat(r.err()).as(kv[0]).contains(kv[0]);
        }
        assertThat(ok("api", "get", "maxscale", "data.attributes.parameters.syslog").out().strip()).isEqualTo("false");
    }
}
