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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each TLS option decides, seen by real clients and a real server: client certificates checked against
 * {@code ssl_ca} and {@code ssl_crl}, backend certificates checked against the CA and the host name with a clear
 * error for the client while other servers go on serving, a backend without TLS refused, and {@code ssl_version}/
 * {@code ssl_cipher} choosing what is negotiated on both sides. JUnit test thread; each Gatehouse is closed by its
 * test, the servers after the class.
 */
class TlsVerificationTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    /** TLS with a certificate of the test CA that names db.invalid, not the address Gatehouse dials. */
    static MariaDbServer misnamed;
    /** No TLS at all. */
    static MariaDbServer plain;

    @BeforeAll
    static void startServers() throws Exception {
        certs = TestCerts.create(dir.resolve("certs"));
        misnamed = MariaDbServer.startStandalone(null, "tlsmisnamed", 72, List.of("--ssl-cert="
                + certs.misnamedServerCert, "--ssl-key=" + certs.misnamedServerKey, "--ssl-ca=" + certs.ca));
        plain = MariaDbServer.startStandalone(null, "plaindb", 73);
    }

    @AfterAll
    static void stopServers() {
        if (misnamed != null) {
            misnamed.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    /** One server, service and listener named after {@code name}; the listener's TLS options may be empty. */
    private record Route(String name, MariaDbServer db, String serverTls, String listenerTls) {
    }

    private static String listenerTls(String extra) {
        return "ssl=true\nssl_cert=" + certs.serverCert + "\nssl_key=" + certs.serverKey + "\n" + extra;
    }

    private static Gatehouse start(String name, List<Route> routes) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        StringBuilder cnf = new StringBuilder("[maxscale]\nthreads=2\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + d
                + "\npiddir=" + d + "\ndatadir=" + d + "\npersistdir=" + d + "\n\n");
        for (Route r : routes) {
            cnf.append("[").append(r.name).append("-db]\ntype=server\naddress=127.0.0.1\nport=").append(r.db.port())
                    .append("\n").append(r.serverTls).append("\n\n[").append(r.name)
                    .append("-svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=")
                    .append(r.name)
                    .append("-db\nuser=" + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n[")
                    .append(r.name).append("]\ntype=listener\nservice=").append(r.name)
                    .append("-svc\naddress=127.0.0.1\nport=0\n").append(r.listenerTls).append("\n\n");
        }
        Path file = d.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        return Gatehouse.start(file);
    }

    private static Connection connect(int port, String options) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + Accounts.DATABASE
                + "?connectTimeout=10000&" + options, Accounts.APP_USER, Accounts.APP_PASSWORD);
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(rs.getMetaData().getColumnCount());
        }
    }

    /** The mariadb CLI over TLS to {@code port}, verifying Gatehouse's certificate, with {@code extra} options. */
    private static Subprocess.Output cli(int port, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mariadb", "-h127.0.0.1", "-P" + port, "-u" + Accounts.APP_USER,
                "-p" + Accounts.APP_PASSWORD, "--ssl", "--ssl-ca=" + certs.ca, "--ssl-verify-server-cert"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of(Accounts.DATABASE, "-N", "-e", "SELECT 'through'"));
        return Subprocess.run(cmd, null, Duration.ofSeconds(30));
    }

    @Test
    void clientCertificatesAreCheckedAgainstTheCaAndTheRevocationList() throws Exception {
        String verify = "ssl_ca=" + certs.ca + "\nssl_verify_peer_certificate=true\nssl_crl=" + certs.crl + "\n";
        Route route = new Route("L", misnamed, "ssl=true\n", listenerTls(verify));
        try (Gatehouse gh = start("client-certs", List.of(route))) {
            int port = gh.port("L");
            Subprocess.Output good = cli(port, "--ssl-cert=" + certs.clientCert, "--ssl-key=" + certs.clientKey);
            assertThat(good.exitCode()).as(good.describe()).isZero();
            assertThat(good.stdout().trim()).isEqualTo("through");
            Subprocess.Output none = cli(port);
            assertThat(none.exitCode()).as("no client certificate: " + none.describe()).isNotZero();
            Subprocess.Output foreign = cli(port, "--ssl-cert=" + certs.otherClientCert,
                    "--ssl-key=" + certs.otherClientKey);
            assertThat(foreign.exitCode()).as("another CA's certificate: " + foreign.describe()).isNotZero();
            Subprocess.Output revoked = cli(port, "--ssl-cert=" + certs.revokedClientCert,
                    "--ssl-key=" + certs.revokedClientKey);
            assertThat(revoked.exitCode()).as("a revoked certificate: " + revoked.describe()).isNotZero();
            // The refusals were about those certificates: the valid one still gets in.
            Subprocess.Output again = cli(port, "--ssl-cert=" + certs.clientCert, "--ssl-key=" + certs.clientKey);
            assertThat(again.exitCode()).as(again.describe()).isZero();
        }
    }

    @Test
    void backendsThatFailVerificationGiveTheClientAClearErrorWhileOthersServe() throws Exception {
        String ca = "ssl=true\nssl_verify_peer_certificate=true\nssl_ca=";
        // The account loader meets the same refusal (and logs it), which leaves only "access denied" for clients;
        // without the password check in Gatehouse the client sees the refusal of its own backend connection.
        String backendChecksPassword = "authenticator_options=skip_authentication=true\n";
        try (Gatehouse gh = start("backend-checks", List.of(
                new Route("wrong-ca", misnamed, ca + certs.otherCa + "\n", backendChecksPassword),
                new Route("wrong-host", misnamed, ca + certs.ca + "\nssl_verify_peer_host=true\n",
                        backendChecksPassword),
                new Route("no-tls", plain, "ssl=true\n", backendChecksPassword),
                new Route("wrong-ca-checked", misnamed, ca + certs.otherCa + "\n", ""),
                new Route("ca-only", misnamed, ca + certs.ca + "\n", "")))) {
            assertThatThrownBy(() -> connect(gh.port("wrong-ca"), "").close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("TLS/SSL error with server 'wrong-ca-db'")
                    .hasMessageContaining("certification path");
            assertThatThrownBy(() -> connect(gh.port("wrong-host"), "").close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("TLS/SSL error with server 'wrong-host-db'")
                    .hasMessageContaining("127.0.0.1");
            assertThatThrownBy(() -> connect(gh.port("no-tls"), "").close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("server 'no-tls-db' does not offer TLS");
            assertThatThrownBy(() -> connect(gh.port("wrong-ca-checked"), "").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
            // The same server, trusted by its CA without the host check, serves through the same Gatehouse.
            try (Connection c = connect(gh.port("ca-only"), "")) {
                assertThat(scalar(c, "SHOW SESSION STATUS LIKE 'Ssl_version'")).startsWith("TLSv1.");
            }
        }
    }

    @Test
    void sslVersionAndCipherChooseWhatIsNegotiatedOnBothSides() throws Exception {
        String cipher = "ECDHE-RSA-AES128-GCM-SHA256";
        try (Gatehouse gh = start("versions", List.of(
                new Route("v12", misnamed, "ssl=true\nssl_version=TLSv12\nssl_cipher=" + cipher + "\n",
                        listenerTls("ssl_version=TLSv13\n")),
                new Route("v13", misnamed, "ssl=true\nssl_version=TLSv13\n",
                        listenerTls("ssl_version=TLSv12\nssl_cipher=" + cipher + "\n"))))) {
            String tls = "sslMode=verify-full&serverSslCert=" + certs.ca + "&enabledSslProtocolSuites=";
            assertThatThrownBy(() -> connect(gh.port("v12"), tls + "TLSv1.2").close()).isInstanceOf(SQLException.class);
            try (Connection c = connect(gh.port("v12"), tls + "TLSv1.3")) {
                // What the server negotiated with Gatehouse, not with the client.
                assertThat(scalar(c, "SHOW SESSION STATUS LIKE 'Ssl_version'")).isEqualTo("TLSv1.2");
                assertThat(scalar(c, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")).isEqualTo(cipher);
            }
            String v12 = tls + "TLSv1.2&enabledSslCipherSuites=";
            assertThatThrownBy(() -> connect(gh.port("v13"), v12 + "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384").close())
                    .as("a client offering only ciphers outside ssl_cipher").isInstanceOf(SQLException.class);
            try (Connection c = connect(gh.port("v13"), v12 + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) {
                assertThat(scalar(c, "SHOW SESSION STATUS LIKE 'Ssl_version'")).isEqualTo("TLSv1.3");
            }
        }
    }
}
