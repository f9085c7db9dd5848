package io.gatehouse.tests;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the tests that kill a cluster's primary under readwritesplit sessions share: the standard configuration plus
 * one more readwritesplit service with its own parameters, the replicas' server ids (where reads must land after the
 * loss), and a client with timeouts long enough for a loaded machine. Used on the JUnit test thread; no buffers.
 */
final class PrimaryLossBed {
    private PrimaryLossBed() {
    }

    /**
     * Writes {@code gatehouse.cnf} in {@code dir}: {@link GatehouseExtension#config} and a readwritesplit service
     * {@code <name>-Service} over the cluster with {@code params} (lines of {@code key=value\n}), listened to by
     * {@code <name>-Listener} on a free port. Returns the file.
     */
    static Path configWithSplitService(MariaDbCluster cluster, Path dir, String name, String params)
            throws IOException {
        String cnf = GatehouseExtension.config(cluster, dir)
                + "[" + name + "-Service]\ntype=service\nrouter=readwritesplit\n" + params
                + "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\n\n[" + name + "-Listener]\ntype=listener\nservice=" + name + "-Service\n"
                + "address=127.0.0.1\nport=0\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        return file;
    }

    /** The replicas' {@code @@server_id} values, as a query returns them. */
    static Set<String> replicaIds(MariaDbCluster cluster) {
        return cluster.replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                .collect(Collectors.toSet());
    }

    /** The application user's client on {@code port}, in the test database. */
    static BlockingClient connect(int port) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", port, Accounts.APP_USER, Accounts.APP_PASSWORD)
                .withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(20)));
    }
}
