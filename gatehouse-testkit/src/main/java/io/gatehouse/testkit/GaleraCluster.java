package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Galera cluster of N real {@code mariadbd} nodes with wsrep on, all on loopback in temp directories; lifecycle
 * methods may be called from any thread, and no Netty buffers are involved.
 *
 * <p>Nodes are named node1, node2, ... (wsrep_node_name too), with server ids 1, 2, .... node1 bootstraps the
 * cluster ({@code --wsrep-new-cluster}); the others join it in parallel and receive its state by
 * {@code wsrep_sst_method=mysqldump}. That method needs only the mariadb client tools: rsync SST does not work when
 * the tests run as root on Debian 12 (its rsync daemon drops to user nobody, which cannot write the data directory)
 * and mariabackup is often not installed. Each node has its own free ports for MariaDB clients, group communication
 * (gcomm) and incremental state transfer (IST). A node that was stopped or killed rejoins the running nodes when
 * started again (node1 too: only its first start bootstraps); restarting a cluster whose nodes are all down is not
 * supported. Needs the Galera library ({@code galera-4} on Debian/Ubuntu).
 */
public final class GaleraCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GaleraCluster.class);
    /** Where Debian/Ubuntu's galera-4 package puts the provider library. */
    public static final Path PROVIDER = Path.of("/usr/lib/galera/libgalera_smm.so");
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(120);

    private final Path baseDir;
    private final List<MariaDbServer> nodes;

    private GaleraCluster(Path baseDir, List<MariaDbServer> nodes) {
        this.baseDir = baseDir;
        this.nodes = List.copyOf(nodes);
    }

    /** True when the Galera provider library is installed, so that tests can be skipped where it is not. */
    public static boolean available() {
        return Files.isReadable(PROVIDER);
    }

    /** Starts {@code size} nodes and waits until all of them are Synced members of one primary component. */
    public static GaleraCluster start(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1: " + size);
        }
        if (!available()) {
            throw new IllegalStateException("the Galera library " + PROVIDER
                    + " is not installed: run `apt-get install -y galera-4`");
        }
        Path dir;
        try {
            dir = JvmCleanup.createOwnedTempDir(null, "gatehouse-galera-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the Galera cluster directory", e);
        }
        List<MariaDbServer> nodes = new ArrayList<>();
        try {
            Set<Integer> taken = new HashSet<>();
            int[] gcommPorts = new int[size];
            for (int i = 0; i < size; i++) {
                nodes.add(MariaDbServer.create(dir.resolve("node" + (i + 1)), "node" + (i + 1), i + 1));
                taken.add(nodes.get(i).port());
            }
            for (int i = 0; i < size; i++) {
                gcommPorts[i] = freePort(taken);
            }
            StringBuilder address = new StringBuilder("gcomm://");
            for (int i = 0; i < size; i++) {
                address.append(i == 0 ? "" : ",").append("127.0.0.1:").append(gcommPorts[i]);
            }
            for (int i = 0; i < size; i++) {
                nodes.get(i).extraOptions(wsrepOptions(nodes.get(i), address.toString(), gcommPorts[i],
                        freePort(taken), i == 0));
            }
            GaleraCluster cluster = new GaleraCluster(dir, nodes);
            nodes.get(0).start();
            // Joiners after the bootstrap node, in parallel: each waits mostly for its state transfer.
            CompletableFuture.allOf(nodes.subList(1, size).stream()
                    .map(n -> CompletableFuture.runAsync(n::start))
                    .toArray(CompletableFuture[]::new)).join();
            // A restart of node1 must join the others, not found a second cluster.
            nodes.get(0).extraOptions(wsrepOptions(nodes.get(0), address.toString(), gcommPorts[0],
                    freePort(taken), false));
            cluster.awaitSynced(size, SYNC_TIMEOUT);
            LOG.info("Galera cluster ready: {}", cluster.nodes);
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(MariaDbServer::close);
            JvmCleanup.deleteRecursively(dir);
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    private static List<String> wsrepOptions(MariaDbServer node, String clusterAddress, int gcommPort, int istPort,
                                             boolean bootstrap) {
        List<String> o = new ArrayList<>(List.of("--wsrep-on=ON", "--wsrep-provider=" + PROVIDER,
                "--wsrep-cluster-name=gatehouse-test", "--wsrep-cluster-address=" + clusterAddress,
                "--wsrep-node-address=127.0.0.1:" + gcommPort, "--wsrep-node-name=" + node.name(),
                "--wsrep-sst-method=mysqldump",
                "--wsrep-sst-auth=" + Accounts.ROOT_USER + ":" + Accounts.ROOT_PASSWORD,
                // mysqldump SST connects to the joiner's MariaDB port.
                "--wsrep-sst-receive-address=127.0.0.1:" + node.port(),
                "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:" + gcommPort
                        + ";ist.recv_addr=127.0.0.1:" + istPort + ";gcache.size=32M"
                        // A killed node leaves the component within seconds, not the default half minute.
                        + ";evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.install_timeout=PT3S"
                        + ";evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S",
                "--innodb-autoinc-lock-mode=2", "--wsrep-slave-threads=2"));
        if (bootstrap) {
            o.add("--wsrep-new-cluster");
        }
        return o;
    }

    /** Every node, node1 first. */
    public List<MariaDbServer> nodes() {
        return nodes;
    }

    /** The node with this name (e.g. "node2"). */
    public MariaDbServer node(String name) {
        return nodes.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node named " + name));
    }

    /** The directory holding the nodes' directories. */
    public Path baseDir() {
        return baseDir;
    }

    /** {@code SHOW STATUS} value {@code name} on {@code node}, or null. */
    public static String status(MariaDbServer node, String name) {
        List<List<String>> rows = node.query("SHOW GLOBAL STATUS LIKE '" + name + "'");
        return rows.isEmpty() ? null : rows.get(0).get(1);
    }

    /**
     * Waits until every running node reports {@code wsrep_cluster_size} = {@code size}, a Primary component and
     * {@code wsrep_local_state} 4 (Synced); fails naming the laggards.
     */
    public void awaitSynced(int size, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> notYet = new ArrayList<>();
            for (MariaDbServer n : nodes) {
                if (!n.isRunning()) {
                    continue;
                }
                try {
                    String state = status(n, "wsrep_local_state");
                    String members = status(n, "wsrep_cluster_size");
                    String component = status(n, "wsrep_cluster_status");
                    if (!"4".equals(state) || !String.valueOf(size).equals(members) || !"Primary".equals(component)) {
                        notYet.add(n.name() + "(state " + state + ", size " + members + ", " + component + ")");
                    }
                } catch (RuntimeException e) {
                    notYet.add(n.name() + "(" + e.getMessage() + ")");
                }
            }
            if (notYet.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Galera nodes not Synced in a cluster of " + size + " within "
                        + timeout + ": " + notYet);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
    }

    /** Kills and deletes every node and the base directory. */
    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("Could not close {}", nodes.get(i), e);
            }
        }
        JvmCleanup.deleteRecursively(baseDir);
    }

    @Override
    public String toString() {
        return "GaleraCluster" + nodes;
    }

    private static int freePort(Set<Integer> taken) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                int port = probe.getLocalPort();
                if (taken.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not find a free port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("Could not find a distinct free port on 127.0.0.1");
    }
}
