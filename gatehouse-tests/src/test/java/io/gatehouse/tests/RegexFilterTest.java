package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.execute;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regexfilter through readwritesplit and readconnroute: MySQL 5.1's {@code TYPE=} table option, which MariaDB no
 * longer parses, is rewritten to {@code ENGINE=} so the old statement works, with Connector/J (text and server-side
 * prepared statements) and the mariadb CLI; the log file records each statement; {@code source} limits the filter; bad
 * values stop the start. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class RegexFilterTest {
    @Test
    void oldTableTypeSyntaxIsRewrittenOnBothRouters(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path log = dir.resolve("regex.log");
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=regexfilter\nmatch=/TYPE\\s*=\\s*(\\w+)/\n"
                + "replace=ENGINE=$1\nlog_trace=true\nlog_file=" + log, "master")) {
            ListAppender<ILoggingEvent> trace = new ListAppender<>();
            trace.start();
            Logger logger = (Logger) LoggerFactory.getLogger("io.gatehouse.filters.regexfilter.RegexFilter");
            logger.addAppender(trace);
            Level level = logger.getLevel();
            logger.setLevel(Level.DEBUG);
            try {
                for (String listener : new String[] {SPLIT, CONN}) {
                    String t = Names.unique("rx");
                    try (Connection c = bed.connect(listener)) {
                        execute(c, "CREATE TABLE " + t + " (a INT) TYPE = Aria");
                        assertThat(cluster.primary().queryValue("SELECT ENGINE FROM information_schema.TABLES"
                                + " WHERE TABLE_SCHEMA = '" + Accounts.DATABASE + "' AND TABLE_NAME = '" + t + "'"))
                                .isEqualTo("Aria");
                        // The default options=ignorecase: lower case matches too, and every match is replaced.
                        assertThat(scalar(c, "SELECT CONCAT('type=a', ' / ', 'Type = b')")).isEqualTo("ENGINE=a / ENGINE=b");
                        // A server-side prepared statement is rewritten before it is prepared.
                        try (Connection p = DriverManager.getConnection(bed.url(listener) + "?useServerPrepStmts=true",
                                Accounts.APP_USER, Accounts.APP_PASSWORD);
                             PreparedStatement ps = p.prepareStatement("SELECT CONCAT(?, 'type=x')")) {
                            ps.setString(1, "got ");
                            try (ResultSet rs = ps.executeQuery()) {
                                assertThat(rs.next()).isTrue();
                                assertThat(rs.getString(1)).isEqualTo("got ENGINE=x");
                            }
                        }
                        execute(c, "DROP TABLE " + t);
                    }
                    assertThat(bed.cli(listener, "SELECT 'TYPE=cli'")).isEqualTo("ENGINE=cli\n");
                }
                // Every statement is logged: matched ones with their replacement, the others as they were.
                awaitLogContains(log, "Matched TYPE\\s*=\\s*(\\w+): [SELECT 'TYPE=cli'] -> [SELECT 'ENGINE=cli']");
                awaitLogContains(log, "No match TYPE\\s*=\\s*(\\w+): [");
                // log_trace: the same lines in Gatehouse's own log, at MaxScale's info level.
                List<ILoggingEvent> traced;
                synchronized (trace) {             // appends happen on worker threads, under this lock
                    traced = List.copyOf(trace.list);
                }
                assertThat(traced).extracting(ILoggingEvent::getFormattedMessage)
                        .contains("F: Matched TYPE\\s*=\\s*(\\w+): [SELECT 'TYPE=cli'] -> [SELECT 'ENGINE=cli']");
            } finally {
                logger.detachAppender(trace);
                logger.setLevel(level);
            }
        }
    }

    @Test
    void sessionsFromOtherSourcesAreLeftAlone(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=regexfilter\nmatch=/TYPE\\s*=/\nreplace=ENGINE=\n"
                + "source=192.0.2.%,10.1.2.3", "master")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                try (Connection c = bed.connect(listener)) {
                    assertThat(scalar(c, "SELECT 'TYPE=a'")).isEqualTo("TYPE=a");
                }
                assertThat(bed.cli(listener, "SELECT 'TYPE=a'")).isEqualTo("TYPE=a\n");
            }
        }
    }

    @Test
    void badValuesStopTheStartNamingTheParameter(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        FilterBed.assertRefused(cluster, dir, "module=regexfilter\nmatch=/(TYPE/\nreplace=x", "[F] match", "(TYPE");
        FilterBed.assertRefused(cluster, dir, "module=regexfilter\nmatch=/(TYPE)/\nreplace=$2", "[F] replace: '$2'",
                "not 2");
        FilterBed.assertRefused(cluster, dir, "module=regexfilter\nmatch=/a/", "[F] replace: missing");
        FilterBed.assertRefused(cluster, dir, "module=regexfilter\nmatch=/a/\nreplace=b\noptions=nocase",
                "[F] options: 'nocase'");
        FilterBed.assertRefused(cluster, dir, "module=regexfilter\nmatch=/a/\nreplace=b\nsource=app.example.com",
                "[F] source: 'app.example.com'", "host names");
        FilterBed.assertRefused(cluster, dir, "module=regexfilter\nmatch=/a/\nreplace=b\nlog_trace=maybe",
                "[F] log_trace: 'maybe'");
    }

    private static void awaitLogContains(Path log, String text) throws Exception {
        // The file is written by the filter's own thread, a moment after the statement.
        long deadline = System.nanoTime() + 10_000_000_000L;
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (content.contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(content).contains(text);
    }
}
