package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.server.ServerStatus;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.protocol.client.ServerErrorException;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parameters that Gatehouse used to accept and ignore, now shown in effect against two real standalone servers:
 * {@code auth_all_servers}, per-server {@code monitoruser}/{@code monitorpw}, {@code skip_name_resolve},
 * {@code authenticator_options=match_host=false} and {@code query_classifier_cache_size}. Server "one" and server
 * "two" share no accounts beyond the testkit's. JUnit test thread; blocking clients own no Netty buffers.
 */
class ParametersInEffectTest {
    @TempDir
    static Path dir;
    static MariaDbServer one;
    static MariaDbServer two;
    /** This machine's name, which resolves to 127.0.0.1 here (null when it does not). */
    static String hostName;

    @BeforeAll
    static void start() throws Exception {
        one = MariaDbServer.startStandalone(null, "paramsone", 81);
        two = MariaDbServer.startStandalone(null, "paramstwo", 82);
        one.execute("CREATE USER 'mon1'@'%' IDENTIFIED BY 'mon1pw'; GRANT REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'mon1'@'%'");
        two.execute("CREATE USER 'mon2'@'%' IDENTIFIED BY 'mon2pw'; GRANT REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'mon2'@'%';"
                + "CREATE USER 'only2'@'%' IDENTIFIED BY 'only2pw'; GRANT SELECT ON test.* TO 'only2'@'%';"
                + "CREATE USER 'mh'@'127.0.0.1' IDENTIFIED BY 'mhpw'; GRANT SELECT ON test.* TO 'mh'@'127.0.0.1'");
        try {
            String name = InetAddress.getLocalHost().getHostName();
            for (InetAddress a : InetAddress.getAllByName(name)) {
                if (a.getHostAddress().equals("127.0.0.1") && !name.equalsIgnoreCase("localhost")) {
                    hostName = name;
                }
            }
        } catch (java.net.UnknownHostException e) {
            hostName = null;
        }
        if (hostName != null) {
            // The name account has no grant on test; the address account has. The backend (skip-name-resolve) always
            // uses the address account, so only Gatehouse's own choice differs.
            two.execute("CREATE USER 'hn'@'" + hostName + "' IDENTIFIED BY 'hnpw';"
                    + "CREATE USER 'hn'@'127.0.0.%' IDENTIFIED BY 'hnpw'; GRANT SELECT ON test.* TO 'hn'@'127.0.0.%'");
        }
    }

    @AfterAll
    static void stop() {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
    }

    /** Server sections for the monitor (m1, m2) and unmonitored ones for account loading (a1 ranked below a2). */
    private static String config(String global) {
        String svc = "type=service\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n";
        return "[maxscale]\nthreads=2\nadmin_enabled=false\nmax_auth_errors_until_block=0\nusers_refresh_time=0s\n"
                + "logdir=" + dir + "\npiddir=" + dir + "\ndatadir=" + dir + "\npersistdir=" + dir + "\n" + global + "\n"
                + "[m1]\ntype=server\naddress=127.0.0.1\nport=" + one.port() + "\n\n"
                + "[m2]\ntype=server\naddress=127.0.0.1\nport=" + two.port() + "\nmonitoruser=mon2\nmonitorpw=mon2pw\n\n"
                + "[a1]\ntype=server\naddress=127.0.0.1\nport=" + one.port() + "\nrank=secondary\n\n"
                + "[a2]\ntype=server\naddress=127.0.0.1\nport=" + two.port() + "\n\n"
                + "[Mon]\ntype=monitor\nmodule=mariadbmon\nservers=m1,m2\nuser=mon1\npassword=mon1pw\n"
                + "monitor_interval=500ms\nbackend_connect_timeout=1s\n\n"
                + "[All]\n" + svc + "router=readconnroute\nrouter_options=running\nservers=a1,a2\nauth_all_servers=true\n\n"
                + "[One]\n" + svc + "router=readconnroute\nrouter_options=running\nservers=a1,a2\n\n"
                + "[Split]\n" + svc + "router=readwritesplit\nservers=m1,m2\n\n"
                + "[All-L]\ntype=listener\nservice=All\naddress=127.0.0.1\nport=0\n\n"
                + "[One-L]\ntype=listener\nservice=One\naddress=127.0.0.1\nport=0\n\n"
                + "[AnyHost-L]\ntype=listener\nservice=All\naddress=0.0.0.0\nport=0\n"
                + "authenticator_options=match_host=false\n\n"
                + "[Host-L]\ntype=listener\nservice=All\naddress=0.0.0.0\nport=0\n\n";
    }

