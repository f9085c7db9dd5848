package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.cli.Gatectl;
import io.gatehouse.core.server.Server;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Open sessions follow what happens to their servers (issue 14): a replica put in maintenance, drained, or no longer
 * replicating stops serving readwritesplit's reads at the next read and its connections close (the session goes on
 * with the other replica); {@code gatectl set server X maintenance --force} (the REST API's
 * {@code PUT /v1/servers/X/set?state=maintenance&force=yes}) closes the server's connections at once, moving
 * readwritesplit sessions off it and ending readconnroute sessions on it; a readconnroute session whose server no
 * longer matches {@code router_options} ends at its next statement with an error; draining lets existing
 * readconnroute sessions go on while new ones go elsewhere. Real cluster (primary, two replicas), raw protocol
 * clients and gatectl, on the JUnit thread; the clients own no Netty buffers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerStateFollowTest {
    private MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        cluster = MariaDbCluster.start(null, 2);
        dir = Files.createTempDirectory("gatehouse-state-follow");
        Path cnf = dir.resolve("gatehouse.cnf");
        // Reads must go where the test expects at once, not wait on the primary for causal reads.
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir).replace("causal_reads=universal\n", ""));
        gatehouse = Gatehouse.start(cnf);
        for (MariaDbServer r : cluster.replicas()) {
            await(() -> ServerStatus.has(server(r).status(), ServerStatus.SLAVE), r.name() + " seen as a replica");
        }
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        TempDirs.delete(dir);
    }

    /** Every test leaves the servers as it found them, even when it fails. */
    @AfterEach
    void restore() throws Exception {
        for (MariaDbServer r : cluster.replicas()) {
            gatectl("clear", "server", r.name(), "maintenance");
            gatectl("clear", "server", r.name(), "drain");
            r.execute("START SLAVE");
            await(() -> ServerStatus.has(server(r).status(), ServerStatus.SLAVE), r.name() + " a replica again");
        }
    }

    private Server server(MariaDbServer s) {
        return gatehouse.runtime().servers().get(s.name());
    }

    private String gatectl(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--timeout", "30000", "--hosts",
                "127.0.0.1:" + gatehouse.admin().port()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gatectl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(status).as(err.toString()).isZero();
        return out.toString();
    }

    private RawSession raw(String listener) throws Exception {
        RawSession s = RawSession.connect("127.0.0.1", gatehouse.port(listener), new byte[0]);
        s.readTimeout(20_000);
        assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
        return s;
    }

    /** The replica whose server_id is {@code id}. */
    private MariaDbServer byId(String id) {
        for (MariaDbServer s : cluster.servers()) {
            if (String.valueOf(s.serverId()).equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no server has server_id " + id);
    }

    /** The client connections of the test's account the server has (Gatehouse's connections for sessions). */
    private static int appConnections(MariaDbServer s) {
        return Integer.parseInt(s.queryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                + Accounts.APP_USER + "'"));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The server ids a few reads of a readwritesplit session ran on. */
    private static Set<String> readIds(RawSession s, int reads) throws IOException {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < reads; i++) {
            ids.add(s.scalar("SELECT @@server_id"));
        }
        return ids;
    }

    /** What the next statement of a session gets: its answer, "ERR code message", or "closed". */
    private static String next(RawSession s, String sql) {
        try {
            s.send(sql);
            byte[] p = s.read();
            return (p[0] & 0xFF) == 0xFF ? "ERR " + RawSession.error(p) : "answer";
        } catch (IOException e) {
            return "closed";
        }
    }

    private String replicaIds() {
        return cluster.replicas().get(0).serverId() + "," + cluster.replicas().get(1).serverId();
    }

    @Test
    void readwritesplitStopsReadingFromAReplicaInMaintenanceAndClosesItsConnection() throws Exception {
        MariaDbServer r1 = cluster.replicas().get(0);
        MariaDbServer r2 = cluster.replicas().get(1);
        try (RawSession s = raw("Split-Listener")) {
            assertThat(readIds(s, 8)).as("reads share the replicas " + replicaIds())
                    .containsExactlyInAnyOrder(String.valueOf(r1.serverId()), String.valueOf(r2.serverId()));
            gatectl("set", "server", r1.name(), "maintenance");
            assertThat(readIds(s, 8)).containsExactly(String.valueOf(r2.serverId()));
            // Its connection was closed at the first read after the change, not left open.
            await(() -> appConnections(r1) == 0, r1.name() + " has no connection of the session");
            gatectl("clear", "server", r1.name(), "maintenance");
            // A replacement joins once the replica is usable again, and reads use it.
            await(() -> {
                try {
                    return readIds(s, 4).contains(String.valueOf(r1.serverId()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "reads use " + r1.name() + " again");
        }
    }

    @Test
    void forcedMaintenanceMovesReadwritesplitSessionsOffTheReplicaAtOnce() throws Exception {
        MariaDbServer r1 = cluster.replicas().get(0);
        MariaDbServer r2 = cluster.replicas().get(1);
        try (RawSession s = raw("Split-Listener")) {
            readIds(s, 4);
            assertThat(appConnections(r1)).isPositive();
            assertThat(gatectl("set", "server", r1.name(), "maintenance", "--force")).isEqualTo("OK\n");
            // Closed without waiting for a statement of the session.
            await(() -> appConnections(r1) == 0, r1.name() + " has no connection left");
            assertThat(readIds(s, 6)).containsExactly(String.valueOf(r2.serverId()));
            assertThat(s.scalar("SELECT 5")).isEqualTo("5");
        }
    }

    @Test
    void forcedMaintenanceEndsReadconnrouteSessionsOnTheServer() throws Exception {
        try (RawSession s = raw("Read-Listener")) {
            MariaDbServer on = byId(s.scalar("SELECT @@server_id"));
            gatectl("set", "server", on.name(), "maintenance", "--force");
            await(() -> appConnections(on) == 0, on.name() + " has no connection left");
            assertThat(next(s, "SELECT 1")).isEqualTo("closed");
        }
        try (RawSession other = raw("Read-Listener")) {
            assertThat(other.scalar("SELECT 2")).isEqualTo("2");
        }
    }

    @Test
    void aReadconnrouteSessionEndsAtItsNextStatementWhenItsServerGoesIntoMaintenance() throws Exception {
        try (RawSession s = raw("Read-Listener"); RawSession untouched = raw("Write-Listener")) {
            MariaDbServer on = byId(s.scalar("SELECT @@server_id"));
            MariaDbServer other = on == cluster.replicas().get(0) ? cluster.replicas().get(1) : cluster.replicas().get(0);
            gatectl("set", "server", on.name(), "maintenance");
            assertThat(next(s, "SELECT 1")).startsWith("ERR 1927 Lost connection to backend server: Server '"
                    + on.name() + "' no longer matches");
            assertThat(s.closedByServer()).isTrue();
            try (RawSession fresh = raw("Read-Listener")) {
                assertThat(fresh.scalar("SELECT @@server_id")).isEqualTo(String.valueOf(other.serverId()));
            }
            assertThat(untouched.scalar("SELECT 3")).isEqualTo("3");
        }
    }

    @Test
    void aReadconnrouteSessionEndsWhenItsReplicaStopsReplicating() throws Exception {
        try (RawSession s = raw("Read-Listener")) {
            MariaDbServer on = byId(s.scalar("SELECT @@server_id"));
            on.execute("STOP SLAVE");
            await(() -> !ServerStatus.has(server(on).status(), ServerStatus.SLAVE), on.name() + " loses Slave");
            assertThat(next(s, "SELECT 1")).startsWith("ERR 1927");
            assertThat(s.closedByServer()).isTrue();
        }
    }

    @Test
    void readwritesplitLeavesAReplicaThatStopsReplicating() throws Exception {
        MariaDbServer r1 = cluster.replicas().get(0);
        MariaDbServer r2 = cluster.replicas().get(1);
        try (RawSession s = raw("Split-Listener")) {
            readIds(s, 6);
            r1.execute("STOP SLAVE");
            await(() -> !ServerStatus.has(server(r1).status(), ServerStatus.SLAVE), r1.name() + " loses Slave");
            assertThat(readIds(s, 8)).containsExactly(String.valueOf(r2.serverId()));
            await(() -> appConnections(r1) == 0, r1.name() + " has no connection of the session");
        }
    }

    @Test
    void drainingKeepsReadconnrouteSessionsAndSendsNewOnesAndReadsElsewhere() throws Exception {
        try (RawSession s = raw("Read-Listener"); RawSession split = raw("Split-Listener")) {
            String id = s.scalar("SELECT @@server_id");
            MariaDbServer on = byId(id);
            MariaDbServer other = on == cluster.replicas().get(0) ? cluster.replicas().get(1) : cluster.replicas().get(0);
            readIds(split, 4);
            gatectl("set", "server", on.name(), "drain");
            assertThat(ServerStatus.describe(server(on).status())).contains("Draining");
            for (int i = 0; i < 3; i++) {
                assertThat(s.scalar("SELECT @@server_id")).as("the session goes on where it was").isEqualTo(id);
            }
            try (RawSession fresh = raw("Read-Listener")) {
                assertThat(fresh.scalar("SELECT @@server_id")).isEqualTo(String.valueOf(other.serverId()));
            }
            assertThat(readIds(split, 6)).containsExactly(String.valueOf(other.serverId()));
        }
    }
}
