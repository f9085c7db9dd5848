package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every {@code causal_reads} mode against a real cluster whose replicas are held back: a root session on each replica
 * holds {@code LOCK TABLES causal_t READ}, so the replication SQL thread (still running, so the monitor keeps the
 * replica a Slave) cannot apply writes to the table while reads of it still run. Waiting modes must return the new
 * row from a replica once the lock goes (a second later), fast modes from the primary at once (their timeout is an
 * hour, so a wait would outlast the client's 20 s timeout), and {@code none} shows the lag is real. Text protocol
 * through the blocking client, binary protocol through Connector/J with {@code useServerPrepStmts=true}. JUnit test
 * thread plus one thread that releases the locks; no Netty buffers.
 */
@ExtendWith(MariaDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CausalReadsTest {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final String[][] SERVICES = {
            {"None", "none", "10s"}, {"Local", "local", "10s"}, {"Global", "global", "10s"},
            {"Universal", "universal", "10s"}, {"Fast", "fast", "3600s"}, {"FastGlobal", "fast_global", "3600s"},
            {"FastUniversal", "fast_universal", "3600s"}, {"Timeout", "local", "1s"}, {"Bool", "true", "10s"}};
    private MariaDbCluster cluster;
    private Gatehouse gh;
    private Path dir;
    private String primaryId;
    private Set<String> replicaIds;

    @BeforeAll
    void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-causal");
        StringBuilder sb = new StringBuilder(GatehouseExtension.config(c, dir));
        for (String[] s : SERVICES) {
            sb.append("\n[").append(s[0]).append("-Service]\ntype=service\nrouter=readwritesplit\ncausal_reads=")
                    .append(s[1]).append("\ncausal_reads_timeout=").append(s[2])
                    .append("\ncluster=Cluster-Monitor\nuser=").append(Accounts.SERVICE_USER).append("\npassword=")
                    .append(Accounts.SERVICE_PASSWORD).append("\n\n[").append(s[0])
                    .append("-Listener]\ntype=listener\nservice=").append(s[0])
                    .append("-Service\naddress=127.0.0.1\nport=0\n");
        }
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, sb.toString());
        gh = Gatehouse.start(file);
        primaryId = String.valueOf(c.primary().serverId());
        replicaIds = c.replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                .collect(Collectors.toSet());
        c.primary().execute("CREATE TABLE IF NOT EXISTS " + Accounts.DATABASE
                + ".causal_t (id INT PRIMARY KEY, v INT)");
    }

    @AfterAll
    void stop() {
        if (gh != null) {
            gh.close();
        }
        TempDirs.delete(dir);
    }

    @BeforeEach
    void caughtUp() {
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    private BlockingClient connect(String service) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port(service + "-Listener"), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(20)));
    }

    /** The replicas' SQL threads cannot apply writes to causal_t until the returned handle is closed. */
    private Locks lockReplicas() throws Exception {
        Locks locks = new Locks();
        for (MariaDbServer r : cluster.replicas()) {
            Connection conn = DriverManager.getConnection(r.jdbcUrl(), Accounts.ROOT_USER, Accounts.ROOT_PASSWORD);
            locks.conns.add(conn);
            try (Statement st = conn.createStatement()) {
                st.execute("LOCK TABLES causal_t READ");
            }
        }
        return locks;
    }

    /** Table locks on the replicas; closing ends them (also from the releasing thread). */
    private static final class Locks implements AutoCloseable {
        final List<Connection> conns = new ArrayList<>();

        /** Releases the locks after {@code millis}, on another thread, while the test's read is under way. */
        void releaseAfter(long millis) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                close();
            }, "causal-unlock");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public synchronized void close() {
            for (Connection c : conns) {
                try (c) {
                    try (Statement st = c.createStatement()) {
                        st.execute("UNLOCK TABLES");
                    }
                } catch (Exception e) {
                    // Closing the connection ends the lock too.
                }
            }
            conns.clear();
        }
    }

    /** v and the server of the row with {@code id}, read through {@code c}; v is null when the row is missing. */
    private static List<String> read(BlockingClient c, int id) throws Exception {
        var rows = c.query("SELECT (SELECT v FROM causal_t WHERE id = " + id + "), @@server_id").rows();
        return rows.get(0);
    }

    /** A write through {@code writer}, then a read through {@code reader} while the replicas are held back. */
    private List<String> writeThenRead(BlockingClient writer, BlockingClient reader, long releaseAfterMillis)
            throws Exception {
        int id = IDS.incrementAndGet();
        try (Locks locks = lockReplicas()) {
            writer.execute("INSERT INTO causal_t VALUES (" + id + ", " + (id * 10) + ")");
            if (releaseAfterMillis > 0) {
                locks.releaseAfter(releaseAfterMillis);
            }
            List<String> row = read(reader, id);
            assertThat(row.get(0)).as("the row written just before, read on server %s", row.get(1))
                    .isEqualTo(String.valueOf(id * 10));
            return row;
        }
    }

    @Test
    void withoutCausalReadsTheHeldBackReplicaLacksTheRow() throws Exception {
        int id = IDS.incrementAndGet();
        try (BlockingClient c = connect("None"); Locks locks = lockReplicas()) {
            c.execute("INSERT INTO causal_t VALUES (" + id + ", 1)");
            List<String> row = read(c, id);
            assertThat(row.get(1)).isIn(replicaIds);
            assertThat(row.get(0)).as("the lag is real").isNull();
        }
    }

    @Test
    void waitingModesReadTheSessionsWriteOnAReplica() throws Exception {
        for (String service : List.of("Local", "Global", "Universal", "Bool")) {
            try (BlockingClient c = connect(service)) {
                assertThat(writeThenRead(c, c, 1000).get(1)).as(service).isIn(replicaIds);
            }
        }
    }

    @Test
    void fastModesSendTheReadToThePrimaryWithoutWaiting() throws Exception {
        for (String service : List.of("Fast", "FastGlobal", "FastUniversal")) {
            try (BlockingClient c = connect(service)) {
                assertThat(writeThenRead(c, c, 0).get(1)).as(service).isEqualTo(primaryId);
            }
        }
    }

    @Test
    void fastModesUseReplicasOnceTheMonitorSawThemCatchUp() throws Exception {
        for (String service : List.of("Fast", "FastGlobal", "FastUniversal")) {
            try (BlockingClient c = connect(service)) {
                int id = IDS.incrementAndGet();
                c.execute("INSERT INTO causal_t VALUES (" + id + ", 5)");
                String server = primaryId;
                for (int i = 0; i < 100 && server.equals(primaryId); i++) {
                    List<String> row = read(c, id);
                    assertThat(row.get(0)).isEqualTo("5");
                    server = row.get(1);
                    Thread.sleep(100);
                }
                assertThat(server).as(service + ": a replica serves once the monitor saw it has the write")
                        .isIn(replicaIds);
            }
        }
    }

    @Test
    void serviceWideModesShowOneSessionsWriteToAnother() throws Exception {
        try (BlockingClient a = connect("Global"); BlockingClient b = connect("Global")) {
            assertThat(writeThenRead(a, b, 1000).get(1)).isIn(replicaIds);
        }
        try (BlockingClient a = connect("FastGlobal"); BlockingClient b = connect("FastGlobal")) {
            assertThat(writeThenRead(a, b, 0).get(1)).isEqualTo(primaryId);
        }
        // A transaction's GTID exists at its COMMIT: that is what the other session waits for.
        int id = IDS.incrementAndGet();
        try (BlockingClient a = connect("Global"); BlockingClient b = connect("Global"); Locks locks = lockReplicas()) {
            a.execute("BEGIN");
            a.execute("INSERT INTO causal_t VALUES (" + id + ", 8)");
            a.execute("COMMIT");
            locks.releaseAfter(1000);
            List<String> row = read(b, id);
            assertThat(row.get(0)).isEqualTo("8");
            assertThat(row.get(1)).isIn(replicaIds);
        }
    }

    @Test
    void universalModesSeeCommitsMadeOutsideGatehouse() throws Exception {
        for (String service : List.of("Universal", "FastUniversal")) {
            int id = IDS.incrementAndGet();
            try (BlockingClient c = connect(service); Locks locks = lockReplicas()) {
                cluster.primary().execute("INSERT INTO " + Accounts.DATABASE + ".causal_t VALUES (" + id + ", 7)");
                if (service.equals("Universal")) {
                    locks.releaseAfter(1000);
                }
                List<String> row = read(c, id);
                assertThat(row.get(0)).as(service).isEqualTo("7");
                assertThat(row.get(1)).as(service).isIn(service.equals("Universal") ? replicaIds : Set.of(primaryId));
            }
        }
    }

    @Test
    void aReplicaThatDoesNotCatchUpInTimeLeavesTheReadToThePrimary() throws Exception {
        try (BlockingClient c = connect("Timeout")) {
            assertThat(writeThenRead(c, c, 0).get(1)).isEqualTo(primaryId);
        }
    }

    @Test
    void readOnlyTransactionsStartOnceTheirReplicaHasTheWrites() throws Exception {
        for (String service : List.of("Local", "Fast")) {
            int id = IDS.incrementAndGet();
            try (BlockingClient c = connect(service); Locks locks = lockReplicas()) {
                c.execute("INSERT INTO causal_t VALUES (" + id + ", 4)");
                if (service.equals("Local")) {
                    locks.releaseAfter(1000);
                }
                c.execute("START TRANSACTION READ ONLY");
                List<String> row = read(c, id);
                List<String> again = read(c, id);
                c.execute("COMMIT");
                assertThat(row.get(0)).as(service).isEqualTo("4");
                assertThat(row.get(1)).as(service).isIn(service.equals("Local") ? replicaIds : Set.of(primaryId));
                assertThat(again.get(1)).as("the whole transaction on one server").isEqualTo(row.get(1));
            }
        }
    }

    @Test
    void aReadOnlyTransactionWhoseReplicaDoesNotCatchUpFailsWithError1792() throws Exception {
        int id = IDS.incrementAndGet();
        try (BlockingClient c = connect("Timeout"); Locks locks = lockReplicas()) {
            c.execute("INSERT INTO causal_t VALUES (" + id + ", 4)");
            assertThatThrownBy(() -> c.execute("START TRANSACTION READ ONLY"))
                    .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                        assertThat(e.code()).isEqualTo(1792);
                        assertThat(e.getMessage()).contains("Causal read timed out");
                    });
            locks.close();
            // The session goes on: the next read sees the write.
            assertThat(read(c, id).get(0)).isEqualTo("4");
        }
    }

    @Test
    void preparedStatementsGetTheSameGuarantees() throws Exception {
        for (String service : List.of("Local", "Global", "Fast", "FastGlobal")) {
            String url = "jdbc:mariadb://127.0.0.1:" + gh.port(service + "-Listener") + "/" + Accounts.DATABASE
                    + "?useServerPrepStmts=true&socketTimeout=20000";
            boolean fast = service.startsWith("Fast");
            try (Connection conn = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
                 PreparedStatement ps = conn.prepareStatement(
                         "SELECT (SELECT v FROM causal_t WHERE id = ?), @@server_id")) {
                int id = IDS.incrementAndGet();
                try (Locks locks = lockReplicas(); Statement st = conn.createStatement()) {
                    st.execute("INSERT INTO causal_t VALUES (" + id + ", 3)");
                    if (!fast) {
                        locks.releaseAfter(1000);
                    }
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).as(service).isEqualTo("3");
                        assertThat(rs.getString(2)).as(service).isIn(fast ? Set.of(primaryId) : replicaIds);
                    }
                }
            }
        }
    }

    @Test
    void resetGtidForgetsTheServicePosition() throws Exception {
        try (BlockingClient c = connect("Global")) {
            c.execute("INSERT INTO causal_t VALUES (" + IDS.incrementAndGet() + ", 1)");
        }
        var router = gh.runtime().services().get("Global-Service").router();
        assertThat((String) router.diagnostics().get("causal_reads_gtid")).isNotEmpty();
        assertThat(gatectl("call", "command", "readwritesplit", "reset-gtid", "Global-Service")).isZero();
        assertThat((String) router.diagnostics().get("causal_reads_gtid")).isEmpty();
        assertThat(gatectl("call", "command", "readwritesplit", "reset-gtid", "Global-Service", "extra"))
                .as("an unexpected argument is refused").isNotZero();
        assertThat(gatectl("call", "command", "readwritesplit", "no-such-command", "Global-Service")).isNotZero();
        // Reads still see new writes after the reset.
        try (BlockingClient a = connect("Global"); BlockingClient b = connect("Global")) {
            assertThat(writeThenRead(a, b, 1000).get(1)).isIn(replicaIds);
        }
    }

    private int gatectl(String... args) {
        List<String> all = new ArrayList<>(List.of("--timeout", "30000", "--hosts",
                "127.0.0.1:" + gh.admin().port()));
        all.addAll(List.of(args));
        return Gatectl.run(all.toArray(String[]::new), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
    }
}
