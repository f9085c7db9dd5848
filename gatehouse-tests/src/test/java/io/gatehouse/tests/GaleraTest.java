package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.GaleraCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * galeramon over a real three-node Galera cluster behind Gatehouse: all nodes Synced with exactly one Master,
 * readwritesplit (MariaDB Connector/J) writing on the Master and reading elsewhere, readconnroute
 * {@code router_options=synced}, a node desynced by FLUSH TABLES WITH READ LOCK shown as Donor and left out by both
 * routers (the state, wsrep_local_state 2, a state-transfer donor is in), and a
 * SIGKILLed Master replaced while clients write; then that node rejoins by a full state transfer, whose donor (held
 * in the Donor state by a table lock its dump waits for) gets no sessions unless {@code available_when_donor}. One
 * cluster for the class, in that order. JUnit test thread plus writer threads of the kill test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GaleraTest {
    private static GaleraCluster cluster;
    private static Gatehouse gh;
    @TempDir
    static Path dir;

    @BeforeAll
    static void startClusterAndGatehouse() throws Exception {
        cluster = GaleraCluster.start(3);
        StringBuilder sb = new StringBuilder("[maxscale]\nthreads=2\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=")
                .append(dir.resolve("log")).append("\npiddir=").append(dir).append("\ndatadir=").append(dir)
                .append("\npersistdir=").append(dir).append("\n\n");
        List<String> names = new ArrayList<>();
        for (MariaDbServer n : cluster.nodes()) {
            sb.append('[').append(n.name()).append("]\ntype=server\naddress=127.0.0.1\nport=").append(n.port())
                    .append("\n\n");
            names.add(n.name());
        }
        String common = "\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
        sb.append("[Galera-Monitor]\ntype=monitor\nmodule=galeramon\nservers=").append(String.join(",", names))
                .append(common).append("monitor_interval=300ms\nbackend_connect_timeout=1s\nbackend_read_timeout=2s\n")
                .append("set_donor_nodes=true\n\n");
        sb.append("[Split-Service]\ntype=service\nrouter=readwritesplit\ncluster=Galera-Monitor").append(common)
                .append("\n[Split-Listener]\ntype=listener\nservice=Split-Service\naddress=127.0.0.1\nport=0\n\n");
        sb.append("[Synced-Service]\ntype=service\nrouter=readconnroute\nrouter_options=synced\ncluster=Galera-Monitor")
                .append(common).append("\n[Synced-Listener]\ntype=listener\nservice=Synced-Service\n")
                .append("address=127.0.0.1\nport=0\n\n");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, sb.toString());
        gh = Gatehouse.start(cnf);
        awaitStates("one Master and all Synced", s -> s.values().stream().filter(v -> v.startsWith("Master")).count() == 1
                && s.values().stream().allMatch(v -> v.contains("Synced")));
    }

    @AfterAll
    static void stopAll() {
        if (gh != null) {
            gh.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void allNodesSyncedAndTheLowestLocalIndexIsTheOneMaster() {
        Map<String, String> states = states();
        String master = masterName();
        assertThat(states.values()).filteredOn(v -> v.equals("Slave, Synced, Running")).hasSize(2);
        assertThat(states.get(master)).isEqualTo("Master, Synced, Running");
        assertThat(GaleraCluster.status(cluster.node(master), "wsrep_local_index")).isEqualTo("0");
        // Each node's last event is its role's, and its uptime the node's own status variable as last read.
        for (MariaDbServer n : cluster.nodes()) {
            io.gatehouse.api.server.ServerState st = gh.runtime().servers().get(n.name()).state();
            assertThat(st.lastEvent()).as(n.name()).isIn(n.name().equals(master) ? Set.of("master_up", "new_master")
                    : Set.of("slave_up", "new_slave"));
            assertThat(st.triggeredAt()).isPositive().isLessThanOrEqualTo(System.currentTimeMillis());
            long own = Long.parseLong(GaleraCluster.status(n, "Uptime"));
            assertThat(st.uptime()).as(n.name() + " uptime").isBetween(own - 3, own);
        }
        // The journal (for disable_master_failback across restarts) is in the monitor's directory under datadir.
        Path journal = dir.resolve("Galera-Monitor").resolve("galeramon.journal");
        assertThat(journal).isRegularFile();
        assertThat(journal).content().contains("master=" + master);
        // set_donor_nodes: every node prefers the Slaves as donors and the Master last.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String donors = "";
        while (!donors.contains(",") && System.nanoTime() < deadline) {
            donors = String.valueOf(cluster.node(master).queryValue("SELECT @@wsrep_sst_donor"));
            sleep(100);
        }
        assertThat(donors.split(",")).hasSize(3).endsWith(master);
    }

    @Test
    @Order(2)
    void readWriteSplitWritesOnTheMasterAndReadsOnASlave() throws Exception {
        MariaDbServer master = cluster.node(masterName());
        try (Connection c = connect("Split-Listener"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS galera_writes (id INT AUTO_INCREMENT PRIMARY KEY, writer INT)");
            st.execute("INSERT INTO galera_writes (writer) VALUES (@@server_id)");
            Set<String> readers = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                readers.add(scalar(st, "SELECT @@server_id"));
            }
            assertThat(readers).doesNotContain(String.valueOf(master.serverId()));
            assertThat(scalar(st, "SELECT COUNT(*) FROM galera_writes WHERE writer = " + master.serverId()))
                    .isNotEqualTo("0");
        }
    }

    @Test
    @Order(3)
    void readConnRouteSyncedSpreadsOverSyncedNodes() throws Exception {
        assertThat(syncedSessionServers()).containsExactlyInAnyOrder("1", "2", "3");
    }

    /** The servers six concurrent readconnroute synced sessions land on (it balances by connection count). */
    private static Set<String> syncedSessionServers() throws SQLException {
        Set<String> seen = new HashSet<>();
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Connection c = connect("Synced-Listener");
                open.add(c);
                try (Statement st = c.createStatement()) {
                    seen.add(scalar(st, "SELECT @@server_id"));
                }
            }
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        return seen;
    }

    @Test
    @Order(4)
    void aDesyncedNodeIsDonorAndGetsNoSyncedSessions() throws Exception {
        String master = masterName();
        MariaDbServer donor = cluster.nodes().stream().filter(n -> !n.name().equals(master)).findFirst().orElseThrow();
        try (Connection lock = DriverManager.getConnection(donor.jdbcUrl(), Accounts.ROOT_USER, Accounts.ROOT_PASSWORD);
             Statement st = lock.createStatement()) {
            // FTWRL desyncs a Galera node (wsrep_local_state 2, Donor/Desynced) as a backup tool does.
            st.execute("FLUSH TABLES WITH READ LOCK");
            awaitStates(donor.name() + " Donor", s -> s.get(donor.name()).equals("Donor, Running"));
            assertThat(gh.runtime().servers().get(donor.name()).state().lastEvent()).isEqualTo("lost_slave");
            assertThat(syncedSessionServers()).hasSize(2).doesNotContain(String.valueOf(donor.serverId()));
            // readwritesplit leaves it out too: its reads go to the other Slave.
            try (Connection c = connect("Split-Listener"); Statement reads = c.createStatement()) {
                for (int i = 0; i < 6; i++) {
                    assertThat(scalar(reads, "SELECT @@server_id")).isNotEqualTo(String.valueOf(donor.serverId()));
                }
            }
            assertThat(gatectl("--tsv", "list", "servers")).contains("Donor, Running");

            // available_when_donor, changed at runtime: the donor is a usable member again, Donor bit kept.
            gatectl("alter", "monitor", "Galera-Monitor", "available_when_donor", "true");
            awaitStates(donor.name() + " usable as donor",
                    s -> s.get(donor.name()).equals("Slave, Synced, Donor, Running"));
            assertThat(syncedSessionServers()).as("readconnroute synced uses the donor with available_when_donor")
                    .contains(String.valueOf(donor.serverId()));
            gatectl("alter", "monitor", "Galera-Monitor", "available_when_donor", "false");
            st.execute("UNLOCK TABLES");
            awaitStates(donor.name() + " Synced again", s -> s.get(donor.name()).equals("Slave, Synced, Running"));
            assertThat(gh.runtime().servers().get(donor.name()).state().lastEvent()).isEqualTo("new_slave");
        }
    }

    private static String gatectl(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--hosts";
        all[1] = "127.0.0.1:" + gh.admin().port();
        System.arraycopy(args, 0, all, 2, args.length);
        int rc = io.gatehouse.cli.Gatectl.run(all, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertThat(rc).as("gatectl " + String.join(" ", args) + ": " + err).isZero();
        return out.toString();
    }

    @Test
    @Order(5)
    void aKilledMasterIsReplacedAndWritesCarryOn() throws Exception {
        String oldMaster = masterName();
        try (Connection c = connect("Split-Listener"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS galera_load (id INT AUTO_INCREMENT PRIMARY KEY, writer INT)");
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong afterKill = new AtomicLong();
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread t = new Thread(() -> {
                Connection c = null;
                while (!stop.get()) {
                    try {
                        if (c == null) {
                            c = connect("Split-Listener");
                        }
                        try (Statement st = c.createStatement()) {
                            st.execute("INSERT INTO galera_load (writer) VALUES (@@server_id)");
                        }
                        if (killed.get()) {
                            afterKill.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        // The statement running at the kill may fail (no transaction_replay): reconnect and go on.
                        closeQuietly(c);
                        c = null;
                        sleep(50);
                    }
                }
                closeQuietly(c);
            }, "galera-writer-" + w);
            t.start();
            writers.add(t);
        }
        try {
            sleep(500);
            cluster.node(oldMaster).kill();
            killed.set(true);
            awaitStates("a new Master", s -> s.get(oldMaster).equals("Down")
                    && s.values().stream().filter(v -> v.equals("Master, Synced, Running")).count() == 1);
            String newMaster = masterName();
            assertThat(newMaster).isNotEqualTo(oldMaster);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (afterKill.get() < 20 && System.nanoTime() < deadline) {
                sleep(100);
            }
            assertThat(afterKill.get()).as("writes that succeeded after the kill").isGreaterThanOrEqualTo(20);
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(10_000);
            }
        }
        String newMaster = masterName();
        try (Connection c = connect("Split-Listener"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO galera_load (writer) VALUES (@@server_id + 1000)");
        }
        // Asked of the new Master itself: a read through the router may go to another node, which applies the
        // write a moment later (Galera certifies at once but applies asynchronously without wsrep_sync_wait).
        assertThat(String.valueOf(cluster.node(newMaster).queryValue("SELECT COUNT(*) FROM " + Accounts.DATABASE
                + ".galera_load WHERE writer = " + (cluster.node(newMaster).serverId() + 1000))))
                .as("the write after the failover ran on the new Master").isEqualTo("1");
    }

    @Test
    @Order(6)
    void aDonorDuringAStateTransferGetsNoSessionsUnlessAvailableWhenDonor() throws Exception {
        MariaDbServer joiner = cluster.nodes().stream().filter(n -> !n.isRunning()).findFirst().orElseThrow();
        List<MariaDbServer> members = cluster.nodes().stream().filter(MariaDbServer::isRunning).toList();
        try (Connection c = connect("Split-Listener"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS sst_block (id INT PRIMARY KEY)");
            st.execute("INSERT IGNORE INTO sst_block VALUES (1)");
        }
        awaitApplied(members, "SELECT COUNT(*) FROM " + Accounts.DATABASE + ".sst_block");
        // Without its Galera state file the node cannot catch up incrementally: it asks for a full state transfer
        // (mysqldump). A write lock on a table, held on every member, stops the donor's dump there, so the donor
        // stays in state 2 (Donor/Desynced) until the lock is released: no timing involved.
        java.nio.file.Files.deleteIfExists(joiner.dataDir().resolve("grastate.dat"));
        List<Connection> locks = new ArrayList<>();
        java.util.concurrent.CompletableFuture<Void> joined = null;
        try {
            for (MariaDbServer m : members) {
                Connection lock = DriverManager.getConnection(m.jdbcUrl(), Accounts.ROOT_USER, Accounts.ROOT_PASSWORD);
                locks.add(lock);
                try (Statement st = lock.createStatement()) {
                    st.execute("LOCK TABLES " + Accounts.DATABASE + ".sst_block WRITE");
                }
            }
            joined = java.util.concurrent.CompletableFuture.runAsync(joiner::start);
            awaitStates("a Donor", s -> s.values().stream().anyMatch(v -> v.contains("Donor")));
            String donorName = states().entrySet().stream().filter(e -> e.getValue().contains("Donor"))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            MariaDbServer donor = cluster.node(donorName);
            assertThat(states().get(donorName)).isEqualTo("Donor, Running");
            assertThat(syncedSessionServers()).doesNotContain(String.valueOf(donor.serverId()));
            try (Connection c = connect("Split-Listener"); Statement reads = c.createStatement()) {
                for (int i = 0; i < 4; i++) {
                    assertThat(scalar(reads, "SELECT @@server_id")).isNotEqualTo(String.valueOf(donor.serverId()));
                }
            }
            gatectl("alter", "monitor", "Galera-Monitor", "available_when_donor", "true");
            awaitStates(donorName + " usable as donor", s -> s.get(donorName).contains("Synced, Donor, Running"));
            assertThat(syncedSessionServers()).as("readconnroute synced uses the donor with available_when_donor")
                    .contains(String.valueOf(donor.serverId()));
            gatectl("alter", "monitor", "Galera-Monitor", "available_when_donor", "false");
        } finally {
            for (Connection lock : locks) {
                closeQuietly(lock);                  // ends the lock: the dump goes on
            }
            if (joined != null) {
                joined.get(120, TimeUnit.SECONDS);
            }
        }
        cluster.awaitSynced(3, java.time.Duration.ofSeconds(120));
        awaitStates("all Synced after the transfer", s -> s.values().stream().allMatch(v -> v.contains("Synced")));
    }

    /** Waits until {@code sql} (a count) is positive on every one of {@code nodes}. */
    private static void awaitApplied(List<MariaDbServer> nodes, String sql) {
        for (MariaDbServer n : nodes) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ("0".equals(String.valueOf(n.queryValue(sql)))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(n.name() + " never applied the write: " + sql);
                }
                sleep(100);
            }
        }
    }

    private static Connection connect(String listener) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port(listener) + "/" + Accounts.DATABASE
                + "?connectTimeout=5000&socketTimeout=20000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private static String scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Each node's state as the admin API shows it (MaxScale's words). */
    private static Map<String, String> states() {
        Map<String, String> out = new TreeMap<>();
        for (MariaDbServer n : cluster.nodes()) {
            out.put(n.name(), ServerStatus.describe(gh.runtime().servers().get(n.name()).status()));
        }
        return out;
    }

    private static String masterName() {
        return states().entrySet().stream().filter(e -> e.getValue().startsWith("Master")).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no Master: " + states()));
    }

    private static void awaitStates(String what, Predicate<Map<String, String>> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.test(states())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s: " + what + "; states: " + states());
            }
            sleep(100);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // Already broken.
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
