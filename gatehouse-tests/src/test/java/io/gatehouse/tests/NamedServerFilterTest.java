package io.gatehouse.tests;

import static io.gatehouse.tests.FilterBed.CONN;
import static io.gatehouse.tests.FilterBed.SPLIT;
import static io.gatehouse.tests.FilterBed.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namedserverfilter: through readwritesplit, statements matching a pattern go to the named server, to the
 * primary ({@code ->master}) or to a replica ({@code ->slave}), seen in {@code @@server_id}, with Connector/J and the
 * mariadb CLI; readconnroute ignores the hints and keeps its session's server, as MaxScale's does; a target that is
 * not a server stops the start. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class NamedServerFilterTest {
    @Test
    void matchingStatementsGoWhereTheirTargetSays(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        MariaDbServer second = cluster.replicas().get(1);
        String secondId = String.valueOf(second.serverId());
        String section = "module=namedserverfilter\nmatch01=/'to-second'/\ntarget01=" + second.name()
                + "\nmatch02=/'to-primary'/\ntarget02=->master\nmatch03=/'to-replica'/\ntarget03=->slave\n"
                + "match05=/'everywhere'/\ntarget05=->all\nsource=127.0.0.1\nuser=app";
        try (FilterBed bed = FilterBed.start(cluster, dir, section, "slave")) {
            try (Connection c = bed.connect(SPLIT)) {
                bed.awaitReplicaRead(c);
                for (int i = 0; i < 4; i++) {
                    assertThat(scalar(c, "SELECT @@server_id, 'to-second'")).isEqualTo(secondId);
                    assertThat(scalar(c, "SELECT @@server_id, 'TO-PRIMARY'")).isEqualTo(bed.primaryId());
                    assertThat(scalar(c, "SELECT @@server_id, 'to-replica'")).isIn(bed.replicaIds());
                }
                // readwritesplit does not run a statement on every server: ->all leaves it to the usual rules.
                assertThat(scalar(c, "SELECT @@server_id, 'everywhere'")).isIn(bed.replicaIds());
                assertThat(scalar(c, "SELECT @@server_id")).isIn(bed.replicaIds());
            }
            assertThat(bed.cli(SPLIT, "SELECT @@server_id, 'to-primary'")).isEqualTo(bed.primaryId() + "\tto-primary\n");
            assertThat(bed.cli(SPLIT, "SELECT @@server_id, 'to-second'")).isEqualTo(secondId + "\tto-second\n");

            // readconnroute picks one server per session and ignores routing hints.
            try (Connection c = bed.connect(CONN)) {
                String own = scalar(c, "SELECT @@server_id");
                assertThat(own).isIn(bed.replicaIds());
                assertThat(scalar(c, "SELECT @@server_id, 'to-primary'")).isEqualTo(own);
            }
            assertThat(bed.cli(CONN, "SELECT @@server_id, 'to-primary'")).doesNotContain(bed.primaryId() + "\t");
            // Diagnostics in the REST API, as MaxScale names them.
            var diagnostics = bed.diagnostics();
            assertThat(diagnostics.get("queries_diverted").asLong()).isGreaterThanOrEqualTo(17);
            assertThat(diagnostics.get("queries_undiverted").asLong()).isPositive();
            assertThat(diagnostics.at("/mappings/0/targets/0").asText()).isEqualTo(second.name());
        }
    }

    @Test
    void badTargetsStopTheStartNamingTheParameter(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        FilterBed.assertRefused(cluster, dir, "module=namedserverfilter\nmatch01=/x/\ntarget01=no-such-server",
                "[F] target01: 'no-such-server'", "not a server");
        FilterBed.assertRefused(cluster, dir, "module=namedserverfilter\nmatch01=/x/\ntarget01=Split-Service",
                "[F] target01: 'Split-Service'", "is a service");
        FilterBed.assertRefused(cluster, dir, "module=namedserverfilter\nmatch01=/x/",
                "[F] match01: '/x/' (expected: together with target01)");
        FilterBed.assertRefused(cluster, dir, "module=namedserverfilter\nmatch01=/x/\ntarget01=->primary",
                "[F] target01: '->primary'");
        FilterBed.assertRefused(cluster, dir, "module=namedserverfilter\nmatch26=/x/\ntarget26=->master",
                "[F] match26");
        FilterBed.assertRefused(cluster, dir, "module=namedserverfilter\nmatch01=/x/\ntarget01=->master\n"
                + "source=%", "[F] source: '%'");
    }
}
