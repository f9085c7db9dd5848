package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * readwritesplit options that change where statements go: {@code lazy_connect} (replicas join when reads need
 * them, with the session's state replayed), {@code strict_multi_stmt} and SERIALIZABLE isolation (the session stays
 * on the primary afterwards). Its own Gatehouse in front of the shared cluster. JUnit test thread.
 */
@ExtendWith(MariaDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadWriteSplitOptionsTest {
    private Gatehouse gh;
    private Path dir;
    private String primaryId;
    private String secondaryId;
    private Set<String> replicaIds;

    @BeforeAll
    void start(MariaDbCluster cluster) throws Exception {
        dir = Files.createTempDirectory("gatehouse-rws-options");
        // The last replica is rank=secondary: readwritesplit uses it only when the other replica cannot serve.
        MariaDbServer secondary = cluster.replicas().get(cluster.replicas().size() - 1);
        String base = GatehouseExtension.config(cluster, dir).replace("[" + secondary.name() + "]\ntype=server\n",
                "[" + secondary.name() + "]\ntype=server\nrank=secondary\n");
        secondaryId = String.valueOf(secondary.serverId());
        String extra = "[Lazy-Service]\ntype=service\nrouter=readwritesplit\nlazy_connect=true\ncluster=Cluster-Monitor\n"
                + "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Lazy-Listener]\ntype=listener\nservice=Lazy-Service\naddress=127.0.0.1\nport=0\n\n"
                + "[Strict-Service]\ntype=service\nrouter=readwritesplit\nstrict_multi_stmt=true\n"
                + "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\n\n[Strict-Listener]\ntype=listener\nservice=Strict-Service\naddress=127.0.0.1\nport=0\n\n"
                + "[Adaptive-Service]\ntype=service\nrouter=readwritesplit\nslave_selection_criteria=adaptive_routing\n"
                + "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\n\n[Adaptive-Listener]\ntype=listener\nservice=Adaptive-Service\naddress=127.0.0.1\nport=0\n\n"
                + "[Vars-Service]\ntype=service\nrouter=readwritesplit\nuse_sql_variables_in=master\n"
                + "cluster=Cluster-Monitor\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\n\n[Vars-Listener]\ntype=listener\nservice=Vars-Service\naddress=127.0.0.1\nport=0\n";
        Path file = dir.resolve("gatehouse.cnf");
        Files.writeString(file, base + extra);
        gh = Gatehouse.start(file);
        primaryId = String.valueOf(cluster.primary().serverId());
        replicaIds = cluster.replicas().stream().map(MariaDbServer::serverId).map(String::valueOf)
                .collect(Collectors.toSet());
    }

    @AfterAll
    void stop() {
        if (gh != null) {
            gh.close();
        }
        TempDirs.delete(dir);
    }

    private BlockingClient connect(String listener) throws Exception {
        return BlockingClient.connect(ClientOptions.tcp("127.0.0.1", gh.port(listener), Accounts.APP_USER,
                Accounts.APP_PASSWORD).withDatabase(Accounts.DATABASE).withTimeouts(Duration.ofSeconds(20)));
    }

    @Test
    void lazyConnectionsJoinWithTheSessionState() throws Exception {
        try (BlockingClient c = connect("Lazy-Listener")) {
            c.execute("SET @lazy = 'kept'");
            boolean onReplica = false;
            for (int i = 0; i < 50 && !onReplica; i++) {
                List<String> row = c.query("SELECT @lazy, @@server_id").rows().get(0);
                assertThat(row.get(0)).isEqualTo("kept");
                onReplica = replicaIds.contains(row.get(1));
                Thread.sleep(10);
            }
            assertThat(onReplica).as("a replica joined and served reads").isTrue();
        }
    }

    @Test
    void variableReadsFollowUseSqlVariablesIn() throws Exception {
        try (BlockingClient vars = connect("Vars-Listener"); BlockingClient all = connect("Split-Listener")) {
            vars.execute("SET @v = 1");
            all.execute("SET @v = 1");
            for (int i = 0; i < 4; i++) {
                assertThat(vars.query("SELECT @v, @@server_id").rows().get(0).get(1)).isEqualTo(primaryId);
                assertThat(all.query("SELECT @v, @@server_id").rows().get(0).get(1)).isIn(replicaIds);
            }
            assertThat(vars.query("SELECT @@server_id").scalar()).isIn(replicaIds);
        }
    }

    @Test
    void primaryRankReplicasComeFirst() throws Exception {
        try (BlockingClient c = connect("Split-Listener")) {
            for (int i = 0; i < 10; i++) {
                assertThat(c.query("SELECT @@server_id").scalar()).isIn(replicaIds).isNotEqualTo(secondaryId);
            }
        }
    }

    @Test
    void adaptiveRoutingReadsOnReplicas() throws Exception {
        try (BlockingClient c = connect("Adaptive-Listener")) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.query("SELECT @@server_id").scalar()).isIn(replicaIds);
            }
            assertThat(gh.runtime().servers().values().stream().filter(s -> replicaIds.contains(
                    String.valueOf(s.state().serverId()))).mapToLong(s -> s.averageResponseNanos()).max().orElse(0))
                    .as("response times measured").isPositive();
        }
    }

    @Test
    void serializableSessionsStayOnThePrimary() throws Exception {
        try (BlockingClient c = connect("Split-Listener")) {
            assertThat(c.query("SELECT @@server_id").scalar()).isIn(replicaIds);
            c.execute("SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            for (int i = 0; i < 5; i++) {
                assertThat(c.query("SELECT @@server_id").scalar()).isEqualTo(primaryId);
            }
        }
    }

    @Test
    void strictMultiStatementsKeepTheSessionOnThePrimary() throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + gh.port("Strict-Listener") + "/" + Accounts.DATABASE
                + "?allowMultiQueries=true&connectTimeout=10000&socketTimeout=20000";
        try (Connection c = DriverManager.getConnection(url, Accounts.APP_USER, Accounts.APP_PASSWORD);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT @@server_id")) {
                rs.next();
                assertThat(rs.getString(1)).isIn(replicaIds);
            }
            s.execute("SELECT 1; SELECT 2");
            while (s.getMoreResults() || s.getUpdateCount() != -1) {
                // drain every result of the multi-statement packet
            }
            try (ResultSet rs = s.executeQuery("SELECT @@server_id")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(primaryId);
            }
        }
    }
}
