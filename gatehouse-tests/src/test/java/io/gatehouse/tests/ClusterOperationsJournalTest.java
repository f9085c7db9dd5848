package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mariadbmon journal on real servers: it is written under the configured {@code datadir} (in a directory named
 * after the monitor), and an event whose name holds a quote, a backquote and a newline survives a Gatehouse restart
 * with the primary down: the failover that follows enables exactly that event on the new primary. JUnit thread;
 * no Netty buffers.
 */
class ClusterOperationsJournalTest extends ClusterOperationsBaseTest {
    private static final String NAME_SQL = "CONCAT('ev''x', CHAR(10), '`y')";

    @Test
    void journalLivesInTheDatadirAndKeepsOddEventNamesWhole() throws Exception {
        start("handle_events=true\nauto_failover=false");
        MariaDbServer primary = cluster.primary();
        primary.execute("CREATE EVENT test.`ev'x\n``y` ON SCHEDULE EVERY 1 DAY DO DO 1");
        cluster.awaitReplication(Duration.ofSeconds(20));
        Path journal = dir.resolve(MONITOR).resolve("mariadbmon.journal");
        await(Duration.ofSeconds(10), () -> Files.isRegularFile(journal) && read(journal).contains("ev'x"),
                "the journal under the datadir names the event");

        gatehouse.close();
        primary.kill();
        gatehouse = Gatehouse.start(dir.resolve("gatehouse.cnf"));
        await(Duration.ofSeconds(10), () -> !ServerStatus.has(status(primary), ServerStatus.RUNNING),
                "the monitor sees the primary down");
        Object result = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (result == null) {
            try {
                result = monitor().call("failover", List.of());
            } catch (IllegalStateException e) {
                // Refused while the monitor still counts the primary's failures.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        MariaDbServer chosen = isMaster(cluster.replicas().get(0)) ? cluster.replicas().get(0) : cluster.replicas().get(1);
        assertThat(isMaster(chosen)).as("failover result %s", result).isTrue();
        assertThat(chosen.queryValue("SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'test'"
                + " AND EVENT_NAME = " + NAME_SQL)).isEqualTo("ENABLED");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
