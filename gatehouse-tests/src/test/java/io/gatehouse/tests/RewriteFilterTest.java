package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The rewritefilter through readwritesplit and readconnroute: an application's wrong statements (a string id
 * compared where the table has a numeric one, a renamed table) are fixed by native and regex templates, from an rf
 * and a JSON template file, for Connector/J (text and server-side prepared statements) and the mariadb CLI;
 * log_replacement logs each rewrite; a broken template file stops the start naming its line. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class RewriteFilterTest {
    @Test
    void templatesFromAnRfFileFixStatementsOnBothRouters(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String t = Names.unique("rw");
        cluster.primary().execute("CREATE TABLE " + Accounts.DATABASE + "." + t
                + " (id INT PRIMARY KEY, zip VARCHAR(10))");
        cluster.primary().execute("INSERT INTO " + Accounts.DATABASE + "." + t + " VALUES (1234, 'Z-1234'), (7, 'Z-7')");
        cluster.awaitReplication(Duration.ofSeconds(20));
        Path rf = dir.resolve("fix.rf");
        Files.writeString(rf, """
                # The application compares a string id; the table's id is a number.
                %%
                case_sensitive: false
                %
                @{1:^}select zip from @{2} where str_id = "@{3:[[:digit:]]+}"
                %
                select zip from @{2} where id = @{3}

                # The application still uses the table's old name.
                %%
                regex_grammar: EPosix
                %
                old_zip_table
                %
                TABLE
                """.replace("TABLE", t));
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=rewritefilter\ntemplate_file=" + rf
                + "\nlog_replacement=true", "master")) {
            ListAppender<ILoggingEvent> log = new ListAppender<>();
            log.start();
            Logger logger = (Logger) LoggerFactory.getLogger("io.gatehouse.filters.rewritefilter.RewriteFilter");
            logger.addAppender(log);
            try {
                for (String listener : new String[] {SPLIT, CONN}) {
                    try (Connection c = bed.connect(listener)) {
                        assertThat(scalar(c, "SELECT zip FROM " + t + " WHERE str_id = \"1234\"")).isEqualTo("Z-1234");
                        assertThat(scalar(c, "select   zip\nfrom " + t + " where str_id=\"7\"")).isEqualTo("Z-7");
                        assertThat(scalar(c, "SELECT COUNT(*) FROM old_zip_table")).isEqualTo("2");
                    }
                    // Server-side prepared statements are rewritten before they are prepared.
                    try (Connection p = DriverManager.getConnection(bed.url(listener) + "?useServerPrepStmts=true",
                            Accounts.APP_USER, Accounts.APP_PASSWORD);
                         PreparedStatement ps = p.prepareStatement("SELECT zip FROM old_zip_table WHERE id = ?")) {
                        ps.setInt(1, 7);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getString(1)).isEqualTo("Z-7");
                        }
                    }
                    assertThat(bed.cli(listener, "select zip from " + t + " where str_id = \"1234\""))
                            .isEqualTo("Z-1234\n");
                    assertThat(bed.cli(listener, "SELECT zip FROM old_zip_table ORDER BY id")).isEqualTo("Z-7\nZ-1234\n");
                }
                List<String> lines;
                synchronized (log) {
                    lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
                }
                assertThat(lines).contains("F: rewrote [SELECT COUNT(*) FROM old_zip_table] to [SELECT COUNT(*) FROM "
                        + t + "]");
            } finally {
                logger.detachAppender(log);
            }
            assertThat(bed.diagnostics().path("templates").asInt()).isEqualTo(2);
            assertThat(bed.diagnostics().path("rewritten").asLong()).isGreaterThanOrEqualTo(12);
        } finally {
            cluster.primary().execute("DROP TABLE " + Accounts.DATABASE + "." + t);
        }
    }

    @Test
    void aJsonTemplateFileWorksTheSame(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path json = dir.resolve("fix.json");
        Files.writeString(json, """
                { "templates": [
                    { "match_template": "@{1:^}select legacy_version()",
                      "replace_template": "select concat('v', 42)" },
                    { "regex_grammar": "ECMAScript", "case_sensitive": false,
                      "match_template": "\\\\bnvl\\\\(", "replace_template": "IFNULL(" }
                ] }
                """);
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=rewritefilter\ntemplate_file=" + json, "slave")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                try (Connection c = bed.connect(listener)) {
                    assertThat(scalar(c, "select legacy_version()")).isEqualTo("v42");
                    assertThat(scalar(c, "SELECT NVL(NULL, 'x'), nvl(2, 3)")).isEqualTo("x");
                }
                assertThat(bed.cli(listener, "SELECT NVL(NULL, 'cli'), Nvl(1, 0)")).isEqualTo("cli\t1\n");
                // A native template matches from its start anchor on: other text before it means no match.
                Subprocess.Output other = bed.cliRun(listener, "select 1, legacy_version()");
                assertThat(other.exitCode()).isNotZero();
                assertThat(other.stderr()).contains("legacy_version");
            }
        }
    }

    @Test
    void aBrokenTemplateFileStopsTheStartNamingItsLine(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        Path rf = dir.resolve("broken.rf");
        Files.writeString(rf, "%%\n%\nselect @{1}\n%\nselect @{2}\n");
        FilterBed.assertRefused(cluster, dir, "module=rewritefilter\ntemplate_file=" + rf,
                "[F] template_file: '" + rf + "'", "broken.rf:1", "@{2}");
        FilterBed.assertRefused(cluster, dir, "module=rewritefilter", "[F] template_file");
        Path ok = dir.resolve("ok.rf");
        Files.writeString(ok, "%%\n%\na\n%\nb\n");
        FilterBed.assertRefused(cluster, dir, "module=rewritefilter\ntemplate_file=" + ok + "\nregex_grammar=PCRE",
                "[F] regex_grammar: 'PCRE'");
    }
}
