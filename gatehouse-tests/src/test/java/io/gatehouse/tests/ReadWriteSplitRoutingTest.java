package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where readwritesplit sends each kind of statement, asserted with {@code @@server_id}. Replicas run with
 * {@code read_only=ON} and the application user lacks READ ONLY ADMIN, so a write sent to a replica would fail with
 * 1290 instead of silently diverging. JUnit test thread; blocking clients and JDBC, no Netty buffers.
 */
@ExtendWith(GatehouseExtension.class)
class ReadWriteSplitRoutingTest {
    private final GatehouseExtension.RunningGatehouse gh;
    private final String primaryId;
    private final Set<String> replicaIds;

    ReadWriteSplitRoutingTest(GatehouseExtension.RunningGatehouse gh) {
        this.gh = gh;
        this.primaryId = String.valueOf(gh.cluster().primary().serverId());
        this.replicaIds = gh.cluster().replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                .collect(Collectors.toSet());
    }

    @BeforeEach
    void replicasAreReadOnly() {
        for (MariaDbServer r : gh.cluster().replicas()) {
            r.execute("SET GLOBAL read_only = ON");
        }
    }

    private BlockingClient connect() throws Exception {
        Endpoint e = gh.split();
        return BlockingClient.connect(ClientOptions.tcp(e.host(), e.port(), e.user(), e.password())
                .withDatabase(e.database()).withTimeouts(Duration.ofSeconds(20)));
    }

    private static String id(BlockingClient c) throws Exception {
        return c.query("SELECT @@server_id").scalar();
    }

    @Test
    void autocommitReadsGoToReplicasAndWritesToThePrimary() throws Exception {
        try (BlockingClient c = connect()) {
            assertThat(id(c)).isIn(replicaIds);
            c.execute("CREATE TABLE IF NOT EXISTS rws_marks (id INT PRIMARY KEY AUTO_INCREMENT, sid INT)");
            c.execute("INSERT INTO rws_marks (sid) VALUES (@@server_id)");
            assertThat(c.query("SELECT LAST_INSERT_ID() > 0, @@server_id").rows().get(0).get(1)).isEqualTo(primaryId);
            assertThat(c.query("SELECT sid FROM rws_marks ORDER BY id DESC LIMIT 1 FOR UPDATE").scalar())
                    .isEqualTo(primaryId);
        }
    }

    @Test
    void readsSeeTheSessionsOwnWritesWithCausalReads() throws Exception {
        try (BlockingClient c = connect()) {
            c.execute("CREATE TABLE IF NOT EXISTS rws_causal (id INT PRIMARY KEY AUTO_INCREMENT, v INT)");
            c.execute("DELETE FROM rws_causal");
            for (int i = 1; i <= 30; i++) {
                c.execute("INSERT INTO rws_causal (v) VALUES (" + i + ")");
                var row = c.query("SELECT COUNT(*), @@server_id FROM rws_causal").rows().get(0);
                assertThat(row.get(0)).as("after insert %d on server %s", i, row.get(1)).isEqualTo(String.valueOf(i));
            }
        }
    }

    @Test
    void functionsWithSideEffectsGoToThePrimary() throws Exception {
        try (BlockingClient c = connect()) {
            var row = c.query("SELECT GET_LOCK('rws_fn', 0), @@server_id").rows().get(0);
            assertThat(row.get(1)).isEqualTo(primaryId);
            assertThat(c.query("SELECT RELEASE_LOCK('rws_fn'), @@server_id").rows().get(0).get(1)).isEqualTo(primaryId);
            assertThat(c.query("SELECT UPPER('x'), @@server_id").rows().get(0).get(1)).isIn(replicaIds);
        }
    }

