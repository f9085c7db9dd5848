package io.gatehouse.tests;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Set;

/**
 * Runs the {@link MariaDbCliSuite} directly against the testkit cluster's primary with the application account;
 * JUnit test thread, owns no buffers.
 */
@ExtendWith(MariaDbExtension.class)
class MariaDbCliDirectTest extends MariaDbCliSuite {
    private final MariaDbServer primary;

    MariaDbCliDirectTest(MariaDbCluster cluster) {
        this.primary = cluster.primary();
    }

    @Override
    protected Endpoint endpoint() {
        return Endpoint.appAccount(primary.host(), primary.port());
    }

    @Override
    protected Set<Long> expectedServerIds() {
        return Set.of((long) primary.serverId());
    }
}
