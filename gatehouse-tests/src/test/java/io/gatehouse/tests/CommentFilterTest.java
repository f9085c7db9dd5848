package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.execute;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comment filter through readwritesplit and readconnroute: the server sees each statement with the configured
 * comment in front, {@code $IP} replaced by the client's address, in its process list (Connector/J, mariadb CLI) and
 * in its general log; an unquoted value stops the start. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class CommentFilterTest {
    private static final String OWN_STATEMENT = "SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()";

    @Test
    void serverSeesTheCommentWithTheClientAddress(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String expected = "/* from=127.0.0.1 app=billing */" + OWN_STATEMENT;
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=comment\ninject=\"from=$IP app=billing\"",
                "slave")) {
            for (String listener : new String[] {SPLIT, CONN}) {
                try (Connection c = bed.connect(listener)) {
                    assertThat(scalar(c, OWN_STATEMENT)).isEqualTo(expected);
                }
                assertThat(bed.cli(listener, OWN_STATEMENT)).isEqualTo(expected + "\n");
            }
            // A write through readwritesplit reaches the primary with its comment, as its general log shows.
            MariaDbServer primary = cluster.primary();
            String t = Names.unique("cm");
            primary.setGeneralLog(true);
            try (Connection c = bed.connect(SPLIT)) {
                execute(c, "CREATE TABLE " + t + " (a INT)");
                execute(c, "INSERT INTO " + t + " VALUES (42)");
                execute(c, "DROP TABLE " + t);
            } finally {
                primary.setGeneralLog(false);
            }
            assertThat(Files.readString(primary.generalLog(), StandardCharsets.UTF_8))
                    .contains("/* from=127.0.0.1 app=billing */INSERT INTO " + t + " VALUES (42)");
        }
    }

    @Test
    void badValuesStopTheStartNamingTheParameter(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        FilterBed.assertRefused(cluster, dir, "module=comment\ninject=from=$IP", "[F] inject: 'from=$IP'", "quotes");
        FilterBed.assertRefused(cluster, dir, "module=comment\ninject=\"a */ DROP TABLE x; /* b\"", "[F] inject:",
                "*/");
        FilterBed.assertRefused(cluster, dir, "module=comment", "[F] inject: missing");
    }
}
