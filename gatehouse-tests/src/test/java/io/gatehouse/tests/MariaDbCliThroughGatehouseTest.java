package io.gatehouse.tests;

import io.gatehouse.testkit.MariaDbServer;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link MariaDbCliSuite} through Gatehouse: on the write service every statement must land on the primary, on
 * the read service on a replica, as {@code router_options} says. JUnit test thread; owns no buffers.
 */
@ExtendWith(GatehouseExtension.class)
class MariaDbCliThroughGatehouseTest {
    private final GatehouseExtension.RunningGatehouse gatehouse;

    MariaDbCliThroughGatehouseTest(GatehouseExtension.RunningGatehouse gatehouse) {
        this.gatehouse = gatehouse;
    }

    @Nested
    class WriteService extends MariaDbCliSuite {
        @Override
        protected Endpoint endpoint() {
            return gatehouse.write();
        }

        @Override
        protected Set<Long> expectedServerIds() {
            return Set.of((long) gatehouse.cluster().primary().serverId());
        }
    }

    @Nested
    class ReadService extends MariaDbCliSuite {
        @Override
        protected Endpoint endpoint() {
            return gatehouse.read();
        }

        @Override
        protected Set<Long> expectedServerIds() {
            return gatehouse.cluster().replicas().stream().map(MariaDbServer::serverId).map(Long::valueOf)
                    .collect(Collectors.toSet());
        }
    }
}
