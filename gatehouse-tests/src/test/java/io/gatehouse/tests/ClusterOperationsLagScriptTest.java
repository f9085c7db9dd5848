package io.gatehouse.tests;

import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * script_max_replication_lag: a replica held back with MASTER_DELAY falls behind the limit and the monitor script runs
 * with rlag_above for it; once it catches up the script runs with rlag_below. The events mask lists only those two.
 * JUnit thread; no Netty buffers.
 */
class ClusterOperationsLagScriptTest extends ClusterOperationsBaseTest {

    @Test
    void theScriptHearsWhenAReplicaLagsAndWhenItCatchesUp() throws Exception {
        Path scripts = Files.createTempDirectory("gatehouse-lagscript");
        Path out = scripts.resolve("events.txt");
        Path script = scripts.resolve("record.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$1 $2\" >> " + out + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try {
            start("script=" + script + " $EVENT $INITIATOR\nevents=rlag_above,rlag_below\n"
                    + "script_max_replication_lag=2s");
            MariaDbServer primary = cluster.primary();
            MariaDbServer slow = cluster.replicas().get(0);
            slow.execute("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 30; START SLAVE");
            AtomicInteger id = new AtomicInteger();
            String where = ":" + slow.port();
            await(Duration.ofSeconds(30), () -> {
                primary.execute("INSERT INTO test.ops VALUES (" + id.incrementAndGet() + ")");
                return events(out).contains("rlag_above") && events(out).contains(where);
            }, slow.name() + " is reported above the lag limit");
            slow.execute("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE");
            await(Duration.ofSeconds(30), () -> events(out).contains("rlag_below"),
                    slow.name() + " is reported back within the limit");
        } finally {
            TempDirs.delete(scripts);
        }
    }

    private static String events(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
