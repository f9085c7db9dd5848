package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.execute;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ccrfilter through readwritesplit: after a session writes, its reads go to the primary (and see the write) for
 * {@code time} or for the next {@code count} statements, then to replicas again; {@code global} extends a write's
 * window to every session; seen in {@code @@server_id} with Connector/J and the mariadb CLI. readconnroute ignores
 * the hint and keeps working, with Connector/J and the mariadb CLI. {@code global} with {@code count} stops the start. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class CcrFilterTest {
    @Test
    void readsAfterAWriteGoToThePrimaryWithinTime(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String t = Names.unique("ccr");
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=ccrfilter\ntime=60s", "master")) {
            try (Connection c = bed.connect(SPLIT); Connection other = bed.connect(SPLIT)) {
                bed.awaitReplicaRead(c);
                execute(c, "CREATE TABLE " + t + " (id INT PRIMARY KEY)");
                for (int i = 1; i <= 5; i++) {
                    execute(c, "INSERT INTO " + t + " VALUES (" + i + ")");
                    // The read right after the write sees it: it runs on the primary.
                    assertThat(scalar(c, "SELECT CONCAT(@@server_id, ':', COUNT(*)) FROM " + t))
                            .isEqualTo(bed.primaryId() + ":" + i);
                }
                // Another session that did not write still reads from replicas.
                bed.awaitReplicaRead(other);
                execute(c, "DROP TABLE " + t);
            }
            // The CLI: a script that writes, then reads in the same session.
            String t2 = Names.unique("ccr");
            assertThat(bed.cli(SPLIT, "CREATE TABLE " + t2 + " (id INT); INSERT INTO " + t2 + " VALUES (7);"
                    + " SELECT @@server_id, id FROM " + t2 + "; DROP TABLE " + t2))
                    .isEqualTo(bed.primaryId() + "\t7\n");
            // readconnroute routes whole sessions and ignores the filter's routing hints: it keeps its one server
            // (the primary, router_options=master), and the filter does not disturb it.
            long hints = bed.diagnostics().get("hints_added_time").asLong();
            try (Connection c = bed.connect(CONN)) {
                execute(c, "CREATE TEMPORARY TABLE tmp (id INT)");
                execute(c, "INSERT INTO tmp VALUES (1)");
                assertThat(scalar(c, "SELECT CONCAT(@@server_id, ':', COUNT(*)) FROM tmp"))
                        .isEqualTo(bed.primaryId() + ":1");
            }
            assertThat(bed.cli(CONN, "CREATE TEMPORARY TABLE tmp (id INT); INSERT INTO tmp VALUES (3), (4);"
                    + " SELECT @@server_id, SUM(id) FROM tmp")).isEqualTo(bed.primaryId() + "\t7\n");
            // The filter still saw the writes and hinted the reads after them; the router just had no choice.
            assertThat(bed.diagnostics().get("hints_added_time").asLong()).isGreaterThanOrEqualTo(hints + 2);
        }
    }

    @Test
    void countLimitsTheReadsSentToThePrimary(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String t = Names.unique("ccr");
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=ccrfilter\ntime=0s\ncount=2", "master")) {
            try (Connection c = bed.connect(SPLIT)) {
                bed.awaitReplicaRead(c);
                execute(c, "CREATE TABLE " + t + " (id INT)");
                execute(c, "INSERT INTO " + t + " VALUES (1)");
                assertThat(scalar(c, "SELECT @@server_id")).isEqualTo(bed.primaryId());
                assertThat(scalar(c, "SELECT @@server_id")).isEqualTo(bed.primaryId());
                assertThat(scalar(c, "SELECT @@server_id")).isIn(bed.replicaIds());
                assertThat(bed.diagnostics().get("hints_added_count").asLong()).isEqualTo(2);
                // A write that the ignore comment exempts does not start a new window.
                execute(c, "INSERT INTO " + t + " VALUES (2) -- maxscale ccr=ignore");
                assertThat(scalar(c, "SELECT @@server_id")).isIn(bed.replicaIds());
                execute(c, "DROP TABLE " + t);
            }
        }
    }

    @Test
    void globalWindowReachesOtherSessionsAndEnds(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        String t = Names.unique("ccr");
        try (FilterBed bed = FilterBed.start(cluster, dir, "module=ccrfilter\ntime=2s\nglobal=true\nmatch=/INSERT/",
                "master")) {
            try (Connection writer = bed.connect(SPLIT); Connection reader = bed.connect(SPLIT)) {
                bed.awaitReplicaRead(writer);
                execute(writer, "CREATE TABLE " + t + " (id INT)");
                // CREATE does not match 'match': no window.
                bed.awaitReplicaRead(reader);
                assertThat(scalar(writer, "SELECT @@server_id")).isIn(bed.replicaIds());
                long wrote = System.nanoTime();
                execute(writer, "INSERT INTO " + t + " VALUES (1)");
                String seen = scalar(reader, "SELECT @@server_id");
                if (System.nanoTime() - wrote < 1_500_000_000L) {
                    assertThat(seen).isEqualTo(bed.primaryId());
                }
                // Once the window has passed, reads go to replicas again.
                Thread.sleep(Math.max(0, 2_200 - (System.nanoTime() - wrote) / 1_000_000));
                assertThat(scalar(reader, "SELECT @@server_id")).isIn(bed.replicaIds());
                assertThat(scalar(writer, "SELECT @@server_id")).isIn(bed.replicaIds());
                execute(writer, "DROP TABLE " + t);
            }
        }
    }

    @Test
    void badValuesStopTheStartNamingTheParameter(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        FilterBed.assertRefused(cluster, dir, "module=ccrfilter\nglobal=true\ncount=3", "[F] global: 'true'", "count");
        FilterBed.assertRefused(cluster, dir, "module=ccrfilter\ntime=soon", "[F] time: 'soon'");
        FilterBed.assertRefused(cluster, dir, "module=ccrfilter\ncount=-2", "[F] count: '-2'");
        FilterBed.assertRefused(cluster, dir, "module=ccrfilter\nmatch=/(INSERT/", "[F] match");
        FilterBed.assertRefused(cluster, dir, "module=ccrfilter\noptions=case,loud", "[F] options: 'case,loud'");
    }
}
