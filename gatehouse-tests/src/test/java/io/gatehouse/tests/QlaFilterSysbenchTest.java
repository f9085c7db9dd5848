package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qlafilter under sysbench's OLTP read-write load: every statement is logged exactly once. Through
 * readconnroute the count is checked against the primary's own general log (text protocol and prepared statements);
 * through readwritesplit, where session commands reach every backend and the router asks questions of its own,
 * against the queries sysbench reports. Its own Gatehouse in front of the shared cluster. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
@Timeout(600)
class QlaFilterSysbenchTest {
    private static final String QLA = "module=qlafilter\nlog_type=unified\nlog_data=session,command,query\n"
            + "user=" + Accounts.APP_USER + "\n";
    private static final Duration RUN = Duration.ofSeconds(5);

    @Test
    void readConnRouteLogsWhatThePrimaryExecuted(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        MariaDbServer primary = cluster.primary();
        Sysbench direct = new Sysbench(Endpoint.appAccount(primary.host(), primary.port()));
        direct.prepare();
        String output = primary.queryValue("SELECT @@GLOBAL.log_output");
        String general = primary.queryValue("SELECT @@GLOBAL.general_log");
        Path cnf = LogFilterBed.config(cluster, dir, "QLA", QLA + "filebase=" + dir.resolve("qla"), "Write-Service");
        try (Gatehouse gh = Gatehouse.start(cnf)) {
            primary.execute("SET GLOBAL log_output = 'FILE,TABLE'; SET GLOBAL general_log = ON;"
                    + " TRUNCATE TABLE mysql.general_log");
            Sysbench sb = new Sysbench(Endpoint.appAccount("127.0.0.1", gh.port("Write-Listener")));
            long reported = 0;
            for (Sysbench.PsMode mode : Sysbench.PsMode.values()) {
                reported += sb.run(Sysbench.Workload.OLTP_READ_WRITE, mode, 4, RUN, List.of()).queries();
            }
            primary.execute("SET GLOBAL general_log = OFF");
            long executed = Long.parseLong(primary.queryValue("SELECT COUNT(*) FROM mysql.general_log WHERE"
                    + " user_host LIKE '" + Accounts.APP_USER + "[%' AND command_type IN ('Query', 'Prepare', 'Execute')"));
            assertThat(executed).isGreaterThanOrEqualTo(reported);
            List<String> lines = LogFilterBed.awaitLines(dir.resolve("qla.unified"), l -> l.size() - 1 >= executed);
            assertThat(lines.size() - 1L).as("logged statements vs. the primary's general log").isEqualTo(executed);
            assertThat(lines).anyMatch(l -> l.endsWith(",COM_STMT_EXECUTE"))
                    .anyMatch(l -> l.endsWith(",COM_STMT_PREPARE")).anyMatch(l -> l.endsWith(",COM_QUERY"));
        } finally {
            primary.execute("SET GLOBAL general_log = " + general + "; SET GLOBAL log_output = '" + output
                    + "'; TRUNCATE TABLE mysql.general_log");
            direct.cleanup();
        }
    }

    @Test
    void readWriteSplitLogsWhatSysbenchSent(MariaDbCluster cluster, @TempDir Path dir) throws Exception {
        MariaDbServer primary = cluster.primary();
        Sysbench direct = new Sysbench(Endpoint.appAccount(primary.host(), primary.port()));
        direct.prepare();
        Path cnf = LogFilterBed.config(cluster, dir, "QLA", QLA + "filebase=" + dir.resolve("qla"), "Split-Service");
        try (Gatehouse gh = Gatehouse.start(cnf)) {
            Sysbench sb = new Sysbench(Endpoint.appAccount("127.0.0.1", gh.port("Split-Listener")));
            Sysbench.Result r = sb.run(Sysbench.Workload.OLTP_READ_WRITE, Sysbench.PsMode.DISABLE, 4, RUN, List.of());
            assertThat(r.queries()).isPositive();
            // A statement that failed with an error sysbench tolerates (a deadlock, then the transaction is retried)
            // got a reply, so it is logged, but sysbench counts it as an ignored error, not as a query.
            long sent = r.queries() + r.ignoredErrors();
            List<String> lines = LogFilterBed.awaitLines(dir.resolve("qla.unified"), l -> l.size() - 1 >= sent);
            assertThat(lines.size() - 1L).as("logged statements vs. sysbench's queries %d + ignored errors %s",
                    r.queries(), r.ignoredErrorsByCode()).isEqualTo(sent);
        } finally {
            direct.cleanup();
        }
    }
}
