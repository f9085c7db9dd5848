package io.gatehouse.tests;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;

/**
 * The {@link MariaDbCliSuite} through two services of one Gatehouse, as nested suites: on its write service every
 * statement must land on the primary, on its reading service the script's reads on a replica. Subclasses say which
 * Gatehouse (plain, or sharing connections) and which of its services reads. JUnit test thread; owns no buffers.
 */
abstract class MariaDbCliThroughProxy {
    private final MariaDbCluster cluster;
    private final Endpoint writeService;
    private final Endpoint readService;

    /**
     * The suites for {@code cluster} behind the proxy: {@code writeService} is its readconnroute service on the
     * primary (router_options=master), {@code readService} the one whose reads go to the replicas.
     */
    MariaDbCliThroughProxy(MariaDbCluster cluster, Endpoint writeService, Endpoint readService) {
        this.cluster = cluster;
        this.writeService = writeService;
        this.readService = readService;
    }

    /** The replicas' server ids, where reads outside a transaction land. */
    static Set<Long> replicaIds(MariaDbCluster cluster) {
        return cluster.replicas().stream().map(MariaDbServer::serverId).map(Long::valueOf)
                .collect(Collectors.toSet());
    }

    @Nested
    class WriteService extends MariaDbCliSuite {
        @Override
        protected Endpoint endpoint() {
            return writeService;
        }

        @Override
        protected Set<Long> expectedServerIds() {
            return Set.of((long) cluster.primary().serverId());
        }
    }

    @Nested
    class ReadService extends MariaDbCliSuite {
        @Override
        protected Endpoint endpoint() {
            return readService;
        }

        @Override
        protected Set<Long> expectedServerIds() {
            return replicaIds(cluster);
        }
    }
}
