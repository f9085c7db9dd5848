package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary and N replicas with GTID replication ({@code master_use_gtid=slave_pos}), all on loopback; lifecycle
 * methods may be called from any thread, and no Netty buffers are involved.
 *
 * <p>Servers are named server1 (the primary), server2, ... with server ids 1, 2, .... Replicas keep
 * {@code read_only=OFF}: deciding who is writable is the job of the monitor under test. Replication survives a
 * replica restart (the replica reconnects on its own) and a primary restart (replicas retry every second).
 */
public final class MariaDbCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbCluster.class);
    private static final String MARKER = ".gatehouse-testkit-cluster";

    private final Path baseDir;
    private final boolean ownsBaseDir;
    private final MariaDbServer primary;
    private final List<MariaDbServer> replicas;

    private MariaDbCluster(Path baseDir, boolean ownsBaseDir, MariaDbServer primary, List<MariaDbServer> replicas) {
        this.baseDir = baseDir;
        this.ownsBaseDir = ownsBaseDir;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
    }

    /**
     * Starts a primary and {@code replicas} replicas, waits until replication runs and has caught up.
     *
     * @param baseDir where the servers' directories go (created if missing; must be empty or a directory a previous
     *                cluster used); null for a new temp directory deleted by {@link #close()}
     */
    public static MariaDbCluster start(Path baseDir, int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be >= 0: " + replicas);
        }
        Path dir = prepareBaseDir(baseDir);
        List<MariaDbServer> servers = new ArrayList<>();
        ExecutorService starter = Executors.newFixedThreadPool(replicas + 1, r -> {
            Thread t = new Thread(r, "gatehouse-cluster-start");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 1; i <= replicas + 1; i++) {
                servers.add(MariaDbServer.create(dir.resolve("server" + i), "server" + i, i));
            }
            // Servers start in parallel: each spends most of its start-up waiting on its own I/O.
            CompletableFuture.allOf(servers.stream()
                    .map(s -> CompletableFuture.runAsync(s::start, starter))
                    .toArray(CompletableFuture[]::new)).join();
            MariaDbCluster cluster = new MariaDbCluster(dir, baseDir == null, servers.get(0),
                    servers.subList(1, servers.size()));
            for (MariaDbServer replica : cluster.replicas) {
                cluster.replicate(replica, cluster.primary);
            }
            cluster.awaitReplication(Duration.ofSeconds(60));
            LOG.info("Cluster ready: {}", cluster.servers());
            return cluster;
        } catch (RuntimeException e) {
            servers.forEach(MariaDbServer::close);
            if (baseDir == null) {
                JvmCleanup.deleteRecursively(dir);
            }
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException re ? re : e;
        } finally {
            starter.shutdownNow();
        }
    }

    public MariaDbServer primary() {
        return primary;
    }

    public List<MariaDbServer> replicas() {
        return replicas;
    }

    /** Every server, primary first. */
    public List<MariaDbServer> servers() {
        List<MariaDbServer> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        return List.copyOf(all);
    }

    /** The server with this name (e.g. "server2"). */
    public MariaDbServer server(String name) {
        return servers().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No server named " + name));
    }

    /** The directory holding the servers' directories. */
    public Path baseDir() {
        return baseDir;
    }

    /**
     * Makes {@code replica} replicate from {@code source} using GTIDs from its own {@code gtid_slave_pos}, and starts
     * replication. Useful after a failover test to put a server back under a primary.
     */
    public void replicate(MariaDbServer replica, MariaDbServer source) {
        replica.execute("STOP SLAVE; RESET SLAVE ALL; CHANGE MASTER TO master_host='" + source.host()
                + "', master_port=" + source.port() + ", master_user='" + Accounts.REPL_USER
                + "', master_password='" + Accounts.REPL_PASSWORD + "', master_use_gtid=slave_pos"
                // The default retry is a minute; a restarted primary should be picked up again at once.
                + ", master_connect_retry=1; START SLAVE;");
    }

    /** Starts every server that is not running (for example after a test killed one). */
    public void startStopped() {
        for (MariaDbServer server : servers()) {
            if (!server.isRunning()) {
                server.start();
            }
        }
    }

    /**
     * Waits until every running replica has applied the primary's current {@code gtid_binlog_pos}; fails with the
     * replicas' replication errors if the timeout passes first.
     */
    public void awaitReplication(Duration timeout) {
        if (!primary.isRunning()) {
            throw new IllegalStateException("The primary " + primary.name() + " is not running");
        }
        String position = primary.gtidBinlogPos();
        if (position.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (MariaDbServer replica : replicas) {
            if (!replica.isRunning()) {
                continue;
            }
            double seconds = Math.max(0.0, (deadline - System.nanoTime()) / 1e9);
            // Locale.ROOT: the timeout must be written with a decimal point whatever the JVM's locale.
            String result = replica.queryValue(String.format(Locale.ROOT, "SELECT MASTER_GTID_WAIT('%s', %.3f)",
                    position, seconds), timeout.plusSeconds(10));
            if (!"0".equals(result)) {
                throw new IllegalStateException(replica.name() + " did not reach the primary's GTID position "
                        + position + " within " + timeout + " (it has " + replica.gtidSlavePos() + "); "
                        + replicationErrors(replica));
            }
        }
    }

    /** Kills and deletes every server, and the base directory if this cluster created it. */
    @Override
    public void close() {
        List<MariaDbServer> all = servers();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("Could not close {}", all.get(i), e);
            }
        }
        if (ownsBaseDir) {
            JvmCleanup.deleteRecursively(baseDir);
        } else {
            try {
                Files.deleteIfExists(baseDir.resolve("servers.txt"));
                Files.deleteIfExists(baseDir.resolve(MARKER));
            } catch (IOException e) {
                LOG.warn("Could not delete {}", baseDir.resolve(MARKER), e);
            }
        }
    }

    @Override
    public String toString() {
        return "MariaDbCluster" + servers();
    }

    private static String replicationErrors(MariaDbServer replica) {
        try {
            Map<String, String> status = replica.replicationStatus();
            if (status.isEmpty()) {
                return "it is not replicating";
            }
            StringBuilder sb = new StringBuilder("replication status:");
            for (String column : List.of("Master_Port", "Slave_IO_Running", "Slave_SQL_Running", "Last_IO_Error",
                    "Last_SQL_Error")) {
                sb.append(' ').append(column).append('=').append(status.get(column)).append(';');
            }
            return sb.toString();
        } catch (RuntimeException e) {
            return "replication status unavailable: " + e.getMessage();
        }
    }

    private static Path prepareBaseDir(Path baseDir) {
        try {
            if (baseDir == null) {
                return JvmCleanup.createOwnedTempDir(null, "gatehouse-cluster-");
            }
            Path dir = baseDir.toAbsolutePath();
            Files.createDirectories(dir);
            boolean empty;
            try (var entries = Files.list(dir)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty) {
                if (!Files.exists(dir.resolve(MARKER))) {
                    throw new IllegalArgumentException("Cluster directory " + dir
                            + " is not empty and was not made by the testkit; refusing to reuse it");
                }
                // Left by a cluster that was not closed (killed JVM): its servers were killed by their watchdogs.
                try (var entries = Files.list(dir)) {
                    for (Path entry : (Iterable<Path>) entries::iterator) {
                        String entryName = entry.getFileName().toString();
                        if (entryName.matches("server\\d+") || entryName.equals("servers.txt")) {
                            JvmCleanup.deleteRecursively(entry);
                        }
                    }
                }
            }
            Files.writeString(dir.resolve(MARKER), "Servers of a gatehouse-testkit cluster live here.\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the cluster directory " + baseDir, e);
        }
    }
}