    @Test
    void foundRowsGoesWhereThePreviousReadWent() throws Exception {
        try (BlockingClient c = connect()) {
            for (int i = 0; i < 6; i++) {
                var first = c.query("SELECT SQL_CALC_FOUND_ROWS @@server_id FROM mysql.help_topic LIMIT 1");
                String server = first.rows().get(0).get(0);
                var found = c.query("SELECT FOUND_ROWS(), @@server_id").rows().get(0);
                assertThat(found.get(1)).isEqualTo(server);
                assertThat(Long.parseLong(found.get(0))).isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Test
    void readsSpreadOverEveryReplica() throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        try (BlockingClient c = connect()) {
            for (int i = 0; i < 40; i++) {
                seen.merge(id(c), 1, Integer::sum);
            }
        }
        assertThat(seen.keySet()).isEqualTo(replicaIds);
        assertThat(seen.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(10));
    }

    @Test
    void transactionsAndAutocommitOffStayOnThePrimary() throws Exception {
        try (BlockingClient c = connect()) {
            c.execute("BEGIN");
            assertThat(id(c)).isEqualTo(primaryId);
            c.execute("COMMIT");
            assertThat(id(c)).isIn(replicaIds);
            c.execute("SET autocommit = 0");
            assertThat(id(c)).isEqualTo(primaryId);
            c.execute("COMMIT");
            assertThat(id(c)).isEqualTo(primaryId);
            c.execute("SET autocommit = 1");
            assertThat(id(c)).isIn(replicaIds);
        }
    }

    @Test
    void readOnlyTransactionsUseOneReplica() throws Exception {
        try (BlockingClient c = connect()) {
            c.execute("START TRANSACTION READ ONLY");
            String first = id(c);
            assertThat(first).isIn(replicaIds);
            for (int i = 0; i < 5; i++) {
                assertThat(id(c)).isEqualTo(first);
            }
            c.execute("COMMIT");
        }
    }

    @Test
    void sessionStateIsTheSameOnEveryConnection() throws Exception {
        try (BlockingClient c = connect()) {
            c.execute("SET @greeting = 'hello'");
            c.execute("SET NAMES utf8mb4");
            c.execute("SET sql_mode = 'ANSI_QUOTES'");
            c.execute("USE mysql");
            for (int i = 0; i < 6; i++) {
                var row = c.query("SELECT @greeting, DATABASE(), @@sql_mode, @@character_set_client, @@server_id")
                        .rows().get(0);
                assertThat(row.subList(0, 4)).containsExactly("hello", "mysql", "ANSI_QUOTES", "utf8mb4");
            }
        }
    }

    @Test
    void temporaryTablesAreReadOnThePrimary() throws Exception {
        try (BlockingClient c = connect()) {
            c.execute("CREATE TEMPORARY TABLE rws_tmp (a INT)");
            c.execute("INSERT INTO rws_tmp VALUES (1), (2)");
            assertThat(c.query("SELECT COUNT(*) FROM rws_tmp").scalar()).isEqualTo("2");
            c.execute("DROP TEMPORARY TABLE rws_tmp");
            assertThat(id(c)).isIn(replicaIds);
        }
    }

    @Test
    void preparedStatementsRunWhereTheirStatementBelongs() throws Exception {
        Endpoint e = gh.split();
        String url = "jdbc:mariadb://" + e.host() + ":" + e.port() + "/" + e.database()
                + "?useServerPrepStmts=true&connectTimeout=10000&socketTimeout=20000";
        try (Connection conn = DriverManager.getConnection(url, e.user(), e.password())) {
            try (PreparedStatement ps = conn.prepareStatement("SELECT @@server_id, ?")) {
                for (int i = 0; i < 3; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isIn(replicaIds);
                        assertThat(rs.getInt(2)).isEqualTo(i);
                    }
                }
            }
            try (var st = conn.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS rws_ps (a INT, sid INT)");
            }
            try (PreparedStatement ins = conn.prepareStatement("INSERT INTO rws_ps VALUES (?, @@server_id)")) {
                ins.setInt(1, 7);
                assertThat(ins.executeUpdate()).isEqualTo(1);
            }
        }
    }
}
