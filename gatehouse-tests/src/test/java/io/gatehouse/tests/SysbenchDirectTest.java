package io.gatehouse.tests;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the {@link SysbenchSuite} directly against the testkit cluster's primary with the application account,
 * proving the {@link Sysbench} helper itself works; JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
class SysbenchDirectTest extends SysbenchSuite {
    private final MariaDbServer primary;

    SysbenchDirectTest(MariaDbCluster cluster) {
        this.primary = cluster.primary();
    }

    @Override
    protected Endpoint endpoint() {
        return Endpoint.appAccount(primary.host(), primary.port());
    }
}
