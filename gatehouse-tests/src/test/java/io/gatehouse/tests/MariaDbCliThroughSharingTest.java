package io.gatehouse.tests;

import io.gatehouse.testkit.MariaDbServer;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link MariaDbCliSuite} through a readconnroute and a readwritesplit service that share connections with
 * {@code idle_session_pool_time=0s}, with the same expectations as without sharing: statements land where the router
 * sends them and a script's temporary table keeps its session on one connection. JUnit test thread; owns no buffers.
 */
@ExtendWith(SharingGatehouseExtension.class)
class MariaDbCliThroughSharingTest {
    private final SharingGatehouseExtension.SharingGatehouse gatehouse;

    MariaDbCliThroughSharingTest(SharingGatehouseExtension.SharingGatehouse gatehouse) {
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
    class SplitService extends MariaDbCliSuite {
        @Override
        protected Endpoint endpoint() {
            return gatehouse.split();
        }

        @Override
        protected Set<Long> expectedServerIds() {
            return gatehouse.cluster().replicas().stream().map(MariaDbServer::serverId).map(Long::valueOf)
                    .collect(Collectors.toSet());
        }
    }
}
