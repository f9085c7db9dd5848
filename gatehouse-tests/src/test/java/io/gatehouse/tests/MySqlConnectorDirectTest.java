package io.gatehouse.tests;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the {@link MySqlConnectorSuite} directly against the testkit cluster's primary with the application account,
 * the reference the same suite through Gatehouse must match; JUnit test thread, owns no buffers.
 */
@ExtendWith(MariaDbExtension.class)
class MySqlConnectorDirectTest extends MySqlConnectorSuite {
    private final Endpoint endpoint;

    MySqlConnectorDirectTest(MariaDbCluster cluster) {
        MariaDbServer primary = cluster.primary();
        this.endpoint = Endpoint.appAccount(primary.host(), primary.port());
    }

    @Override
    protected Endpoint endpoint() {
        return endpoint;
    }
}
