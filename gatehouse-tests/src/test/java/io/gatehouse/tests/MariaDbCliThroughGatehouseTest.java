package io.gatehouse.tests;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link MariaDbCliSuite} through Gatehouse: on the write service every statement must land on the primary, on
 * the read service on a replica, as {@code router_options} says. JUnit test thread; owns no buffers.
 */
@ExtendWith(GatehouseExtension.class)
class MariaDbCliThroughGatehouseTest extends MariaDbCliThroughProxy {
    MariaDbCliThroughGatehouseTest(GatehouseExtension.RunningGatehouse gatehouse) {
        super(gatehouse.cluster(), gatehouse.write(), gatehouse.read());
    }
}
