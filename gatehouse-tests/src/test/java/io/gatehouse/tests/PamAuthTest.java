package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.Accounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pamauth authenticator against a real PAM stack: a PAM service written to /etc/pam.d for this run (removed
 * afterwards) checks the password with {@code pam_exec.so expose_authtok} and a script that logs every check, and
 * the backend's own {@code auth_pam} plugin uses the same service for the account {@code pamu} (IDENTIFIED VIA
 * pam). The mariadb CLI and MariaDB Connector/J (over TLS listeners: it sends a password in clear only there) log in
 * through Gatehouse with the {@code dialog} exchange and with {@code pam_use_cleartext_plugin}, and a raw client
 * changes user to the PAM account; a right password runs a query as {@code pamu} on the backend (two PAM checks:
 * Gatehouse's, then the backend's), a wrong one is refused by Gatehouse with one PAM check and no backend login
 * (the backend's Aborted_connects does not move); wrong passwords count towards the host block. Needs root (to
 * write /etc/pam.d); skipped with that reason otherwise. The test thread; owns no buffers.
 */
class PamAuthTest {
    private static final String USER = "pamu";
    private static final String PASSWORD = "pam-secret";

    @TempDir
    static Path dir;
    static AuthTestBed bed;
    static Path pamService;
    static Path checks;
    static TestCerts certs;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(io.gatehouse.core.pam.PamAuthenticator.runningAsRoot(),
                "not root (euid != 0): writing a PAM service to /etc/pam.d needs root");
        String service = "gatehouse-test-" + UUID.randomUUID().toString().substring(0, 8);
        checks = dir.resolve("pam-checks.log");
        Files.writeString(checks, "");
        Path script = dir.resolve("check-password.sh");
        // pam_exec writes the password, NUL-terminated, to the script's stdin. Only the user is logged.
        Files.writeString(script, "#!/bin/sh\npw=$(tr -d '\\000')\necho \"$PAM_USER\" >> " + checks + "\n"
                + "if [ \"$PAM_USER\" = " + USER + " ] && [ \"$pw\" = '" + PASSWORD + "' ]; then exit 0; fi\nexit 1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        pamService = Path.of("/etc/pam.d", service);
        Files.writeString(pamService, "auth required pam_exec.so expose_authtok quiet " + script + "\n"
                + "account required pam_permit.so\n");
        String pamListener = "authenticator=mariadbauth,pamauth\n";
        // Connector/J sends a password in clear (dialog, mysql_clear_password) only over TLS with a known certificate.
        certs = TestCerts.create(dir.resolve("certs"));
        String tls = "ssl=true\nssl_cert=" + certs.serverCert + "\nssl_key=" + certs.serverKey + "\n";
        bed = AuthTestBed.start(dir, "pamdb", 87,
                "INSTALL SONAME 'auth_pam';"
                        + "CREATE USER '" + USER + "'@'%' IDENTIFIED VIA pam USING '" + service + "';"
                        + "GRANT SELECT ON test.* TO '" + USER + "'@'%';",
                "max_auth_errors_until_block=3",
                AuthTestBed.listener("Pam", "Svc", pamListener)
                        + AuthTestBed.listener("PamClear", "Svc", pamListener
                        + "authenticator_options=pam_use_cleartext_plugin=true,pam_mode=password,"
                        + "pam_backend_mapping=none")
                        + AuthTestBed.listener("PamTls", "Svc", pamListener + tls)
                        + AuthTestBed.listener("PamClearTls", "Svc", pamListener + tls
                        + "authenticator_options=pam_use_cleartext_plugin=true")
                        + AuthTestBed.listener("NoPam", "Svc", ""));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (bed != null) {
                bed.close();
            }
        } finally {
            if (pamService != null) {
                Files.deleteIfExists(pamService);
            }
        }
    }

    // Each test's refused logins come from its own address (the host block counts per address and blocks at 3).

    @Test
    void theCliLogsInWithTheDialogPluginAndGatehouseAndTheBackendBothAskPam() throws Exception {
        int before = checks();
        Subprocess.Output ok = cli("Pam", PASSWORD);
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stdout().strip()).isEqualTo(USER + "@%");
        assertThat(checks() - before).as("Gatehouse's PAM check, then the backend's").isEqualTo(2);
    }

    @Test
    void aWrongPasswordIsRefusedByGatehouseBeforeAnyBackendLogin() throws Exception {
        long aborted = abortedConnects();
        int before = checks();
        Subprocess.Output wrong = cli("Pam", "not-the-password");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.stderr()).contains("1045").contains("Access denied for user '" + USER + "'");
        assertThatThrownBy(() -> query("PamTls", "127.0.0.2", "not-it", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        assertThat(checks() - before).as("only Gatehouse asked PAM").isEqualTo(2);
        assertThat(abortedConnects()).as("no failed login reached the backend").isEqualTo(aborted);
    }

    @Test
    void connectorJLogsInWithTheDialogPlugin() throws Exception {
        assertThat(query("PamTls", "127.0.0.1", PASSWORD, "SELECT CURRENT_USER()")).isEqualTo(USER + "@%");
    }

    @Test
    void theCleartextPluginWhenTheListenerAsksForIt() throws Exception {
        Subprocess.Output ok = cli("PamClear", PASSWORD);
        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stdout().strip()).isEqualTo(USER + "@%");
        assertThat(query("PamClearTls", "127.0.0.1", PASSWORD, "SELECT CURRENT_USER()")).isEqualTo(USER + "@%");
        long aborted = abortedConnects();
        assertThatThrownBy(() -> query("PamClearTls", "127.0.0.3", "not-it", "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        assertThat(abortedConnects()).isEqualTo(aborted);
    }

    @Test
    void withoutPamauthInTheListPamAccountsAreRefusedSayingWhatToAdd() {
        assertThatThrownBy(() -> query("NoPam", "127.0.0.4", PASSWORD, "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("add pamauth");
    }

    @Test
    void wrongPamPasswordsCountTowardsTheHostBlock() throws Exception {
        String host = "127.0.0.7";
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> query("PamTls", host, "not-it", "SELECT 1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        }
        int before = checks();
        assertThatThrownBy(() -> query("PamTls", host, PASSWORD, "SELECT 1"))
                .isInstanceOf(SQLException.class).hasMessageContaining("blocked");
        assertThat(checks()).as("a blocked host gets no PAM check").isEqualTo(before);
        // Another address is not blocked.
        assertThat(query("PamTls", "127.0.0.8", PASSWORD, "SELECT CURRENT_USER()")).isEqualTo(USER + "@%");
    }

    @Test
    void changeUserToAPamAccountIsCheckedWithPamAndTheBackendFollows() throws Exception {
        try (RawSession s = RawSession.connect("127.0.0.5", bed.port("Pam"), new byte[0])) {
            assertThat(s.login("nu", "nupwd")).isNull();
            int before = checks();
            assertThat(s.changeUser(USER, "not-it")).contains("Access denied");
            assertThat(checks() - before).as("Gatehouse refused it alone").isEqualTo(1);
            assertThat(s.changeUser(USER, PASSWORD)).isNull();
            assertThat(s.scalar("SELECT CURRENT_USER()")).isEqualTo(USER + "@%");
        }
    }

    private static Subprocess.Output cli(String listener, String password) throws Exception {
        List<String> command = new ArrayList<>(List.of("mariadb", "-h127.0.0.1", "-P" + bed.port(listener),
                "-u" + USER, "-p" + password, Accounts.DATABASE, "-N", "-e", "SELECT CURRENT_USER()"));
        return Subprocess.run(command, null, Duration.ofSeconds(60));
    }

    private static String query(String listener, String localAddress, String password, String sql) throws SQLException {
        String url = "jdbc:mariadb://127.0.0.1:" + bed.port(listener) + "/" + Accounts.DATABASE
                + (listener.endsWith("Tls") ? "?sslMode=verify-ca&serverSslCert=" + certs.ca : "?sslMode=disable")
                + "&localSocketAddress=" + localAddress;
        try (Connection c = DriverManager.getConnection(url, USER, password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** PAM checks so far: the script logs one line per check, whoever asked (Gatehouse or the backend). */
    private static int checks() throws Exception {
        return (int) Files.readAllLines(checks).stream().filter(l -> !l.isBlank()).count();
    }

    private static long abortedConnects() {
        return Long.parseLong(bed.db.queryValue("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = 'ABORTED_CONNECTS'"));
    }
}
