package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an open readwritesplit session keeps when {@code master_reconnection} moves it to a new primary after a
 * switchover (issue 14): Connector/J's server-side prepared statements (useServerPrepStmts=true) keep their ids, which
 * Gatehouse prepares again on the new primary and maps; a session that created a temporary table is not moved
 * (its table lived on the old primary only) but closed, while one without temporary tables goes on. Own cluster
 * and Gatehouse; JUnit thread, blocking clients and JDBC.
 */
class ReadWriteSplitReconnectedStateTest extends ClusterOperationsBaseTest {

    @Test
    void preparedStatementsFollowASwitchoverAndTemporaryTablesEndTheSession() throws Exception {
        start("failcount=3");
        MariaDbServer oldPrimary = cluster.primary();
        MariaDbServer newPrimary = cluster.replicas().get(0);
        String url = "jdbc:mysql://127.0.0.1:" + gatehouse.port("Split-Listener") + "/" + Accounts.DATABASE
                + "?useServerPrepStmts=true&cachePrepStmts=false&sslMode=DISABLED&allowPublicKeyRetrieval=true"
                + "&connectTimeout=10000&socketTimeout=30000";
        try (Connection jdbc = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
             BlockingClient withTemporary = client();
             BlockingClient without = client()) {
            PreparedStatement insert = jdbc.prepareStatement("INSERT INTO ops (id) VALUES (?)");
            PreparedStatement count = jdbc.prepareStatement("SELECT COUNT(*) FROM ops WHERE id >= ?");
            insert.setInt(1, 1);
            insert.executeUpdate();
            withTemporary.execute("CREATE TEMPORARY TABLE scratch (a INT)");
            withTemporary.execute("INSERT INTO scratch VALUES (1)");
            without.execute("SET @kept = 7");
            cluster.awaitReplication(Duration.ofSeconds(20));

            monitor().call("switchover", List.of(newPrimary.name(), oldPrimary.name()));
            assertThat(isMaster(newPrimary)).isTrue();

            // The same statement handles, now executed over the session's new primary connection.
            insert.setInt(1, 2);
            assertThat(insert.executeUpdate()).isEqualTo(1);
            insert.setInt(1, 3);
            assertThat(insert.executeUpdate()).isEqualTo(1);
            jdbc.setAutoCommit(false);
            count.setInt(1, 1);
            try (ResultSet rs = count.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("read in a transaction, on the new primary").isEqualTo(3);
            }
            jdbc.commit();
            jdbc.setAutoCommit(true);
            assertThat(newPrimary.query("SELECT id FROM test.ops ORDER BY id"))
                    .containsExactly(List.of("1"), List.of("2"), List.of("3"));

            // strict_tmp_tables (default true): the session with a temporary table is closed, not moved (moved, it
            // would meet "table doesn't exist"); its client finds the connection closed, as when a server is lost.
            assertThatThrownBy(() -> withTemporary.execute("INSERT INTO scratch VALUES (2)"))
                    .isInstanceOf(IOException.class);
            without.execute("INSERT INTO ops (id) VALUES (4)");
            assertThat(without.query("SELECT @kept").scalar()).isEqualTo("7");
        }
        assertThat(newPrimary.queryValue("SELECT COUNT(*) FROM test.ops WHERE id = 4")).isEqualTo("1");
    }

    private BlockingClient client() throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gatehouse.port("Split-Listener"),
                Accounts.APP_USER, Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE)
                .withTimeouts(Duration.ofSeconds(30)));
    }
}