    private static Gatehouse start(String name, String global) throws Exception {
        // Not in persistdir itself: Gatehouse lays every other *.cnf there over its configuration as a runtime
        // change, so one start's file would override the next one's [maxscale] section.
        Path file = Files.createDirectories(dir.resolve("configs")).resolve(name + ".cnf");
        Files.writeString(file, config(global));
        return Gatehouse.start(file);
    }

    private static ClientOptions as(int port, String user, String password) {
        return ClientOptions.tcp("127.0.0.1", port, user, password).withTimeouts(Duration.ofSeconds(10))
                .withDatabase(Accounts.DATABASE);
    }

    private static int loginError(int port, String user, String password) {
        try (BlockingClient c = BlockingClient.connect(as(port, user, password))) {
            return 0;
        } catch (ServerErrorException e) {
            return e.code();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void parametersTakeEffect() throws Exception {
        try (Gatehouse gh = start("main", "query_classifier_cache_size=8Mi")) {
            // auth_all_servers: an account that exists only on the second server logs in through the service that
            // merges every server's accounts, and not through the one that reads only the first server.
            try (BlockingClient c = BlockingClient.connect(as(gh.port("All-L"), "only2", "only2pw"))) {
                assertThat(c.query("SELECT CURRENT_USER()").scalar()).isEqualTo("only2@%");
            }
            assertThat(loginError(gh.port("One-L"), "only2", "only2pw")).isEqualTo(1045);

            // monitoruser/monitorpw: m2 is monitored with its own account (the monitor's mon1 does not exist there).
            int m1 = gh.runtime().servers().get("m1").status();
            int m2 = gh.runtime().servers().get("m2").status();
            assertThat(ServerStatus.has(m1, ServerStatus.RUNNING)).as("m1 with the monitor's user").isTrue();
            assertThat(ServerStatus.has(m2, ServerStatus.RUNNING)).as("m2 with its monitoruser").isTrue();
            assertThat(ServerStatus.has(m2, ServerStatus.AUTH_ERROR)).isFalse();

            // query_classifier_cache_size: 8Mi shared by two workers.
            assertThat(gh.runtime().services().get("Split").router().diagnostics())
                    .containsEntry("classifier_cache_size", 4L << 20);

            // match_host=false: 'mh'@'127.0.0.1' logs in from 127.0.0.2 only through the listener that ignores the
            // client's host (the backend sees Gatehouse at 127.0.0.1, as the account intends).
            String fromOther = "?localSocketAddress=127.0.0.2&user=mh&password=mhpw";
            Assumptions.assumeTrue(canBind127002(), "127.0.0.2 is not usable here");
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port("AnyHost-L") + "/"
                    + Accounts.DATABASE + fromOther); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port("Host-L") + "/"
                    + Accounts.DATABASE + fromOther)) {
                throw new AssertionError("a client from 127.0.0.2 matched 'mh'@'127.0.0.1' with match_host on");
            } catch (SQLException e) {
                assertThat(e.getErrorCode()).isEqualTo(1045);
            }
        }
    }

    @Test
    void skipNameResolveDecidesWhetherHostNameAccountsMatch() throws Exception {
        Assumptions.assumeTrue(hostName != null, "this machine's name does not resolve to 127.0.0.1");
        // Name resolution on (MaxScale's default): 'hn'@'<this machine>' is the most specific match for 127.0.0.1 and
        // it has no grant on the test database.
        try (Gatehouse gh = start("resolve", "")) {
            assertThat(loginError(gh.port("All-L"), "hn", "hnpw")).isEqualTo(1044);
        }
        // skip_name_resolve=true: host-name accounts match nobody, so the address account is used.
        try (Gatehouse gh = start("skip", "skip_name_resolve=true")) {
            assertThat(loginError(gh.port("All-L"), "hn", "hnpw")).isZero();
        }
    }

    private static boolean canBind127002() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
