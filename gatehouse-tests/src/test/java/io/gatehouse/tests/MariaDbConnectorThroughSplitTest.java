package io.gatehouse.tests;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same assertions as {@link MariaDbConnectorDirectTest} through Gatehouse's readwritesplit service, where reads go to
 * read-only replicas and everything else to the primary; the client must not notice. JUnit test thread.
 */
@ExtendWith(GatehouseExtension.class)
class MariaDbConnectorThroughSplitTest extends MariaDbConnectorSuite {
    private final Endpoint endpoint;

    MariaDbConnectorThroughSplitTest(GatehouseExtension.RunningGatehouse gatehouse) {
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
