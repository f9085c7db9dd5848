package io.gatehouse.tests;

import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared set-up of the cluster-operation tests: a private primary + 2 replicas and an in-process Gatehouse whose
 * mariadbmon monitor gets the parameters of the test, plus a writer that inserts through the readconnroute write
 * service and remembers every insert it saw committed. Runs on the JUnit thread (the writer on its own thread);
 * blocking clients only, no Netty buffers.
 */
abstract class ClusterOperationsBaseTest {
    protected static final String MONITOR = "Cluster-Monitor";
    protected MariaDbCluster cluster;
    protected Gatehouse gatehouse;
    protected Path dir;
    private Writer writer;

    /** Starts the cluster (replicas read_only, table test.ops created) and Gatehouse with {@code monitorParams}. */
    protected void start(String monitorParams) throws Exception {
        start(monitorParams, java.util.function.UnaryOperator.identity());
    }

    /** The same, with {@code edit} applied to the configuration text (server parameters, say). */
    protected void start(String monitorParams, java.util.function.UnaryOperator<String> edit) throws Exception {
        cluster = MariaDbCluster.start(null, 2);
        for (MariaDbServer r : cluster.replicas()) {
            r.execute("SET GLOBAL read_only = ON");
        }
        cluster.primary().execute("CREATE TABLE test.ops (id INT PRIMARY KEY)");
        cluster.awaitReplication(Duration.ofSeconds(20));
        dir = Files.createTempDirectory("gatehouse-clusterops");
        String cnf = GatehouseExtension.config(cluster, dir).replace("monitor_interval=500ms\n",
                "monitor_interval=500ms\nreplication_user=" + Accounts.REPL_USER + "\nreplication_password="
                        + Accounts.REPL_PASSWORD + "\n" + monitorParams + "\n");
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, edit.apply(cnf));
        gatehouse = Gatehouse.start(file);
        await(Duration.ofSeconds(10), () -> isMaster(cluster.primary()), "the primary is seen as Master");
    }

    @AfterEach
    void stopEverything() {
        if (writer != null) {
            writer.stop();
        }
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        TempDirs.delete(dir);
    }

    protected Monitor monitor() {
        return gatehouse.runtime().monitors().get(MONITOR);
    }

    protected int status(MariaDbServer s) {
        return gatehouse.runtime().servers().get(s.name()).status();
    }

    protected boolean isMaster(MariaDbServer s) {
        return ServerStatus.has(status(s), ServerStatus.MASTER | ServerStatus.RUNNING);
    }

    protected boolean isSlave(MariaDbServer s) {
        return ServerStatus.has(status(s), ServerStatus.SLAVE | ServerStatus.RUNNING);
    }

    /** True when {@code replica}'s only replication connection runs both threads from {@code source}. */
    protected static boolean replicatesFrom(MariaDbServer replica, MariaDbServer source) {
        if (!replica.isRunning()) {
            return false;
        }
        java.util.List<java.util.Map<String, String>> rows = replica.queryMaps("SHOW ALL SLAVES STATUS");
        if (rows.size() != 1) {
            return false;
        }
        java.util.Map<String, String> st = rows.get(0);
        return String.valueOf(source.port()).equals(st.get("Master_Port")) && "Yes".equals(st.get("Slave_IO_Running"))
                && "Yes".equals(st.get("Slave_SQL_Running"));
    }

    protected static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    protected static long count(MariaDbServer s, String where) {
        return Long.parseLong(s.query("SELECT COUNT(*) FROM test.ops" + (where.isEmpty() ? "" : " WHERE " + where))
                .get(0).get(0));
    }

    protected Writer startWriter() {
        writer = new Writer(gatehouse.port("Write-Listener"));
        writer.thread.start();
        return writer;
    }

    /** Inserts increasing ids through Gatehouse's write service; reconnects after every error. */
    protected static final class Writer {
        final ConcurrentLinkedQueue<Integer> committed = new ConcurrentLinkedQueue<>();
        final AtomicLong lastSuccessNanos = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        private final AtomicBoolean run = new AtomicBoolean(true);
        private final Thread thread;
        private final int port;

        Writer(int port) {
            this.port = port;
            this.thread = new Thread(this::loop, "clusterops-writer");
            this.thread.setDaemon(true);
        }

        private void loop() {
            int next = 1;
            BlockingClient c = null;
            while (run.get()) {
                try {
                    if (c == null) {
                        c = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER,
                                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE)
                                .withTimeouts(Duration.ofSeconds(3)));
                    }
                    int id = next++;
                    c.execute("INSERT INTO ops (id) VALUES (" + id + ")");
                    committed.add(id);
                    lastSuccessNanos.set(System.nanoTime());
                } catch (Exception e) {
                    errors.incrementAndGet();
                    if (c != null) {
                        c.close();
                        c = null;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
            if (c != null) {
                c.close();
            }
        }

        int committedCount() {
            return committed.size();
        }

        void stop() {
            run.set(false);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
