package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.tests.GatectlRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * maxctrl's maintenance verbs in gatectl against a running Gatehouse on the shared cluster: {@code rotate logs}
 * reopens the log file after it was moved away (a file appender like the one the daemon installs is added for the
 * test), {@code alter logging} changes the logging parameters and refuses others, {@code show dbusers} lists the
 * accounts the service loaded, and {@code start}/{@code stop} (one helper behind both) still act on one object or
 * a whole collection. gatectl runs in this JVM on the JUnit thread.
 */
@ExtendWith(GatehouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatectlMaintenanceVerbsTest {
    private final MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    GatectlMaintenanceVerbsTest(MariaDbCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-gatectl-maintenance");
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

    private Run gatectl(String... args) {
        return GatectlRunner.run(gatehouse, args);
    }

    private Run ok(String... args) {
        Run r = gatectl(args);
        assertThat(r.status()).as("gatectl %s: %s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    @Test
    void rotateLogsReopensTheFileAfterItWasMoved() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Path log = dir.resolve("rotated.log");
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(ctx);
        file.setName("rotation-test-file");
        file.setFile(log.toString());
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%msg%n");
        enc.start();
        file.setEncoder(enc);
        file.start();
        root.addAppender(file);
        try {
            org.slf4j.Logger logger = LoggerFactory.getLogger("io.gatehouse.tests.Rotation");
            logger.warn("before rotation");
            Path moved = dir.resolve("rotated.log.1");
            Files.move(log, moved);
            assertThat(ok("rotate", "logs").out()).isEqualTo("OK\n");
            logger.warn("after rotation");
            assertThat(log).as("a new file at the configured path").exists();
            assertThat(Files.readString(log)).contains("after rotation").doesNotContain("before rotation");
            assertThat(Files.readString(moved)).contains("before rotation").doesNotContain("after rotation");
        } finally {
            root.detachAppender(file);
            file.stop();
        }
    }

    @Test
    void alterLoggingChangesTheLoggingParametersOnly() {
        ok("alter", "logging", "log_info", "true");
        try {
            assertThat(ok("api", "get", "maxscale/logs", "data.attributes.log_priorities").out()).contains("\"info\"");
        } finally {
            ok("alter", "logging", "log_info", "false");
        }
        assertThat(ok("api", "get", "maxscale/logs", "data.attributes.log_priorities").out())
                .doesNotContain("\"info\"");
        Run other = gatectl("alter", "logging", "users_refresh_time", "10s");
        assertThat(other.status()).isEqualTo(1);
        assertThat(other.err()).contains("users_refresh_time").contains("logging parameter");
    }

    @Test
    void enableAndDisableLogPriorityAsMaxctrl() {
        assertThat(ok("enable", "log-priority", "info").out()).isEqualTo("OK\n");
        try {
            assertThat(ok("api", "get", "maxscale/logs", "data.attributes.log_priorities").out()).contains("\"info\"");
            assertThat(ok("api", "get", "maxscale", "data.attributes.parameters.log_info").out().strip())
                    .isEqualTo("true");
        } finally {
            assertThat(ok("disable", "log-priority", "info").out()).isEqualTo("OK\n");
        }
        assertThat(ok("api", "get", "maxscale/logs", "data.attributes.log_priorities").out())
                .doesNotContain("\"info\"");
        Run bad = gatectl("enable", "log-priority", "loud");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("loud").contains("info, notice, warning, debug");
    }

    @Test
    void showDbusersListsTheAccountsTheServiceLoaded() {
        String out = ok("show", "dbusers", "Write-Service").out();
        assertThat(out).contains("User").contains("Host").contains("Plugin")
                .contains(Accounts.APP_USER).contains(Accounts.SERVICE_USER);
        String tsv = ok("--tsv", "show", "dbusers", "Write-Service").out();
        assertThat(tsv.lines()).anyMatch(l -> l.startsWith(Accounts.APP_USER + "\t"));
        Run missing = gatectl("show", "dbusers", "No-Such-Service");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("No-Such-Service");
    }

    @Test
    void alterSessionFiltersRefusesAnUnknownFilterAsMaxScaleDoes() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", gatehouse.port("Write-Listener"), new byte[0])) {
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
            String id = ok("api", "get", "sessions", "data[0].id").out().trim().replace("\"", "");
            Run r = gatectl("alter", "session-filters", id, "SomeFilter");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).contains("Not a valid filter: SomeFilter");
            assertThat(s.scalar("SELECT 'still serving'")).isEqualTo("still serving");
        }
    }

    @Test
    void showQcCacheListsTheStatementsTheWorkersClassified() throws Exception {
        String marker = "SELECT 'qc-cache-marker' AS m";
        try (RawSession s = RawSession.connect("127.0.0.1", gatehouse.port("Split-Listener"), new byte[0])) {
            assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
            for (int i = 0; i < 3; i++) {
                assertThat(s.scalar(marker)).isEqualTo("qc-cache-marker");
            }
        }
        String out = ok("--tsv", "show", "qc_cache").out();
        String line = out.lines().filter(l -> l.startsWith(marker + "\t")).findFirst().orElseThrow(
                () -> new AssertionError("no row for the statement in:\n" + out));
        String[] cols = line.split("\t");
        assertThat(Long.parseLong(cols[1])).as("lookups answered from the cache").isGreaterThanOrEqualTo(1);
        assertThat(cols[2]).contains("QUERY_TYPE_READ");
    }

    @Test
    void startAndStopActOnOneObjectOrAWholeCollection() {
        ok("stop", "monitor", "Cluster-Monitor");
        assertThat(ok("api", "get", "monitors/Cluster-Monitor", "data.attributes.state").out().trim())
                .isEqualTo("\"Stopped\"");
        ok("start", "monitors");
        assertThat(ok("api", "get", "monitors/Cluster-Monitor", "data.attributes.state").out().trim())
                .isEqualTo("\"Running\"");
        ok("stop", "service", "Read-Service");
        assertThat(ok("api", "get", "services/Read-Service", "data.attributes.state").out().trim())
                .isEqualTo("\"Stopped\"");
        ok("start", "maxscale");
        assertThat(ok("api", "get", "services", "data[].attributes.state").out()).doesNotContain("Stopped");
    }
}
