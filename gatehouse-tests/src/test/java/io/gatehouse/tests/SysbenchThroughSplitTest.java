package io.gatehouse.tests;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same assertions as {@link SysbenchDirectTest} through Gatehouse's readwritesplit service, where reads go to
 * read-only replicas and everything else to the primary; the client must not notice. JUnit test thread.
 */
@ExtendWith(GatehouseExtension.class)
class SysbenchThroughSplitTest extends SysbenchSuite {
    private final Endpoint endpoint;

    SysbenchThroughSplitTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.endpoint = gatehouse.split();
    }

    @Override
    protected Endpoint endpoint() {
        return endpoint;
    }
}
