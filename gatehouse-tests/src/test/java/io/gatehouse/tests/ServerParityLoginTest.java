package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins as a client sees them directly and through Gatehouse, compared (error code, SQL state and message, or the
 * account logged in): accounts and databases made after the last account load (by a new login and by
 * COM_CHANGE_USER, with the default {@code users_refresh_time}), accounts written straight into the privilege tables,
 * the host the server names in its refusals, over-long database names, the mariadb CLI's
 * {@code --default-auth=caching_sha2_password}, and the refusal of an ed25519 account by a listener without
 * {@code ed25519auth}. Every comparison goes through readconnroute and readwritesplit, with MariaDB Connector/J, the
 * mariadb CLI and mariadb-test (Connector/C, for change_user). The server resolves client names (as a default
 * server does) so that it calls 127.0.0.1 {@code localhost}. JUnit test thread; no Netty buffers.
 */
class ServerParityLoginTest {
    @TempDir
    static Path dir;
    static MariaDbServer db;
    static Gatehouse gatehouse;

    /** What a client got: code 0 and the CURRENT_USER() of the session, or the error the login ended with. */
    record Outcome(int code, String state, String message) {
        static Outcome ok(String currentUser) {
            return new Outcome(0, "", currentUser);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.startStandalone(null, "paritydb", 91, List.of("--plugin-load-add=auth_ed25519",
                // A server as installed: it names clients by host name, so 127.0.0.1 is 'localhost' in its errors.
                "--skip-name-resolve=OFF"));
        db.execute("CREATE USER 'nu'@'%' IDENTIFIED BY 'nupwd'; GRANT SELECT ON test.* TO 'nu'@'%';"
                + "CREATE USER 'edu'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('edpwd');"
                + "GRANT SELECT ON test.* TO 'edu'@'%';");
        String svc = "user=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n";
        // users_refresh_time is left at its default (30s): a login must not be refused from old accounts anyway.
        String cnf = "[maxscale]\nthreads=2\nadmin_enabled=false\nmax_auth_errors_until_block=0\nlogdir=" + dir
                + "\npiddir=" + dir + "\ndatadir=" + dir + "\npersistdir=" + dir + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port() + "\n\n"
                + "[Mon]\ntype=monitor\nmodule=mariadbmon\nservers=db\nmonitor_interval=200ms\n" + svc
                + "[Conn]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\n" + svc
                + "[Split]\ntype=service\nrouter=readwritesplit\nservers=db\n" + svc
                + AuthTestBed.listener("Conn-L", "Conn", "")
                + AuthTestBed.listener("Split-L", "Split", "")
                // Greet as MySQL 5.7 so that MySQL Connector/J speaks its SHA-256 plugins (see AuthPluginsTest).
                + "[Conn8]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\n"
                + "version_string=5.7.19-gatehouse\n" + svc
                + "[Split8]\ntype=service\nrouter=readwritesplit\nservers=db\nversion_string=5.7.19-gatehouse\n" + svc
                + AuthTestBed.listener("Conn8-L", "Conn8", "")
                + AuthTestBed.listener("Split8-L", "Split8", "")
                + AuthTestBed.listener("ConnNative-L", "Conn", "authenticator=mariadbauth")
                + AuthTestBed.listener("SplitNative-L", "Split", "authenticator=mariadbauth");
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

    /** Where a client connects: the server itself, then Gatehouse through each router. */
    private static Map<String, Integer> targets(String... listeners) {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("direct", db.port());
        for (String l : listeners.length == 0 ? new String[] {"Conn-L", "Split-L"} : listeners) {
            out.put(l, gatehouse.port(l));
        }
        return out;
    }

    /** Loads both services' accounts now, so that what the test creates next is newer than the last load. */
    private static void accountsJustLoaded() throws Exception {
        for (String service : List.of("Conn", "Split", "Conn8", "Split8")) {
            gatehouse.runtime().services().get(service).users().refresh(true).get(30, TimeUnit.SECONDS);
        }
    }

    private static final Pattern CONN_PREFIX = Pattern.compile("^(?:.*? : )?\\(conn=\\d+\\) ");

    /** MariaDB Connector/J logs in and asks CURRENT_USER(). */
    private static Outcome jdbc(int port, String user, String password, String database) {
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            return Outcome.ok(rs.getString(1));
        } catch (SQLException e) {
            // The connection id differs between the server and Gatehouse; the rest is what the client shows.
            return new Outcome(e.getErrorCode(), e.getSQLState(), CONN_PREFIX.matcher(e.getMessage()).replaceFirst(""));
        }
    }

