package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Switchover with sessions on the old primary whose accounts ignore read_only: one with READ_ONLY ADMIN granted
 * directly, one with SUPER through its default role, one with READ_ONLY ADMIN through a role nested in its default
 * role. The demotion must end all three (any of them could still write after the old primary's last position was
 * taken), and leave an ordinary application session alone. JUnit thread; blocking clients, no Netty buffers.
 */
class ClusterOperationsRoleBypassTest extends ClusterOperationsBaseTest {

    @Test
    void demotionEndsSessionsThatBypassReadOnlyThroughRoles() throws Exception {
        start("failcount=3");
        MariaDbServer oldPrimary = cluster.primary();
        MariaDbServer newPrimary = cluster.replicas().get(0);
        oldPrimary.execute("CREATE USER 'bp_direct'@'%' IDENTIFIED BY 'pw1';"
                + " GRANT READ_ONLY ADMIN ON *.* TO 'bp_direct'@'%';"
                + " CREATE ROLE bp_super_role; GRANT SUPER ON *.* TO bp_super_role;"
                + " CREATE USER 'bp_super'@'%' IDENTIFIED BY 'pw2'; GRANT bp_super_role TO 'bp_super'@'%';"
                + " SET DEFAULT ROLE bp_super_role FOR 'bp_super'@'%';"
                + " CREATE ROLE bp_inner_role; GRANT READ_ONLY ADMIN ON *.* TO bp_inner_role;"
                + " CREATE ROLE bp_outer_role; GRANT bp_inner_role TO bp_outer_role;"
                + " CREATE USER 'bp_nested'@'%' IDENTIFIED BY 'pw3'; GRANT bp_outer_role TO 'bp_nested'@'%';"
                + " SET DEFAULT ROLE bp_outer_role FOR 'bp_nested'@'%';"
                + " GRANT INSERT ON test.* TO 'bp_direct'@'%', 'bp_super'@'%', 'bp_nested'@'%'");
        cluster.awaitReplication(Duration.ofSeconds(20));

        BlockingClient direct = session(oldPrimary, "bp_direct", "pw1");
        BlockingClient viaRole = session(oldPrimary, "bp_super", "pw2");
        BlockingClient viaNestedRole = session(oldPrimary, "bp_nested", "pw3");
        BlockingClient app = session(oldPrimary, Accounts.APP_USER, Accounts.APP_PASSWORD);
        try {
            // READ_ONLY ADMIN really ignores read_only, through a role too. (SUPER implies it only on the servers
            // before 11.0, so its holders are ended whatever the version.)
            oldPrimary.execute("SET GLOBAL read_only = ON");
            direct.execute("INSERT INTO test.ops VALUES (1)");
            viaNestedRole.execute("INSERT INTO test.ops VALUES (3)");
            oldPrimary.execute("SET GLOBAL read_only = OFF");
            cluster.awaitReplication(Duration.ofSeconds(20));

            monitor().call("switchover", List.of(newPrimary.name(), oldPrimary.name()));
            assertThat(isMaster(newPrimary)).isTrue();

            assertThatThrownBy(() -> direct.query("SELECT 1")).as("the direct READ_ONLY ADMIN session was ended")
                    .isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> viaRole.query("SELECT 1")).as("the SUPER-through-default-role session was ended")
                    .isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> viaNestedRole.query("SELECT 1"))
                    .as("the READ_ONLY ADMIN-through-nested-role session was ended")
                    .isInstanceOf(java.io.IOException.class);
            assertThat(app.query("SELECT 1").scalar()).as("the application session is left alone").isEqualTo("1");
        } finally {
            direct.close();
            viaRole.close();
            viaNestedRole.close();
            app.close();
        }
    }

    private static BlockingClient session(MariaDbServer s, String user, String password) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", s.port(), user, password)
                .withTimeouts(Duration.ofSeconds(10)));
    }
}
