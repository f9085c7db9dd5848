package io.gatehouse.tests;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link MariaDbCliSuite} through a readconnroute and a readwritesplit service that share connections with
 * {@code idle_session_pool_time=0s}, with the same expectations as without sharing: statements land where the router
 * sends them and a script's temporary table keeps its session on one connection. The reading service is the
 * readwritesplit one. JUnit test thread; owns no buffers.
 */
@ExtendWith(SharingGatehouseExtension.class)
class MariaDbCliThroughSharingTest extends MariaDbCliThroughProxy {
    MariaDbCliThroughSharingTest(SharingGatehouseExtension.SharingGatehouse gatehouse) {
        super(gatehouse.cluster(), gatehouse.write(), gatehouse.split());
    }
}
