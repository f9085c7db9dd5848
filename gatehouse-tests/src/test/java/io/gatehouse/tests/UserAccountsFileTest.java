package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.users.UserAccount;
import io.gatehouse.core.users.UserAccounts;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service's user_accounts_file against a real server: with add_when_load_ok the file adds accounts and database
 * grants while a server row of the same user@host wins; with file_only_always only the file's accounts log in (the
 * servers are not even readable by the service user), Gatehouse checking their passwords against the file's hashes
 * before the backend checks them again; a broken file stops the start with a message naming it. The test thread;
 * no Netty buffers.
 */
class UserAccountsFileTest {
    @TempDir
    static Path dir;
    static MariaDbServer db;
    static String alicePwHash;
    static String filePwHash;

    @BeforeAll
    static void start() {
        db = MariaDbServer.startStandalone(null, "usersfile", 97, List.of());
        db.execute("CREATE USER 'alice'@'%' IDENTIFIED BY 'alicepw'; GRANT SELECT ON test.* TO 'alice'@'%';"
                + "CREATE USER 'bob'@'%' IDENTIFIED BY 'bobpw'; GRANT SELECT ON test.* TO 'bob'@'%';"
                + "CREATE DATABASE filedb;");
        alicePwHash = db.queryValue("SELECT PASSWORD('alicepw')");
        filePwHash = db.queryValue("SELECT PASSWORD('filepw')");
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    private static Gatehouse start(String name, String servicePassword, String fileJson, String usage)
            throws Exception {
        Path users = dir.resolve(name + ".json");
        Files.writeString(users, fileJson);
        Path cnf = dir.resolve(name + ".cnf");
        Files.writeString(cnf, "[maxscale]\nthreads=1\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + dir + "\npiddir=" + dir
                + "\ndatadir=" + dir + "\npersistdir=" + dir + "/" + name + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port() + "\n\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + servicePassword + "\nuser_accounts_file=" + users
                + "\nuser_accounts_file_usage=" + usage + "\n\n"
                + "[L]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n");
        return Gatehouse.start(cnf);
    }

    /** Logs in and returns CURRENT_USER(), or "refused: " and the error. */
    private static String currentUser(Gatehouse gh, String user, String password) throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.1", gh.port("L"), new byte[0])) {
            String err = s.login(user, password);
            return err != null ? "refused: " + err : s.scalar("SELECT CURRENT_USER()");
        }
    }

    private static UserAccounts accounts(Gatehouse gh) throws Exception {
        var users = gh.runtime().services().get("Svc").users();
        users.refresh(true).get(30, TimeUnit.SECONDS);
        return users.snapshot();
    }

    @Test
    void theFileAddsAccountsAndGrantsButAServerRowWins() throws Exception {
        String file = "{\"user\": [{\"user\": \"alice\", \"host\": \"%\", \"password\": \"" + filePwHash + "\"},"
                + " {\"user\": \"dave\", \"host\": \"%\", \"password\": \"" + filePwHash + "\"}],"
                + " \"db\": [{\"user\": \"alice\", \"host\": \"%\", \"db\": \"filedb\"}]}";
        try (Gatehouse gh = start("add", Accounts.SERVICE_PASSWORD, file, "add_when_load_ok")) {
            assertThat(currentUser(gh, "alice", "alicepw")).as("the server's password").isEqualTo("alice@%");
            assertThat(currentUser(gh, "alice", "filepw")).as("the file's row of alice is discarded")
                    .startsWith("refused: 1045");
            assertThat(currentUser(gh, "bob", "bobpw")).isEqualTo("bob@%");
            UserAccounts users = accounts(gh);
            UserAccount alice = users.find("alice", "127.0.0.1", true);
            assertThat(users.mayUseDatabase(alice, "filedb")).as("the file's grant is added to the server's row")
                    .isTrue();
            assertThat(users.mayUseDatabase(alice, "test")).as("and the server's grants stay").isTrue();
            assertThat(users.find("dave", "127.0.0.1", true)).as("an account only the file has").isNotNull();
        }
    }

    @Test
    void withFileOnlyAlwaysOnlyTheFileCountsAndTheServersAreNotAsked() throws Exception {
        String file = "{\"user\": [{\"user\": \"alice\", \"host\": \"%\", \"password\": \"" + alicePwHash + "\","
                + " \"plugin\": \"mysql_native_password\"}], \"db\": [{\"user\": \"alice\", \"host\": \"%\","
                + " \"db\": \"test\"}]}";
        // The service user's password is wrong: loading from the server would fail, and must not be needed.
        try (Gatehouse gh = start("fileonly", "not-the-service-password", file, "file_only_always")) {
            assertThat(currentUser(gh, "alice", "alicepw")).isEqualTo("alice@%");
            assertThat(currentUser(gh, "alice", "wrong")).as("checked against the file's hash")
                    .startsWith("refused: 1045");
            assertThat(currentUser(gh, "bob", "bobpw")).as("bob is on the server but not in the file")
                    .startsWith("refused: 1045");
            // An edit of the file applies at the next reload, which gatectl asks for.
            Files.writeString(dir.resolve("fileonly.json"), file.replace("}], \"db\"", "}, {\"user\": \"bob\","
                    + " \"host\": \"%\", \"password\": \"" + db.queryValue("SELECT PASSWORD('bobpw')")
                    + "\"}], \"db\""));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Gatectl.run(new String[] {"--hosts", "127.0.0.1:" + gh.admin().port(), "reload", "service",
                "Svc"}, new PrintWriter(out), new PrintWriter(err));
            assertThat(status).as(err.toString()).isZero();
            assertThat(out.toString()).isEqualTo("OK\n");
            assertThat(currentUser(gh, "bob", "bobpw")).as("added to the file and reloaded").isEqualTo("bob@%");
            // The databases are unknown without the servers: a database in the grants is left to the server.
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gh.port("L") + "/"
                    + Accounts.DATABASE, "alice", "alicepw");
                 ResultSet rs = c.createStatement().executeQuery("SELECT DATABASE()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(Accounts.DATABASE);
            }
        }
    }

    @Test
    void aBrokenFileStopsTheStartNamingTheProblem() {
        String file = "{\"user\": [{\"user\": \"erin\", \"host\": \"%\", \"default_role\": \"auditor\"}]}";
        assertThatThrownBy(() -> start("broken", Accounts.SERVICE_PASSWORD, file, "add_when_load_ok"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("[Svc] user_accounts_file")
                .hasMessageContaining("default_role 'auditor'");
        assertThatThrownBy(() -> start("badhash", Accounts.SERVICE_PASSWORD,
                "{\"user\": [{\"user\": \"erin\", \"host\": \"%\", \"password\": \"secret\"}]}", "add_when_load_ok"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mysql_native_password hash");
        assertThatThrownBy(() -> start("unknown", Accounts.SERVICE_PASSWORD, "{\"users\": []}", "add_when_load_ok"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown array 'users'");
    }
}
