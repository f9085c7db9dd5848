package io.gatehouse.tests;

import io.gatehouse.server.Gatehouse;
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
 * Starts one Gatehouse in this JVM whose services all share connections with {@code idle_session_pool_time=0s} (a
 * session gives its backend connection back at every idle moment it can, the strictest setting) and hands it to the
 * connector suites as a {@link SharingGatehouse}; it is stopped when the test run ends. Runs on the JUnit thread;
 * the proxy's own workers do the routing. Owns no buffers.
 */
public final class SharingGatehouseExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(SharingGatehouseExtension.class);

    /** A started Gatehouse with the same services as {@link GatehouseExtension}, every one of them sharing. */
    public record SharingGatehouse(Gatehouse gatehouse, MariaDbCluster cluster, Path dir) implements AutoCloseable {
        /** The readconnroute service on the primary (router_options=master). */
        public Endpoint write() {
            return Endpoint.appAccount("127.0.0.1", gatehouse.port("Write-Listener"));
        }

        /** The readwritesplit service. */
        public Endpoint split() {
            return Endpoint.appAccount("127.0.0.1", gatehouse.port("Split-Listener"));
        }

        @Override
        public void close() {
            gatehouse.close();
            TempDirs.delete(dir);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == SharingGatehouse.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        MariaDbCluster cluster = MariaDbExtension.sharedCluster(c);
        return c.getRoot().getStore(NS).getOrComputeIfAbsent("sharing-gatehouse", k -> start(cluster),
                SharingGatehouse.class);
    }

    private static SharingGatehouse start(MariaDbCluster cluster) {
        try {
            // As in GatehouseExtension: a write a replica receives by mistake fails loudly.
            for (MariaDbServer r : cluster.replicas()) {
                r.execute("SET GLOBAL read_only = ON");
            }
            Path dir = Files.createTempDirectory("gatehouse-sharing-it");
            Path cnf = dir.resolve("gatehouse.cnf");
            Files.writeString(cnf, GatehouseExtension.config(cluster, dir)
                    .replace("type=service\n", "type=service\nidle_session_pool_time=0s\n"));
            return new SharingGatehouse(Gatehouse.start(cnf), cluster, dir);
        } catch (Exception e) {
            throw new ParameterResolutionException("could not start a sharing Gatehouse: " + e.getMessage(), e);
        }
    }
}
