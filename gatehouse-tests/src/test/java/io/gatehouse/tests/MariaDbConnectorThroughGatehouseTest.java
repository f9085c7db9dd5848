package io.gatehouse.tests;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the same assertions as {@link MariaDbConnectorDirectTest} through Gatehouse's readconnroute write service
 * (router_options=master), which must make no difference to the client. JUnit test thread; owns no buffers.
 */
@ExtendWith(GatehouseExtension.class)
class MariaDbConnectorThroughGatehouseTest extends MariaDbConnectorSuite {
    private final Endpoint endpoint;

    MariaDbConnectorThroughGatehouseTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.endpoint = gatehouse.write();
    }

    @Override
    protected Endpoint endpoint() {
        return endpoint;
    }
}
