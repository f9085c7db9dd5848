package io.gatehouse.tests;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link SysbenchSuite} (oltp_read_write, oltp_read_only, oltp_point_select; text and prepared statements)
 * through Gatehouse's write service, which must finish with zero errors. JUnit test thread.
 */
@ExtendWith(GatehouseExtension.class)
class SysbenchThroughGatehouseTest extends SysbenchSuite {
    private final Endpoint endpoint;

    SysbenchThroughGatehouseTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.endpoint = gatehouse.write();
    }

    @Override
    protected Endpoint endpoint() {
        return endpoint;
    }
}
