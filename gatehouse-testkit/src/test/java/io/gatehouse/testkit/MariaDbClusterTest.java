package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MariaDbExtension.class)
class MariaDbClusterTest {
    private static MariaDbCluster cluster;

    @BeforeAll
    static void createTable(MariaDbCluster shared) {
        cluster = shared;
        cluster.primary().execute("CREATE TABLE IF NOT EXISTS test.testkit_rows (id INT PRIMARY KEY, v VARCHAR(20))");
    }

    @Test
    void hasAPrimaryAndTwoReplicasOnDistinctPorts() {
        assertThat(cluster.servers()).extracting(MariaDbServer::name).containsExactly("server1", "server2", "server3");
        assertThat(cluster.servers()).extracting(MariaDbServer::port).doesNotHaveDuplicates();
        assertThat(cluster.servers()).allMatch(MariaDbServer::isRunning);
        for (MariaDbServer server : cluster.servers()) {
            assertThat(server.queryValue("SELECT @@server_id")).isEqualTo(Integer.toString(server.serverId()));
            assertThat(server.queryValue("SELECT @@port")).isEqualTo(Integer.toString(server.port()));
        }
    }

    @Test
    void replicasFollowThePrimaryByGtidAndStayWritable() {
        for (MariaDbServer replica : cluster.replicas()) {
            assertThat(replica.queryValue("SELECT @@read_only")).isEqualTo("0");
            Map<String, String> status = replica.replicationStatus();
            assertThat(status).containsEntry("Using_Gtid", "Slave_Pos")
                    .containsEntry("Master_Host", "127.0.0.1")
                    .containsEntry("Master_Port", Integer.toString(cluster.primary().port()))
                    .containsEntry("Master_User", Accounts.REPL_USER)
                    .containsEntry("Slave_IO_Running", "Yes")
                    .containsEntry("Slave_SQL_Running", "Yes");
        }
    }

    @Test
    void primaryIsNotAReplica() {
        assertThat(cluster.primary().replicationStatus()).isEmpty();
    }

    @Test
    void writeOnThePrimaryIsVisibleOnBothReplicas() {
        cluster.primary().execute("INSERT INTO test.testkit_rows VALUES (1, 'one') ON DUPLICATE KEY UPDATE v = 'one'");
        cluster.awaitReplication(Duration.ofSeconds(30));
        for (MariaDbServer replica : cluster.replicas()) {
            assertThat(replica.query("SELECT id, v FROM test.testkit_rows WHERE id = 1"))
                    .containsExactly(List.of("1", "one"));
            assertThat(replica.gtidSlavePos()).isEqualTo(cluster.primary().gtidBinlogPos());
        }
    }

    @Test
    void killedReplicaResumesReplicationAfterRestartOnTheSamePort() {
        MariaDbServer replica = cluster.replicas().get(0);
        int port = replica.port();
        long pid = replica.pid();

        replica.kill();
        assertThat(replica.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        cluster.primary().execute("INSERT INTO test.testkit_rows VALUES (2, 'while down')"
                + " ON DUPLICATE KEY UPDATE v = 'while down'");
        replica.start();
        assertThat(replica.port()).isEqualTo(port);
        assertThat(replica.pid()).isNotEqualTo(pid);
        cluster.primary().execute("INSERT INTO test.testkit_rows VALUES (3, 'after') ON DUPLICATE KEY UPDATE v = 'after'");
        cluster.awaitReplication(Duration.ofSeconds(30));

        assertThat(replica.query("SELECT id, v FROM test.testkit_rows WHERE id IN (2, 3) ORDER BY id"))
                .containsExactly(List.of("2", "while down"), List.of("3", "after"));
    }

    @Test
    void replicasReconnectWithinSecondsAfterThePrimaryRestarts() {
        MariaDbServer primary = cluster.primary();
        primary.kill();
        primary.start();
        primary.execute("INSERT INTO test.testkit_rows VALUES (4, 'restarted') ON DUPLICATE KEY UPDATE v = 'restarted'");

        cluster.awaitReplication(Duration.ofSeconds(15));

        for (MariaDbServer replica : cluster.replicas()) {
            assertThat(replica.queryValue("SELECT v FROM test.testkit_rows WHERE id = 4")).isEqualTo("restarted");
        }
    }

    @Test
    void accountsExistOnEveryServerOverTcp() {
        for (MariaDbServer server : cluster.servers()) {
            assertThat(TcpClient.currentUser(server, Accounts.ROOT_USER, Accounts.ROOT_PASSWORD)).isEqualTo("root@%");
            assertThat(TcpClient.currentUser(server, Accounts.SERVICE_USER, Accounts.SERVICE_PASSWORD))
                    .isEqualTo("maxuser@%");
            assertThat(TcpClient.currentUser(server, Accounts.REPL_USER, Accounts.REPL_PASSWORD)).isEqualTo("repl@%");
            assertThat(TcpClient.currentUser(server, Accounts.APP_USER, Accounts.APP_PASSWORD)).isEqualTo("app@%");
        }
        assertThat(TcpClient.run(cluster.primary(), Accounts.APP_USER, "wrong", "SELECT 1").exitCode()).isNotZero();
    }
}
