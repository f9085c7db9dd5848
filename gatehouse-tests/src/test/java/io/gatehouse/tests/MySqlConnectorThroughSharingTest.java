package io.gatehouse.tests;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same assertions as {@link MySqlConnectorDirectTest} through a readconnroute and a readwritesplit service that
 * share connections with {@code idle_session_pool_time=0s}: a session may hold a different backend connection after
 * every idle moment, and the client must not notice. JUnit test thread; owns no buffers.
 */
@ExtendWith(SharingGatehouseExtension.class)
class MySqlConnectorThroughSharingTest {
    private final SharingGatehouseExtension.SharingGatehouse gatehouse;

    MySqlConnectorThroughSharingTest(SharingGatehouseExtension.SharingGatehouse gatehouse) {
        this.gatehouse = gatehouse;
    }

    @Nested
    class WriteService extends MySqlConnectorSuite {
        @Override
        protected Endpoint endpoint() {
            return gatehouse.write();
        }

        /**
         * A shared session may run each command on another backend connection, so the server's per-session
         * counters (SHOW SESSION STATUS) see only some of them: sharing changes that legitimately (MaxScale's
         * idle_session_pool_time does too, README "Connection sharing"), and only that check is left out.
         */
        @Override
        protected boolean countersSeeEveryCommand() {
            return false;
        }
    }

    @Nested
    class SplitService extends MySqlConnectorSuite {
        @Override
        protected Endpoint endpoint() {
            return gatehouse.split();
        }

        @Override
        protected boolean countersSeeEveryCommand() {
            return false;
        }
    }
}
