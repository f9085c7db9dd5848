package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.protocol.auth.ParsecPassword;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication plugins end to end with a real MariaDB server and real clients: ed25519 (the server's
 * auth_ed25519 accounts) with the MariaDB Connector/J and the mariadb CLI through a user_mapping_file,
 * caching_sha2_password (full exchange with RSA, then the fast path) and sha256_password with MySQL Connector/J,
 * skip_authentication; COM_CHANGE_USER to an account of each plugin (with MySQL Connector/J and MariaDB's
 * mysqltest client, through readconnroute and readwritesplit); a wrong password is refused for each. JUnit test
 * thread.
 */
class AuthPluginsTest {
    @TempDir
    static Path dir;
    static MariaDbServer db;
    static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.startStandalone(null, "authdb", 73, List.of("--plugin-load-add=auth_ed25519",
                // MariaDB's cleartext test plugin is marked "unknown" maturity.
                "--plugin-maturity=unknown"));
        db.execute("CREATE USER 'edu'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('edpwd');"
                + "GRANT SELECT ON test.* TO 'edu'@'%';"
                // A server plugin that asks the client for its password in clear (as PAM or LDAP would).
                + "INSTALL SONAME 'auth_test_plugin';"
                + "CREATE USER 'ctu'@'%' IDENTIFIED VIA cleartext_plugin_server USING 'ctpwd';"
                + "GRANT SELECT ON test.* TO 'ctu'@'%';"
                + "CREATE USER 'nu'@'%' IDENTIFIED BY 'nupwd';"
                + "GRANT SELECT ON test.* TO 'nu'@'%';"
                // A parsec account as MariaDB 11.6+ stores it; 10.11 keeps it (without the plugin to check it).
                + "INSERT INTO mysql.global_priv VALUES ('%', 'pu', '{\"access\":0,\"plugin\":\"parsec\","
                + "\"authentication_string\":\"" + ParsecPassword.authString("pupwd", 0) + "\"}');"
                + "FLUSH PRIVILEGES;"
                + "GRANT SELECT ON test.* TO 'pu'@'%';");
        Path mapping = dir.resolve("mapping.json");
        Files.writeString(mapping, "{\"user_map\": [{\"original_user\": \"edu\", \"mapped_user\": \"" + Accounts.APP_USER
                + "\"}, {\"original_user\": \"pu\", \"mapped_user\": \"" + Accounts.APP_USER
                + "\"}], \"server_credentials\": [{\"mapped_user\": \"" + Accounts.APP_USER + "\", \"password\": \""
                + Accounts.APP_PASSWORD + "\", \"plugin\": \"mysql_native_password\"}]}");
        String cnf = "[maxscale]\nthreads=2\nadmin_enabled=false\nmax_auth_errors_until_block=0\nlogdir=" + dir
                + "\npiddir=" + dir + "\ndatadir=" + dir + "\npersistdir=" + dir + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port() + "\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Mapped]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\nuser_mapping_file=" + mapping + "\n\n"
                // MySQL Connector/J reads MariaDB's "5.5.5-" version prefix as MySQL 5.5.5 and then misreads the
                // caching_sha2_password exchange (and 5.7.20+ would make it ask for transaction_isolation, which MariaDB 10.11 lacks).
                + "[Svc8]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\n"
                + "version_string=5.7.19-gatehouse\nuser=" + Accounts.SERVICE_USER + "\npassword="
                + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[MySQL8]\ntype=listener\nservice=Svc8\naddress=127.0.0.1\nport=0\n\n"
                // Presents itself as MySQL 8.0: greets with caching_sha2_password, as a MySQL 8 backend would.
                + "[Svc80]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\n"
                + "version_string=8.0.36-gatehouse\nuser=" + Accounts.SERVICE_USER + "\npassword="
                + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[MySQL80]\ntype=listener\nservice=Svc80\naddress=127.0.0.1\nport=0\n\n"
                + "[EdSha]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n"
                + "authenticator_options=ed_mode=sha256\n\n"
                + "[Clear]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n"
                + "authenticator_options=clear_pw_passthrough=true,clear_pw_without_tls=true\n\n"
                + "[Mon]\ntype=monitor\nmodule=mariadbmon\nservers=db\nmonitor_interval=200ms\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[Split]\ntype=service\nrouter=readwritesplit\nservers=db\nuser=" + Accounts.SERVICE_USER
                + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[SplitEdSha]\ntype=listener\nservice=Split\naddress=127.0.0.1\nport=0\n"
                + "authenticator_options=ed_mode=sha256\n\n"
                + "[Skip]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n"
                + "authenticator_options=skip_authentication=true\n";
        Files.writeString(dir.resolve("gatehouse.cnf"), cnf);
        gatehouse = Gatehouse.start(dir.resolve("gatehouse.cnf"));
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static String scalar(String url, String user, String password, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static String mariadb(String listener) {
        return "jdbc:mariadb://127.0.0.1:" + gatehouse.port(listener) + "/" + Accounts.DATABASE;
    }

    private static String mysql(String listener, String plugin) {
        return "jdbc:mysql://127.0.0.1:" + gatehouse.port(listener) + "/" + Accounts.DATABASE
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&defaultAuthenticationPlugin=" + plugin;
    }

    @Test
    void ed25519AccountsLogInAndUseTheMappedBackendCredential() throws Exception {
        assertThat(scalar(mariadb("Mapped"), "edu", "edpwd", "SELECT CURRENT_USER()"))
                .isEqualTo(Accounts.APP_USER + "@%");
        assertThatThrownBy(() -> scalar(mariadb("Mapped"), "edu", "not-it", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        Subprocess.Output cli = Subprocess.run(List.of("mariadb", "-h127.0.0.1", "-P" + gatehouse.port("Mapped"),
                "-uedu", "-pedpwd", Accounts.DATABASE, "-N", "-e", "SELECT CURRENT_USER()"), null, Duration.ofSeconds(30));
        assertThat(cli.exitCode()).as(cli.describe()).isZero();
        assertThat(cli.stdout().strip()).isEqualTo(Accounts.APP_USER + "@%");
        // Without a mapping there is no backend credential for an ed25519 account: refused with that reason.
        assertThatThrownBy(() -> scalar(mariadb("Skip"), "edu", "edpwd", "SELECT 1")).isInstanceOf(SQLException.class);
    }

    @Test
    void ed25519AccountsInSha256ModeLogIntoTheBackendAsThemselves() throws Exception {
        List<String> cli = List.of("mariadb", "-h127.0.0.1", "-P" + gatehouse.port("EdSha"), Accounts.DATABASE, "-N",
                "-e", "SELECT CURRENT_USER()");
        Subprocess.Output ok = Subprocess.run(concat(cli, "-uedu", "-pedpwd"), null, Duration.ofSeconds(30));
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stdout().strip()).as("no mapping: the backend session is edu's own").isEqualTo("edu@%");
        Subprocess.Output wrong = Subprocess.run(concat(cli, "-uedu", "-pnope"), null, Duration.ofSeconds(30));
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.stderr()).contains("Access denied");
    }

    @Test
    void cachingSha2PasswordWithMySqlConnectorFullThenFast() throws Exception {
        String url = mysql("MySQL8", "caching_sha2_password");
        long fastBefore = ClientSession.cachingSha2FastLogins();
        assertThat(scalar(url, Accounts.APP_USER, Accounts.APP_PASSWORD, "SELECT CURRENT_USER()"))
                .isEqualTo(Accounts.APP_USER + "@%");
        assertThat(scalar(url, Accounts.APP_USER, Accounts.APP_PASSWORD, "SELECT 2")).isEqualTo("2");
        assertThat(ClientSession.cachingSha2FastLogins()).as("the second login took the fast path")
                .isGreaterThan(fastBefore);
        assertThatThrownBy(() -> scalar(url, Accounts.APP_USER, "wrong", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
    }

    @Test
    void aChangedPasswordEndsTheFastPathOfTheOldOne() throws Exception {
        db.execute("CREATE USER 'cu'@'%' IDENTIFIED BY 'old-pw'; GRANT SELECT ON test.* TO 'cu'@'%';");
        var users = gatehouse.runtime().services().get("Svc8").users();
        users.refresh(true).get(30, java.util.concurrent.TimeUnit.SECONDS);
        String url = mysql("MySQL8", "caching_sha2_password");
        assertThat(scalar(url, "cu", "old-pw", "SELECT 1")).isEqualTo("1");      // full exchange, then cached
        db.execute("ALTER USER 'cu'@'%' IDENTIFIED BY 'new-pw';");
        users.refresh(true).get(30, java.util.concurrent.TimeUnit.SECONDS);
        long fast = ClientSession.cachingSha2FastLogins();
        assertThatThrownBy(() -> scalar(url, "cu", "old-pw", "SELECT 1")).isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied");
        assertThat(ClientSession.cachingSha2FastLogins()).as("the old password took no fast path").isEqualTo(fast);
        assertThat(scalar(url, "cu", "new-pw", "SELECT CURRENT_USER()")).isEqualTo("cu@%");
    }

    @Test
    void sha256PasswordWithMySqlConnector() throws Exception {
        String url = mysql("MySQL8", "sha256_password");
        assertThat(scalar(url, Accounts.APP_USER, Accounts.APP_PASSWORD, "SELECT 3")).isEqualTo("3");
        assertThatThrownBy(() -> scalar(url, Accounts.APP_USER, "wrong", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
    }

    @Test
    void skipAuthenticationLeavesTheCheckToTheServer() throws Exception {
        assertThat(scalar(mariadb("Skip"), Accounts.APP_USER, Accounts.APP_PASSWORD, "SELECT 4")).isEqualTo("4");
        // Gatehouse lets it through; the server refuses it, and the client hears the server's verdict.
        assertThatThrownBy(() -> scalar(mariadb("Skip"), Accounts.APP_USER, "wrong", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
    }

    @Test
    void clearPasswordPassthroughLetsTheBackendsPluginDecide() throws Exception {
        List<String> cli = List.of("mariadb", "-h127.0.0.1", "-P" + gatehouse.port("Clear"), Accounts.DATABASE, "-N",
                "-e", "SELECT CURRENT_USER()");
        Subprocess.Output ok = Subprocess.run(concat(cli, "-uctu", "-pctpwd"), null, Duration.ofSeconds(30));
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stdout().strip()).isEqualTo("ctu@%");
        Subprocess.Output wrong = Subprocess.run(concat(cli, "-uctu", "-pnope"), null, Duration.ofSeconds(30));
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.stderr()).contains("Access denied");
        // An ed25519 backend account: Gatehouse signs the server's scramble with the client's password.
        Subprocess.Output ed = Subprocess.run(concat(cli, "-uedu", "-pedpwd"), null, Duration.ofSeconds(30));
        assertThat(ed.exitCode()).as(ed.describe()).isZero();
        assertThat(ed.stdout().strip()).isEqualTo("edu@%");
        Subprocess.Output edWrong = Subprocess.run(concat(cli, "-uedu", "-pnope"), null, Duration.ofSeconds(30));
        assertThat(edWrong.exitCode()).isNotZero();
        assertThat(edWrong.stderr()).contains("Access denied");
        // A mysql_native_password backend account works too: Gatehouse has the password to make the token.
        Subprocess.Output nat = Subprocess.run(concat(cli, "-u" + Accounts.APP_USER, "-p" + Accounts.APP_PASSWORD),
                null, Duration.ofSeconds(30));
        assertThat(nat.exitCode()).as(nat.describe()).isZero();
        assertThat(nat.stdout().strip()).isEqualTo(Accounts.APP_USER + "@%");
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new java.util.ArrayList<>(a.subList(0, 3));
        out.addAll(List.of(more));
        out.addAll(a.subList(3, a.size()));
        return out;
    }

    @Test
    void nativeAccountsAreUnchanged() throws Exception {
        assertThat(scalar(mariadb("Mapped"), Accounts.APP_USER, Accounts.APP_PASSWORD, "SELECT 5")).isEqualTo("5");
        assertThatThrownBy(() -> scalar(mariadb("Mapped"), Accounts.APP_USER, "wrong", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
    }

    /** Runs a mysqltest script (MariaDB's Connector/C client, which has change_user) through {@code listener}. */
    private static Subprocess.Output mysqltest(String listener, String user, String password, String script)
            throws Exception {
        return Subprocess.run(List.of("mariadb-test", "--host=127.0.0.1", "--port=" + gatehouse.port(listener),
                "--user=" + user, "--password=" + password, "--database=" + Accounts.DATABASE, "--silent"),
                script, Duration.ofSeconds(60));
    }

    @Test
    void changeUserToEd25519AccountsSignsForTheBackend() throws Exception {
        for (String listener : List.of("EdSha", "SplitEdSha")) {
            Subprocess.Output ok = mysqltest(listener, Accounts.APP_USER, Accounts.APP_PASSWORD,
                    "change_user edu,edpwd,test;\nSELECT CONCAT('now:', CURRENT_USER());\n");
            assertThat(ok.exitCode()).as(listener + ": " + ok.describe()).isZero();
            assertThat(ok.stdout()).as(listener).contains("now:edu@%");
            Subprocess.Output wrong = mysqltest(listener, Accounts.APP_USER, Accounts.APP_PASSWORD,
                    "--error 1045\nchange_user edu,nope,test;\n");
            assertThat(wrong.exitCode()).as(listener + ": " + wrong.describe()).isZero();
        }
    }

    @Test
    void changeUserToEd25519AccountsUsesTheMappedCredential() throws Exception {
        Subprocess.Output ok = mysqltest("Mapped", "nu", "nupwd",
                "SELECT CONCAT('was:', CURRENT_USER());\nchange_user edu,edpwd,test;\n"
                        + "SELECT CONCAT('now:', CURRENT_USER());\n");
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stdout()).contains("was:nu@%").contains("now:" + Accounts.APP_USER + "@%");
        Subprocess.Output wrong = mysqltest("Mapped", "nu", "nupwd", "--error 1045\nchange_user edu,nope,test;\n");
        assertThat(wrong.exitCode()).as(wrong.describe()).isZero();
    }

    @Test
    void changeUserWithClearPasswordPassthrough() throws Exception {
        Subprocess.Output ok = mysqltest("Clear", Accounts.APP_USER, Accounts.APP_PASSWORD,
                "change_user ctu,ctpwd,test;\nSELECT CONCAT('now:', CURRENT_USER());\n");
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stdout()).contains("now:ctu@%");
    }

    @Test
    void changeUserWithTheSha256PluginsOfMySqlConnector() throws Exception {
        for (String plugin : List.of("caching_sha2_password", "sha256_password")) {
            try (Connection c = DriverManager.getConnection(mysql("MySQL8", plugin), Accounts.APP_USER,
                    Accounts.APP_PASSWORD)) {
                com.mysql.cj.jdbc.JdbcConnection mysql = c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
                mysql.changeUser("nu", "nupwd");
                assertThat(current(c)).as(plugin).isEqualTo("nu@%");
                // Again: for caching_sha2_password the fast path this time.
                mysql.changeUser(Accounts.APP_USER, Accounts.APP_PASSWORD);
                assertThat(current(c)).as(plugin).isEqualTo(Accounts.APP_USER + "@%");
                assertThatThrownBy(() -> mysql.changeUser("nu", "wrong")).as(plugin)
                        .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
            }
        }
    }

    /**
     * A second Gatehouse whose one server is this class's Gatehouse listener {@code backendListener}: the stand-in
     * for a backend kind no package here provides. Its listener is {@code FrontListener}.
     */
    private static Gatehouse startFront(Path frontDir, String backendListener, String serviceOptions,
                                        String listenerOptions) throws Exception {
        String cnf = "[maxscale]\nthreads=1\nadmin_enabled=false\nmax_auth_errors_until_block=0\nlogdir=" + frontDir
                + "\npiddir=" + frontDir + "\ndatadir=" + frontDir + "\npersistdir=" + frontDir + "\n\n"
                + "[backend]\ntype=server\naddress=127.0.0.1\nport=" + gatehouse.port(backendListener) + "\n\n"
                + "[Front]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=backend\n"
                + serviceOptions + "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD
                + "\n\n[FrontListener]\ntype=listener\nservice=Front\naddress=127.0.0.1\nport=0\n" + listenerOptions;
        Files.writeString(frontDir.resolve("front.cnf"), cnf);
        return Gatehouse.start(frontDir.resolve("front.cnf"));
    }

    /**
     * Gatehouse logging into a backend that speaks caching_sha2_password as MySQL 8 does: a second Gatehouse that
     * greets as MySQL 8.0 stands in for the MySQL 8 server (none is packaged for this platform); its server side of
     * the plugin is the one MySQL Connector/J checks above. The first login needs the backend's full exchange (RSA
     * key request, then the encrypted password), the second its fast path.
     */
    @Test
    void cachingSha2PasswordTowardsAMySql8StyleBackend(@TempDir Path frontDir) throws Exception {
        try (Gatehouse front = startFront(frontDir, "MySQL80", "version_string=5.7.19-gatehouse\n", "")) {
            String url = "jdbc:mysql://127.0.0.1:" + front.port("FrontListener") + "/" + Accounts.DATABASE
                    + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&defaultAuthenticationPlugin=caching_sha2_password";
            assertThat(scalar(url, "nu", "nupwd", "SELECT CURRENT_USER()")).isEqualTo("nu@%");
            long fast = ClientSession.cachingSha2FastLogins();
            assertThat(scalar(url, "nu", "nupwd", "SELECT CURRENT_USER()")).isEqualTo("nu@%");
            assertThat(ClientSession.cachingSha2FastLogins() - fast)
                    .as("the fast path at the front and at the MySQL 8 style backend").isGreaterThanOrEqualTo(2);
            assertThatThrownBy(() -> scalar(url, "nu", "wrong", "SELECT 1")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("Access denied");
        }
    }

    @Test
    void parsecAccountsLogInWithMariaDbConnectorAndUseTheMappedCredential() throws Exception {
        assertThat(scalar(mariadb("Mapped"), "pu", "pupwd", "SELECT CURRENT_USER()"))
                .isEqualTo(Accounts.APP_USER + "@%");
        assertThatThrownBy(() -> scalar(mariadb("Mapped"), "pu", "not-it", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        // No mapping: the password never reached Gatehouse, so there is nothing to log into the backends with.
        assertThatThrownBy(() -> scalar(mariadb("EdSha"), "pu", "pupwd", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("user_mapping_file");
    }

    /**
     * Gatehouse answering a backend's parsec exchange with the client's password (clear_pw_passthrough): the
     * backend is a second Gatehouse that checks parsec as MariaDB 11.6 does (no such server is packaged here).
     */
    @Test
    void parsecTowardsABackendThatAsksForIt(@TempDir Path frontDir) throws Exception {
        try (Gatehouse front = startFront(frontDir, "Mapped", "",
                "authenticator_options=clear_pw_passthrough=true\n")) {
            List<String> cli = List.of("mariadb", "-h127.0.0.1", "-P" + front.port("FrontListener"),
                    Accounts.DATABASE, "-N", "-e", "SELECT CURRENT_USER()");
            Subprocess.Output ok = Subprocess.run(concat(cli, "-upu", "-ppupwd"), null, Duration.ofSeconds(30));
            assertThat(ok.exitCode()).as(ok.describe()).isZero();
            assertThat(ok.stdout().strip()).isEqualTo(Accounts.APP_USER + "@%");
            Subprocess.Output wrong = Subprocess.run(concat(cli, "-upu", "-pnope"), null, Duration.ofSeconds(30));
            assertThat(wrong.exitCode()).isNotZero();
            assertThat(wrong.stderr()).contains("Access denied");
        }
    }

    private static String current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
