package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A COM_CHANGE_USER that Gatehouse accepts but a backend refuses (issue 15 item 7, issue 16 "Commands"): the
 * account {@code cuq} exists everywhere with the same password but may hold one connection per server
 * (MAX_USER_CONNECTIONS 1), and the test holds that one connection directly on a chosen server. A server that
 * refuses a COM_CHANGE_USER answers with its error and keeps the connection as the old user; through both routers
 * the client must get the same bytes and keep a usable session of one identity. Own cluster and Gatehouse; raw
 * protocol clients on the test thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeUserRefusedTest {
    private static final String LIMITED = "cuq";
    private static final String LIMITED_PASSWORD = "cuqpwd";
    private static final String FREE = "cuf";
    private static final String FREE_PASSWORD = "cufpwd";

    private MariaDbCluster cluster;
    private Gatehouse gatehouse;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        cluster = MariaDbCluster.start(null, 2);
        cluster.primary().execute("CREATE USER '" + LIMITED + "'@'%' IDENTIFIED BY '" + LIMITED_PASSWORD
                + "' WITH MAX_USER_CONNECTIONS 1; GRANT SELECT ON test.* TO '" + LIMITED + "'@'%';"
                + "CREATE USER '" + FREE + "'@'%' IDENTIFIED BY '" + FREE_PASSWORD + "';"
                + "GRANT SELECT ON test.* TO '" + FREE + "'@'%'");
        cluster.awaitReplication(java.time.Duration.ofSeconds(30));
        dir = Files.createTempDirectory("gatehouse-changeuser");
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, GatehouseExtension.config(cluster, dir)
                + "[Lazy-Service]\ntype=service\nrouter=readwritesplit\nlazy_connect=true\ncluster=Cluster-Monitor\n"
                + "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Lazy-Listener]\ntype=listener\nservice=Lazy-Service\naddress=127.0.0.1\nport=0\n");
        gatehouse = Gatehouse.start(cnf);
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        TempDirs.delete(dir);
    }

    private static RawSession app(int port) throws Exception {
        RawSession s = RawSession.connect("127.0.0.1", port, new byte[0]);
        s.readTimeout(20_000);
        assertThat(s.login(Accounts.APP_USER, Accounts.APP_PASSWORD)).isNull();
        return s;
    }

    /** The limited account's one connection on {@code server}, held open by the test. */
    private static RawSession hold(MariaDbServer server) throws Exception {
        RawSession s = RawSession.connect("127.0.0.1", server.port(), new byte[0]);
        assertThat(s.login(LIMITED, LIMITED_PASSWORD)).isNull();
        return s;
    }

    private static void awaitNoConnectionOf(MariaDbServer server, String user) throws InterruptedException {
        for (int i = 0; i < 100 && !"0".equals(server.queryValue(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")); i++) {
            Thread.sleep(100);
        }
    }

    /** CURRENT_USER() as every connection of the session answers it: reads spread over the replicas. */
    private static Set<String> usersSeen(RawSession s) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(s.scalar("SELECT CURRENT_USER()"));
        }
        return seen;
    }

    @Test
    void aRefusedChangeUserLeavesTheSessionTheOldUsersAsTheServerDoes() throws Exception {
        String direct;
        try (RawSession held = hold(cluster.primary()); RawSession s = app(cluster.primary().port())) {
            direct = s.changeUser(LIMITED, LIMITED_PASSWORD);
            assertThat(direct).startsWith("1226 ");
            assertThat(s.scalar("SELECT CURRENT_USER()")).isEqualTo(Accounts.APP_USER + "@%");
        }
        for (String listener : new String[] {"Write-Listener", "Split-Listener"}) {
            // The previous round's session ended as the limited user; its backend connection closes a moment later.
            awaitNoConnectionOf(cluster.primary(), LIMITED);
            try (RawSession held = hold(cluster.primary()); RawSession s = app(gatehouse.port(listener))) {
                assertThat(s.changeUser(LIMITED, LIMITED_PASSWORD)).as(listener).isEqualTo(direct);
                assertThat(usersSeen(s)).as(listener + ": the session stays the old user's on every connection")
                        .containsExactly(Accounts.APP_USER + "@%");
                // And it can change user again once the server allows it, as directly.
                held.close();
                awaitNoConnectionOf(cluster.primary(), LIMITED);
                assertThat(s.changeUser(LIMITED, LIMITED_PASSWORD)).as(listener).isNull();
                assertThat(usersSeen(s)).as(listener).containsExactly(LIMITED + "@%");
            }
        }
    }

    /**
     * MySQL Connector/J's changeUser (the JDBC driver with a COM_CHANGE_USER API): the refusal it reports and what the
     * connection does next are the same through both routers as directly.
     */
    @Test
    void mySqlConnectorJSeesTheSameRefusalAndSessionAsDirectly() throws Exception {
        String direct = connectorJChangeUser(cluster.primary().port());
        assertThat(direct).startsWith("refused 1226");
        for (String listener : new String[] {"Write-Listener", "Split-Listener"}) {
            assertThat(connectorJChangeUser(gatehouse.port(listener))).as(listener).isEqualTo(direct);
        }
    }

    private String connectorJChangeUser(int port) throws Exception {
        String url = "jdbc:mysql://127.0.0.1:" + port + "/" + Accounts.DATABASE
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&socketTimeout=20000";
        // A session that ended as the limited user (the previous round, or another test of the class) leaves its
        // backend connection closing a moment later; holding the one allowed connection before that fails.
        awaitNoConnectionOf(cluster.primary(), LIMITED);
        try (RawSession held = hold(cluster.primary());
             java.sql.Connection c = java.sql.DriverManager.getConnection(url, Accounts.APP_USER,
                     Accounts.APP_PASSWORD)) {
            String outcome;
            try {
                c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).changeUser(LIMITED, LIMITED_PASSWORD);
                outcome = "accepted";
            } catch (java.sql.SQLException e) {
                outcome = "refused " + e.getErrorCode() + " " + e.getSQLState();
            }
            try (java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT CURRENT_USER()")) {
                rs.next();
                return outcome + ", then " + rs.getString(1);
            } catch (java.sql.SQLException e) {
                return outcome + ", then " + e.getClass().getSimpleName();
            }
        }
    }

    /**
     * A COM_CHANGE_USER that fails on the accounts (a wrong password, an unknown user, a database without a grant or
     * that does not exist): Gatehouse answers it itself, with the server's error, and the session afterwards is what
     * the server leaves: still the old user's, on every connection.
     */
    @Test
    void aChangeUserRefusedOnTheAccountsLeavesTheSessionAsTheServerDoes() throws Exception {
        String[][] cases = {{FREE, "wrong", "test"}, {"nosuchuser", "x", "test"}, {FREE, FREE_PASSWORD, "mysql"},
            {FREE, FREE_PASSWORD, "nosuchdb"}};
        for (String[] c : cases) {
            String direct = refusedChangeUser(cluster.primary().port(), c[0], c[1], c[2]);
            assertThat(direct).as(String.join("/", c))
                    .matches("10(44|45|49) .* \\((28000|42000)\\), then \\[" + Accounts.APP_USER + "@%]");
            for (String listener : new String[] {"Write-Listener", "Split-Listener"}) {
                assertThat(refusedChangeUser(gatehouse.port(listener), c[0], c[1], c[2]))
                        .as(listener + ": " + String.join("/", c)).isEqualTo(direct);
            }
        }
    }

    private static String refusedChangeUser(int port, String user, String password, String database)
            throws Exception {
        try (RawSession s = app(port)) {
            s.write(RawLogin.changeUser(user, password, s.nonce(), database));
            String got = s.answerAuth(password);
            got = got + " (" + s.lastAuthErrorState() + ")";
            String after;
            try {
                after = new java.util.TreeSet<>(usersSeen(s)).toString();
            } catch (java.io.IOException e) {
                after = "closed";
            }
            return got + ", then " + after;
        }
    }

    @Test
    void aReplicaThatRefusesIsDroppedAndTheSessionIsTheNewUserEverywhere() throws Exception {
        try (RawSession held = hold(cluster.replicas().get(0)); RawSession s = app(gatehouse.port("Split-Listener"))) {
            assertThat(s.changeUser(LIMITED, LIMITED_PASSWORD)).as("the primary accepted").isNull();
            assertThat(usersSeen(s)).containsExactly(LIMITED + "@%");
        }
    }

    @Test
    void connectionsStillLoggingInJoinAsTheNewUser() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (RawSession s = app(gatehouse.port("Lazy-Listener"))) {
                // The first read opens the replica connections; the change comes while they are logging in.
                s.send("SELECT 1");
                s.write(RawLogin.changeUser(FREE, FREE_PASSWORD, s.nonce(), "test"));
                assertThat(s.scalarReply()).isEqualTo("1");
                assertThat(s.answerAuth(FREE_PASSWORD)).isNull();
                Thread.sleep(1500);                              // replacements may open once a second
                assertThat(usersSeen(s)).containsExactly(FREE + "@%");
                Thread.sleep(500);
                assertThat(usersSeen(s)).containsExactly(FREE + "@%");
            }
        }
    }
}