    /** MySQL Connector/J logs in with one of its SHA-256 plugins and asks CURRENT_USER(). */
    private static Outcome mysqlJdbc(int port, String user, String password, String plugin) {
        String url = "jdbc:mysql://127.0.0.1:" + port + "/" + Accounts.DATABASE
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&defaultAuthenticationPlugin=" + plugin;
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            return Outcome.ok(rs.getString(1));
        } catch (SQLException e) {
            return new Outcome(e.getErrorCode(), e.getSQLState(), e.getMessage());
        }
    }

    private static final Pattern CLI_ERROR =
            Pattern.compile("ERROR (\\d+) \\(([0-9A-Z]{5})\\)(?: at line \\d+)?: (.*)");

    /** The mariadb CLI logs in (with {@code extra} options) and prints CURRENT_USER(). */
    private static Outcome cli(int port, String user, String password, String database, String... extra)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mariadb", "--no-defaults", "-h127.0.0.1", "-P" + port,
                "-u" + user, "-p" + password, "--connect-timeout=20"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-N", "-e", "SELECT CURRENT_USER()", database));
        Subprocess.Output out = Subprocess.run(cmd, null, Duration.ofSeconds(60));
        if (out.exitCode() == 0) {
            return Outcome.ok(out.stdout().strip());
        }
        Matcher m = CLI_ERROR.matcher(out.stderr().strip());
        if (!m.find()) {
            throw new AssertionError("no error line from the CLI: " + out.describe());
        }
        return new Outcome(Integer.parseInt(m.group(1)), m.group(2), m.group(3));
    }

    private static final Pattern TEST_ERROR = Pattern.compile("failed: (?:\\w+ )?\\(?(\\d+)\\)?: (.*)");

    /** mariadb-test logs in as the application account, changes user (COM_CHANGE_USER) and asks CURRENT_USER(). */
    private static Outcome changeUser(int port, String user, String password, String database) throws Exception {
        Subprocess.Output out = Subprocess.run(List.of("mariadb-test", "--host=127.0.0.1", "--port=" + port,
                "--user=" + Accounts.APP_USER, "--password=" + Accounts.APP_PASSWORD, "--database=" + Accounts.DATABASE,
                "--silent"), "change_user " + user + "," + password + "," + database + ";\n"
                + "SELECT CONCAT('now', ':', CURRENT_USER());\n", Duration.ofSeconds(60));
        Matcher now = Pattern.compile("now:(\\S+)").matcher(out.stdout());
        if (out.exitCode() == 0 && now.find()) {
            return Outcome.ok(now.group(1));
        }
        Matcher m = TEST_ERROR.matcher(out.stdout() + "\n" + out.stderr());
        if (!m.find()) {
            throw new AssertionError("no error line from mariadb-test: " + out.describe());
        }
        return new Outcome(Integer.parseInt(m.group(1)), "", m.group(2).strip());
    }

    private interface Client {
        Outcome run(int port) throws Exception;
    }

    /** Runs {@code client} against every target and asserts that each got what the server gave directly. */
    private static void sameAsDirect(String what, Client client, String... listeners) throws Exception {
        Map<String, Outcome> got = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> t : targets(listeners).entrySet()) {
            got.put(t.getKey(), client.run(t.getValue()));
        }
        Outcome direct = got.get("direct");
        for (Map.Entry<String, Outcome> e : got.entrySet()) {
            assertThat(e.getValue()).as(what + " through " + e.getKey() + " (all: " + got + ")").isEqualTo(direct);
        }
    }

    @Test
    void changeUserToAnAccountMadeOrGrantedAfterTheLastLoadWorks() throws Exception {
        db.execute("CREATE USER 'cg'@'%' IDENTIFIED BY 'cgpwd'; GRANT SELECT ON test.* TO 'cg'@'%';");
        accountsJustLoaded();
        db.execute("CREATE USER 'cu'@'%' IDENTIFIED BY 'cupwd'; GRANT SELECT ON test.* TO 'cu'@'%';"
                + "CREATE DATABASE cgdb; GRANT SELECT ON cgdb.* TO 'cg'@'%';");
        sameAsDirect("change_user to a new account", p -> changeUser(p, "cu", "cupwd", "test"));
        sameAsDirect("change_user to a database granted after the load", p -> changeUser(p, "cg", "cgpwd", "cgdb"));
        sameAsDirect("change_user with a wrong password", p -> changeUser(p, "cu", "wrong", "test"));
        sameAsDirect("change_user into a database without a grant", p -> changeUser(p, "cu", "cupwd", "mysql"));
        assertThat(changeUser(db.port(), "cu", "cupwd", "test")).isEqualTo(Outcome.ok("cu@%"));
    }

    @Test
    void anAccountOrDatabaseMadeAMomentAgoIsAccepted() throws Exception {
        accountsJustLoaded();
        db.execute("CREATE USER 'nb'@'%' IDENTIFIED BY 'nbpwd'; GRANT SELECT ON test.* TO 'nb'@'%';");
        sameAsDirect("Connector/J as a new account", p -> jdbc(p, "nb", "nbpwd", Accounts.DATABASE));
        db.execute("CREATE USER 'nc'@'%' IDENTIFIED BY 'ncpwd'; GRANT SELECT ON test.* TO 'nc'@'%';");
        sameAsDirect("the CLI as a new account", p -> cli(p, "nc", "ncpwd", Accounts.DATABASE));
        db.execute("CREATE DATABASE freshdb");
        sameAsDirect("Connector/J into a new database",
                p -> jdbc(p, Accounts.APP_USER, Accounts.APP_PASSWORD, "freshdb"));
        db.execute("CREATE DATABASE freshdb2");
        sameAsDirect("the CLI into a new database",
                p -> cli(p, Accounts.APP_USER, Accounts.APP_PASSWORD, "freshdb2"));
        db.execute("ALTER USER 'nb'@'%' IDENTIFIED BY 'nbpwd2'");
        sameAsDirect("Connector/J with a password changed a moment ago",
                p -> jdbc(p, "nb", "nbpwd2", Accounts.DATABASE));
        db.execute("ALTER USER 'nb'@'%' IDENTIFIED BY 'nbpwd3'");
        sameAsDirect("change_user with a password changed a moment ago",
                p -> changeUser(p, "nb", "nbpwd3", Accounts.DATABASE));
        assertThat(jdbc(db.port(), "nb", "nbpwd3", Accounts.DATABASE)).isEqualTo(Outcome.ok("nb@%"));
    }

    @Test
    void aPasswordChangedAMomentAgoWorksWithMySqlConnectorsSha256Plugins() throws Exception {
        db.execute("CREATE USER 'ms'@'%' IDENTIFIED BY 'mspwd'; GRANT SELECT ON test.* TO 'ms'@'%';");
        int round = 0;
        for (String plugin : List.of("caching_sha2_password", "sha256_password")) {
            accountsJustLoaded();
            String password = "mspwd" + (++round);
            db.execute("ALTER USER 'ms'@'%' IDENTIFIED BY '" + password + "'");
            sameAsDirect("MySQL Connector/J with " + plugin + " and a password changed a moment ago",
                    p -> mysqlJdbc(p, "ms", password, plugin), "Conn8-L", "Split8-L");
        }
        assertThat(mysqlJdbc(gatehouse.port("Conn8-L"), "ms", "mspwd2", "sha256_password"))
                .isEqualTo(Outcome.ok("ms@%"));
    }

    @Test
    void refusalsNameTheHostAndCodeTheServerWould() throws Exception {
        sameAsDirect("Connector/J as an unknown user", p -> jdbc(p, "nosuchuser", "x", Accounts.DATABASE));
        sameAsDirect("the CLI with a wrong password", p -> cli(p, "nu", "wrong", Accounts.DATABASE));
        sameAsDirect("a database without a grant", p -> jdbc(p, "nu", "nupwd", "mysql"));
        sameAsDirect("an unknown database", p -> cli(p, Accounts.APP_USER, Accounts.APP_PASSWORD, "nosuchdb"));
        String tooLong = "d".repeat(65);
        sameAsDirect("Connector/J into an over-long database name",
                p -> jdbc(p, Accounts.APP_USER, Accounts.APP_PASSWORD, tooLong));
        sameAsDirect("the CLI into an over-long database name",
                p -> cli(p, Accounts.APP_USER, Accounts.APP_PASSWORD, tooLong));
        String wayTooLong = "e".repeat(120);
        sameAsDirect("the CLI into a database name too long to quote whole",
                p -> cli(p, Accounts.APP_USER, Accounts.APP_PASSWORD, wayTooLong));
        assertThat(jdbc(db.port(), "nosuchuser", "x", Accounts.DATABASE).message())
                .contains("'nosuchuser'@'localhost'");
        assertThat(jdbc(db.port(), Accounts.APP_USER, Accounts.APP_PASSWORD, tooLong).code()).isEqualTo(1102);
    }

    @Test
    void theCliWithDefaultAuthCachingSha2LogsIn() throws Exception {
        sameAsDirect("mariadb --default-auth=caching_sha2_password", p -> cli(p, Accounts.APP_USER,
                Accounts.APP_PASSWORD, Accounts.DATABASE, "--default-auth=caching_sha2_password"));
        sameAsDirect("the same with a wrong password", p -> cli(p, Accounts.APP_USER, "wrong", Accounts.DATABASE,
                "--default-auth=caching_sha2_password"));
        assertThat(cli(db.port(), Accounts.APP_USER, Accounts.APP_PASSWORD, Accounts.DATABASE,
                "--default-auth=caching_sha2_password")).isEqualTo(Outcome.ok(Accounts.APP_USER + "@%"));
    }

    @Test
    void accountsWrittenIntoThePrivilegeTablesArePickedUp() throws Exception {
        accountsJustLoaded();
        String hash = db.queryValue("SELECT PASSWORD('dwpwd')");
        db.execute("INSERT INTO mysql.global_priv (Host, User, Priv) VALUES ('%', 'dw', '{\"access\":0,"
                + "\"plugin\":\"mysql_native_password\",\"authentication_string\":\"" + hash + "\"}');"
                + "INSERT INTO mysql.db (Host, Db, User, Select_priv) VALUES ('%', 'test', 'dw', 'Y');"
                + "FLUSH PRIVILEGES;");
        sameAsDirect("Connector/J as a written account", p -> jdbc(p, "dw", "dwpwd", Accounts.DATABASE));
        sameAsDirect("the CLI as a written account", p -> cli(p, "dw", "dwpwd", Accounts.DATABASE));
        sameAsDirect("change_user to a written account", p -> changeUser(p, "dw", "dwpwd", Accounts.DATABASE));
        // A global privilege in the access bits (1 is SELECT) and no plugin named: the server's defaults apply.
        db.execute("INSERT INTO mysql.global_priv (Host, User, Priv) VALUES ('%', 'dwg', '{\"access\":1,"
                + "\"authentication_string\":\"" + hash + "\"}'); FLUSH PRIVILEGES;");
        sameAsDirect("Connector/J as a written account with a global grant", p -> jdbc(p, "dwg", "dwpwd", "freshdb3"));
        db.execute("CREATE DATABASE freshdb3");
        sameAsDirect("the same into a new database", p -> jdbc(p, "dwg", "dwpwd", "freshdb3"));
        assertThat(jdbc(db.port(), "dw", "dwpwd", Accounts.DATABASE)).isEqualTo(Outcome.ok("dw@%"));
    }

    @Test
    void aListenerWithoutEd25519AuthSaysWhichSettingEnablesIt() throws Exception {
        assertThat(jdbc(db.port(), "edu", "edpwd", Accounts.DATABASE)).isEqualTo(Outcome.ok("edu@%"));
        for (String listener : List.of("ConnNative-L", "SplitNative-L")) {
            int port = gatehouse.port(listener);
            for (Outcome o : List.of(jdbc(port, "edu", "edpwd", Accounts.DATABASE),
                    cli(port, "edu", "edpwd", Accounts.DATABASE))) {
                assertThat(o.code()).as(listener + ": " + o).isEqualTo(1045);
                assertThat(o.state()).as(listener + ": " + o).isEqualTo("28000");
                assertThat(o.message()).as(listener + ": " + o)
                        .startsWith("Access denied for user 'edu'@'localhost'")
                        .contains("ed25519").contains("authenticator").contains("ed25519auth");
            }
        }
    }
}
