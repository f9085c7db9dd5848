package io.gatehouse.tests;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same assertions as {@link MySqlConnectorDirectTest} through Gatehouse's readwritesplit service, where reads go to
 * read-only replicas and everything else to the primary; the client must not notice. JUnit test thread.
 */
@ExtendWith(GatehouseExtension.class)
class MySqlConnectorThroughSplitTest extends MySqlConnectorSuite {
    private final Endpoint endpoint;

    MySqlConnectorThroughSplitTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.endpoint = gatehouse.split();
    }

    @Override
    protected Endpoint endpoint() {
        return endpoint;
    }

    @Override
    protected boolean countersSeeEveryCommand() {
        return false;
    }
}
