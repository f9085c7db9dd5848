package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's max_routing_connections with the service's multiplex_timeout, against a real server: with two
 * connections allowed and both held by clients, a third client waits and gets its connection as soon as one of the
 * first two leaves (its backend connection is closed rather than pooled, so the slot frees); a client that waits
 * longer than multiplex_timeout gets error 1040 naming the limit; the server never sees more than two session
 * connections. The test thread and one client thread; no Netty buffers.
 */
class MaxRoutingConnectionsTest {
    @TempDir
    static Path dir;
    static MariaDbServer db;
    static Gatehouse gh;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.startStandalone(null, "maxrouting", 98, List.of());
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, "[maxscale]\nthreads=2\nadmin_enabled=false\nlogdir=" + dir + "\npiddir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir.resolve("persist") + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port()
                + "\nmax_routing_connections=2\npersistpoolmax=10\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\nmultiplex_timeout=3s\n\n"
                + "[L]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n");
        gh = Gatehouse.start(cnf);
    }

    @AfterAll
    static void stop() {
        if (gh != null) {
            gh.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port("L") + "/" + Accounts.DATABASE
                + "?connectTimeout=20000", Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private static int serverSideSessions() {
        return Integer.parseInt(db.queryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                + Accounts.APP_USER + "'"));
    }

    private static long one(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aThirdClientWaitsForASlotAndALateOneIsRefusedByName() throws Exception {
        try (Connection a = connect(); Connection b = connect()) {
            one(a);
            one(b);
            assertThat(serverSideSessions()).isEqualTo(2);
            CompletableFuture<Connection> third = CompletableFuture.supplyAsync(() -> {
                try {
                    Connection c = connect();
                    one(c);
                    return c;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // The third waits (1 s is well within multiplex_timeout), then gets b's slot once b leaves.
            Thread.sleep(1000);
            assertThat(third).as("no slot yet").isNotDone();
            assertThat(serverSideSessions()).isLessThanOrEqualTo(2);
            b.close();
            try (Connection c = third.get(10, TimeUnit.SECONDS)) {
                assertThat(one(c)).isPositive();
                assertThat(serverSideSessions()).isLessThanOrEqualTo(2);
                // Both slots are held by active clients now: a fourth waits multiplex_timeout (3 s) and is refused.

                assertThatThrownBy(() -> {
                    try (Connection late = connect()) {
                        one(late);
                    }
                }).isInstanceOf(SQLException.class)
                        .hasMessageContaining("max_routing_connections=2")
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1040));
                assertThat(one(a)).as("the clients that have a connection keep it").isPositive();
            }
        }
    }
}
