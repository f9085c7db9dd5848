package io.gatehouse.tests;

import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link MariaDbCliSuite} through Gatehouse's readwritesplit service, with the same expectations as directly:
 * the script's writes to a temporary table must reach the primary and its reads of that table follow them, errors
 * read as the server's, and a plain {@code SELECT @@server_id} is a read outside a transaction, so a replica answers
 * it (as MaxScale routes it). JUnit test thread; owns no buffers.
 */
@ExtendWith(GatehouseExtension.class)
class MariaDbCliThroughSplitTest extends MariaDbCliSuite {
    private final GatehouseExtension.RunningGatehouse gatehouse;

    MariaDbCliThroughSplitTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.gatehouse = gatehouse;
    }

    @Override
    protected Endpoint endpoint() {
        return gatehouse.split();
    }

    @Override
    protected Set<Long> expectedServerIds() {
        return MariaDbCliThroughProxy.replicaIds(gatehouse.cluster());
    }
}
