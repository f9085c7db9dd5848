package io.gatehouse.tests;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the same assertions as {@link MySqlConnectorDirectTest} through Gatehouse's readconnroute write service
 * (router_options=master), which must make no difference to the client. JUnit test thread; owns no buffers.
 */
@ExtendWith(GatehouseExtension.class)
class MySqlConnectorThroughGatehouseTest extends MySqlConnectorSuite {
    private final Endpoint endpoint;

    MySqlConnectorThroughGatehouseTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.endpoint = gatehouse.write();
    }

    @Override
    protected Endpoint endpoint() {
        return endpoint;
    }
}
