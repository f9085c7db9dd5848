package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * readwritesplit's {@code reuse_prepared_statements=true} (a repeated prepare of the same SQL is answered with the
 * connection's earlier statement: the primary counts one {@code Com_stmt_prepare}, not five) and
 * {@code optimistic_trx=true} (a transaction runs on a replica until it writes, then on the primary), both
 * honoured by the psreuse and optimistictrx filters the router implies. Connector/J with server-side prepared
 * statements; JUnit test thread, no Netty buffers.
 */
@ExtendWith(MariaDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadWriteSplitImpliedFiltersTest {
    private MariaDbCluster cluster;
    private Gatehouse gh;
    private Path dir;
    private String primaryId;
    private Set<String> replicaIds;

    @BeforeAll
    void start(MariaDbCluster c) throws Exception {
        cluster = c;
        dir = Files.createTempDirectory("gatehouse-implied");
        String creds = "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword="
                + Accounts.SERVICE_PASSWORD + "\n";
        String cnf = GatehouseExtension.config(c, dir)
                + "\n[Reuse-Service]\ntype=service\nrouter=readwritesplit\nreuse_prepared_statements=true\n" + creds
                + "\n[Reuse-Listener]\ntype=listener\nservice=Reuse-Service\naddress=127.0.0.1\nport=0\n"
                + "\n[Plain-Service]\ntype=service\nrouter=readwritesplit\n" + creds
                + "\n[Plain-Listener]\ntype=listener\nservice=Plain-Service\naddress=127.0.0.1\nport=0\n"
                + "\n[Optimistic-Service]\ntype=service\nrouter=readwritesplit\noptimistic_trx=true\n" + creds
                + "\n[Optimistic-Listener]\ntype=listener\nservice=Optimistic-Service\naddress=127.0.0.1\nport=0\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        gh = Gatehouse.start(file);
        primaryId = String.valueOf(c.primary().serverId());
        replicaIds = c.replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                .collect(Collectors.toSet());
        c.primary().execute("CREATE TABLE IF NOT EXISTS " + Accounts.DATABASE
                + ".implied_t (id INT PRIMARY KEY, v INT)");
        c.primary().execute("REPLACE INTO " + Accounts.DATABASE + ".implied_t VALUES (1, 10)");
        c.awaitReplication(java.time.Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (gh != null) {
            gh.close();
        }
        TempDirs.delete(dir);
    }

    private Connection connect(String service) throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port(service + "-Listener") + "/"
                + Accounts.DATABASE + "?useServerPrepStmts=true&cachePrepStmts=false&socketTimeout=20000",
                Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private long primaryPrepares() {
        return Long.parseLong(cluster.primary().queryValue(
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'"));
    }

    /** Prepares, runs and closes the same statement five times; returns how many prepares the primary saw. */
    private long preparesForFiveRounds(String service) throws Exception {
        try (Connection c = connect(service)) {
            long before = primaryPrepares();
            for (int i = 0; i < 5; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT v FROM implied_t WHERE id = ?")) {
                    ps.setInt(1, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(10);
                    }
                }
            }
            return primaryPrepares() - before;
        }
    }

    @Test
    void repeatedPreparesReuseTheStatement() throws Exception {
        assertThat(preparesForFiveRounds("Plain")).as("without reuse").isEqualTo(5);
        assertThat(preparesForFiveRounds("Reuse")).as("reuse_prepared_statements=true").isEqualTo(1);
    }

    private static String scalar(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void optimisticTransactionsStartOnAReplicaAndMoveWhenTheyWrite() throws Exception {
        try (Connection c = connect("Optimistic"); Statement st = c.createStatement()) {
            st.execute("BEGIN");
            assertThat(scalar(c, "SELECT @@server_id")).isIn(replicaIds);
            st.execute("COMMIT");
            st.execute("BEGIN");
            assertThat(scalar(c, "SELECT v FROM implied_t WHERE id = 1")).isEqualTo("10");
            st.execute("UPDATE implied_t SET v = v + 1 WHERE id = 1");
            assertThat(scalar(c, "SELECT CONCAT(@@server_id, ':', v) FROM implied_t WHERE id = 1"))
                    .isEqualTo(primaryId + ":11");
            st.execute("COMMIT");
        }
        assertThat(cluster.primary().queryValue("SELECT v FROM " + Accounts.DATABASE + ".implied_t WHERE id = 1"))
                .isEqualTo("11");
        cluster.primary().execute("UPDATE " + Accounts.DATABASE + ".implied_t SET v = 10 WHERE id = 1");
    }
}
