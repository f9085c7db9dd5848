package io.gatehouse.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit extension that hands tests the JVM's shared servers: a {@link MariaDbCluster} parameter gets a primary with
 * two replicas, a {@link MariaDbServer} parameter gets a standalone server; runs on JUnit's test thread and touches
 * no buffers.
 *
 * <p>Each is started on first use and stays up for the rest of the test run; it is closed when JUnit's root
 * context closes, or by a JVM shutdown hook if the run is aborted. Servers a previous test stopped or killed are
 * started again before being handed out, but other changes (tables, replication topology) are the tests' to undo;
 * a test that promotes a replica or otherwise rewires replication should start its own
 * {@code MariaDbCluster.start(null, 2)} (about a second) and close it.
 */
public final class MariaDbExtension implements ParameterResolver {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MariaDbExtension.class);

    private static MariaDbCluster sharedCluster;
    private static MariaDbServer sharedServer;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == MariaDbCluster.class || type == MariaDbServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        try {
            return type == MariaDbCluster.class ? cluster(context) : server(context);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Could not start MariaDB for " + parameter.getParameter(), e);
        }
    }

    /** The shared cluster, started on first use; for other extensions that build on it. */
    public static MariaDbCluster sharedCluster(ExtensionContext context) {
        return cluster(context);
    }

    private static synchronized MariaDbCluster cluster(ExtensionContext context) {
        if (sharedCluster == null) {
            MariaDbCluster cluster = MariaDbCluster.start(null, 2);
            sharedCluster = cluster;
            closeWithRoot(context, "cluster", () -> closeCluster(cluster));
        } else {
            sharedCluster.startStopped();
        }
        return sharedCluster;
    }

    private static synchronized MariaDbServer server(ExtensionContext context) {
        if (sharedServer == null) {
            MariaDbServer server = MariaDbServer.startStandalone(null, "standalone", 1);
            sharedServer = server;
            closeWithRoot(context, "server", () -> closeServer(server));
        } else if (!sharedServer.isRunning()) {
            sharedServer.start();
        }
        return sharedServer;
    }

    private static void closeWithRoot(ExtensionContext context, String key, AutoCloseable closer) {
        // JUnit closes AutoCloseable values of the root store when the whole run ends; the servers also register a
        // JVM shutdown hook themselves for runs that never get there.
        context.getRoot().getStore(NAMESPACE).put(key, closer);
    }

    private static synchronized void closeCluster(MariaDbCluster cluster) {
        LOG.info("Closing the shared cluster");
        if (sharedCluster == cluster) {
            sharedCluster = null;
        }
        cluster.close();
    }

    private static synchronized void closeServer(MariaDbServer server) {
        LOG.info("Closing the shared standalone server");
        if (sharedServer == server) {
            sharedServer = null;
        }
        server.close();
    }
}
