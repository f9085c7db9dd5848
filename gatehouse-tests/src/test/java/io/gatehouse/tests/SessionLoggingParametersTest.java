package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.core.session.SessionSnapshot;
import io.gatehouse.core.session.StatementHistory;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Session logging parameters against a real server. retain_last_statements and dump_last_statements: a session keeps
 * its last statements (the global count, or its service's own), shows them with their times in the session view the
 * admin API serves, and logs them when it closes. log_warn_super_user: a login with the SUPER privilege is warned
 * about, others are not. JUnit test thread; blocking clients own no Netty buffers.
 */
class SessionLoggingParametersTest {
    @TempDir
    static Path dir;
    static MariaDbServer server;
    static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        server = MariaDbServer.startStandalone(null, "retain", 93);
        server.execute("CREATE USER 'boss'@'%' IDENTIFIED BY 'bosspw'; GRANT SUPER ON *.* TO 'boss'@'%';"
                + " GRANT SELECT ON test.* TO 'boss'@'%'");
        String svc = "type=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, "[maxscale]\nthreads=1\nadmin_enabled=false\nlogdir=" + dir + "\npiddir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir + "/persist\nretain_last_statements=2\n"
                + "dump_last_statements=on_close\nlog_warn_super_user=true\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + server.port() + "\n\n"
                + "[Global]\n" + svc + "\n"
                + "[Off]\n" + svc + "retain_last_statements=0\n\n"
                + "[G]\ntype=listener\nservice=Global\naddress=127.0.0.1\nport=0\n\n"
                + "[O]\ntype=listener\nservice=Off\naddress=127.0.0.1\nport=0\n");
        gatehouse = Gatehouse.start(file);
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static BlockingClient connect(String listener) throws Exception {
        return connect(listener, Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private static BlockingClient connect(String listener, String user, String password) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gatehouse.port(listener), user, password)
                .withTimeouts(Duration.ofSeconds(10)).withDatabase(Accounts.DATABASE));
    }

    @Test
    void aSuperUserLoginIsWarnedAbout() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger("io.gatehouse.core.session.ClientSession");
        logger.addAppender(log);
        try {
            try (BlockingClient c = connect("O")) {
                c.query("SELECT 1");
            }
            try (BlockingClient c = connect("O", "boss", "bosspw")) {
                c.query("SELECT 1");
            }
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .singleElement().asString().startsWith("Super user boss@127.0.0.1")
                    .endsWith("logged in to service Off");
        } finally {
            logger.detachAppender(log);
        }
    }

    private static SessionSnapshot session(String service) {
        return gatehouse.runtime().sessions().snapshots().stream().filter(s -> s.service().equals(service))
                .findFirst().orElseThrow();
    }

    @Test
    void theLastStatementsAreKeptShownAndDumpedOnClose() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger("io.gatehouse.core.session.ClientSession");
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addAppender(log);
        try {
            long id;
            try (BlockingClient c = connect("G")) {
                c.query("SELECT 1");
                c.query("SELECT 'two'");
                c.query("SELECT 3 + 3");
                SessionSnapshot s = session("Global");
                id = s.id();
                List<StatementHistory.Entry> kept = s.statements();
                assertThat(kept).extracting(StatementHistory.Entry::sql).containsExactly("SELECT 'two'", "SELECT 3 + 3");
                assertThat(kept).allSatisfy(e -> assertThat(e.completedMillis()).isGreaterThanOrEqualTo(e.receivedMillis()));
            }
            for (int i = 0; i < 100 && gatehouse.runtime().sessions().snapshot(id) != null; i++) {
                Thread.sleep(50);
            }
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).contains(
                    "Session " + id + ", stmt 1: SELECT 'two'", "Session " + id + ", stmt 2: SELECT 3 + 3");

            try (BlockingClient c = connect("O")) {
                c.query("SELECT 1");
                assertThat(session("Off").statements()).isEmpty();
            }
        } finally {
            logger.detachAppender(log);
            logger.setLevel(level);
        }
    }
}
