package io.gatehouse.tests;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one Gatehouse in this JVM in front of the test kit's shared cluster and hands it to tests as a
 * {@link RunningGatehouse}; it is stopped when the test run ends. Its listeners bind free ports. Runs on the JUnit
 * thread; the proxy's own workers do the routing. Owns no buffers.
 */
public final class GatehouseExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GatehouseExtension.class);

    /** A started Gatehouse with a write service (master), a read service (slave) and a running-servers service. */
    public record RunningGatehouse(Gatehouse gatehouse, MariaDbCluster cluster, Path dir) implements AutoCloseable {
        public Endpoint write() {
            return Endpoint.appAccount("127.0.0.1", gatehouse.port("Write-Listener"));
        }

        public Endpoint read() {
            return Endpoint.appAccount("127.0.0.1", gatehouse.port("Read-Listener"));
        }

        /** The readwritesplit service. */
        public Endpoint split() {
            return Endpoint.appAccount("127.0.0.1", gatehouse.port("Split-Listener"));
        }

        public Endpoint running() {
            return Endpoint.appAccount("127.0.0.1", gatehouse.port("Running-Listener"));
        }

        @Override
        public void close() {
            gatehouse.close();
            TempDirs.delete(dir);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == RunningGatehouse.class
                || p.getParameter().getType() == MariaDbCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        MariaDbCluster cluster = MariaDbExtension.sharedCluster(c);
        if (p.getParameter().getType() == MariaDbCluster.class) {
            return cluster;
        }
        return c.getRoot().getStore(NS).getOrComputeIfAbsent("gatehouse", k -> start(cluster), RunningGatehouse.class);
    }

    private static RunningGatehouse start(MariaDbCluster cluster) {
        try {
            // Replicas refuse writes from the application user, so a write routed to a replica fails loudly.
            for (MariaDbServer r : cluster.replicas()) {
                r.execute("SET GLOBAL read_only = ON");
            }
            Path dir = Files.createTempDirectory("gatehouse-it");
            Path cnf = dir.resolve("gatehouse.cnf");
            Files.writeString(cnf, config(cluster, dir));
            return new RunningGatehouse(Gatehouse.start(cnf), cluster, dir);
        } catch (Exception e) {
            throw new ParameterResolutionException("could not start Gatehouse: " + e.getMessage(), e);
        }
    }

    /** A configuration in MaxScale's format for the cluster, with listeners on free ports. */
    static String config(MariaDbCluster cluster, Path dir) {
        return config(cluster, dir, 0);
    }

    /** The same, with the write listener on {@code writePort}. */
    static String config(MariaDbCluster cluster, Path dir, int writePort) {
        StringBuilder sb = new StringBuilder();
        sb.append("[maxscale]\nthreads=2\nadmin_host=127.0.0.1\nadmin_port=0\n"
                // Many tests log in wrongly on purpose from 127.0.0.1; the host block has its own test.
                + "max_auth_errors_until_block=0\nlogdir=").append(dir.resolve("log")).append("\npiddir=").append(dir)
                .append("\ndatadir=").append(dir).append("\npersistdir=").append(dir).append("\n\n");
        StringBuilder names = new StringBuilder();
        for (MariaDbServer s : cluster.servers()) {
            sb.append('[').append(s.name()).append("]\ntype=server\naddress=127.0.0.1\nport=").append(s.port())
                    .append("\n\n");
            names.append(names.length() == 0 ? "" : ",").append(s.name());
        }
        sb.append("[Cluster-Monitor]\ntype=monitor\nmodule=mariadbmon\nservers=").append(names)
                .append("\nuser=").append(Accounts.SERVICE_USER).append("\npassword=").append(Accounts.SERVICE_PASSWORD)
                .append("\nmonitor_interval=500ms\nbackend_connect_timeout=1s\nbackend_read_timeout=2s\n\n");
        service(sb, "Write", "master", writePort);
        service(sb, "Read", "slave", 0);
        service(sb, "Running", "running", 0);
        sb.append("[Split-Service]\ntype=service\nrouter=readwritesplit\ncausal_reads=universal\ncluster=Cluster-Monitor\nuser=")
                .append(Accounts.SERVICE_USER).append("\npassword=").append(Accounts.SERVICE_PASSWORD).append("\n\n");
        sb.append("[Split-Listener]\ntype=listener\nservice=Split-Service\nprotocol=MariaDBClient\n"
                + "address=127.0.0.1\nport=0\n\n");
        return sb.toString();
    }

    private static void service(StringBuilder sb, String name, String role, int port) {
        sb.append('[').append(name).append("-Service]\ntype=service\nrouter=readconnroute\nrouter_options=").append(role)
                .append("\ncluster=Cluster-Monitor\nuser=").append(Accounts.SERVICE_USER).append("\npassword=")
                .append(Accounts.SERVICE_PASSWORD).append("\n\n");
        sb.append('[').append(name).append("-Listener]\ntype=listener\nservice=").append(name)
                .append("-Service\nprotocol=MariaDBClient\naddress=127.0.0.1\nport=").append(port).append("\n\n");
    }
}
