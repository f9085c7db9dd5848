package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.cli.Gatectl;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both sides: the mariadb CLI and both Connector/J drivers talk TLS to Gatehouse, which talks TLS to a MariaDB
 * server that refuses plain TCP ({@code require_secure_transport=ON}); wrong certificates, plain clients of a TLS
 * listener and REQUIRE SSL accounts on plain connections are refused; certificates reload at runtime while open
 * sessions go on. JUnit test thread; every Gatehouse is closed by its test.
 */
class TlsTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static MariaDbServer db;

    @BeforeAll
    static void startServer() throws Exception {
        certs = TestCerts.create(dir.resolve("certs"));
        db = MariaDbServer.startStandalone(null, "tlsdb", 71, List.of("--ssl-cert=" + certs.serverCert,
                "--ssl-key=" + certs.serverKey, "--ssl-ca=" + certs.ca, "--require-secure-transport=ON"));
        db.execute("CREATE USER 'secure'@'%' IDENTIFIED BY 'securepwd' REQUIRE SSL;"
                + "GRANT ALL ON test.* TO 'secure'@'%';"
                + "CREATE USER 'certuser'@'%' IDENTIFIED BY 'certpwd' REQUIRE X509;"
                + "GRANT ALL ON test.* TO 'certuser'@'%';");
    }

    @AfterAll
    static void stopServer() {
        if (db != null) {
            db.close();
        }
    }

    /** A Gatehouse with a TLS listener and a plain one in front of the TLS-only server. */
    private static Gatehouse start(String name, String serverTls, String listenerTls) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        String cnf = "[maxscale]\nthreads=2\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + d + "\npiddir=" + d
                + "\ndatadir=" + d + "\npersistdir=" + d + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port() + "\n" + serverTls + "\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[TLS-Listener]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\nssl=true\nssl_cert="
                + certs.serverCert + "\nssl_key=" + certs.serverKey + "\nssl_ca=" + certs.ca + "\n" + listenerTls + "\n"
                + "[Plain-Listener]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\n";
        Path file = d.resolve("gatehouse.cnf");
        Files.writeString(file, cnf);
        return Gatehouse.start(file);
    }

    private static final String VERIFIED_BACKEND = "ssl=true\nssl_ca=" + "%CA%" + "\nssl_verify_peer_certificate=true\n"
            + "ssl_verify_peer_host=true\n";

    private static String verifiedBackend() {
        return VERIFIED_BACKEND.replace("%CA%", certs.ca.toString());
    }

    private static String mariadbUrl(int port, String options) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + Accounts.DATABASE + "?connectTimeout=10000&" + options;
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(rs.getMetaData().getColumnCount());
        }
    }

    @Test
    void connectorsAndCliUseTlsToGatehouseAndGatehouseUsesTlsToTheServer() throws Exception {
        try (Gatehouse gh = start("both", verifiedBackend(), "")) {
            int port = gh.port("TLS-Listener");
            try (Connection c = DriverManager.getConnection(mariadbUrl(port, "sslMode=verify-full&serverSslCert="
                    + certs.ca), Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
                // The server's view of its session: Gatehouse's backend connection is encrypted.
                assertThat(scalar(c, "SHOW SESSION STATUS LIKE 'Ssl_version'")).startsWith("TLSv1.");
            }
            Path trust = certs.trustStore(certs.ca, "ca-trust");
            String mysql = "jdbc:mysql://127.0.0.1:" + port + "/" + Accounts.DATABASE + "?sslMode=VERIFY_CA"
                    + "&trustCertificateKeyStoreUrl=file:" + trust + "&trustCertificateKeyStoreType=PKCS12"
                    + "&trustCertificateKeyStorePassword=changeit&connectTimeout=10000";
            try (Connection c = DriverManager.getConnection(mysql, Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                assertThat(scalar(c, "SELECT 2")).isEqualTo("2");
                assertThat(scalar(c, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")).isNotBlank();
            }
            Subprocess.Output cli = Subprocess.run(List.of("mariadb", "-h127.0.0.1", "-P" + port, "-u" + Accounts.APP_USER,
                    "-p" + Accounts.APP_PASSWORD, "--ssl", "--ssl-ca=" + certs.ca, "--ssl-verify-server-cert",
                    Accounts.DATABASE, "-e", "status"), null, Duration.ofSeconds(30));
            assertThat(cli.exitCode()).as(cli.describe()).isZero();
            assertThat(cli.stdout()).containsPattern("SSL:\\s+Cipher in use is");
        }
    }

    @Test
    void certificateVerificationFailuresAreRefused() throws Exception {
        try (Gatehouse gh = start("verify", verifiedBackend(), "")) {
            int port = gh.port("TLS-Listener");
            // A client that trusts another CA refuses Gatehouse's certificate.
            assertThatThrownBy(() -> DriverManager.getConnection(mariadbUrl(port, "sslMode=verify-full&serverSslCert="
                    + certs.otherCa), Accounts.APP_USER, Accounts.APP_PASSWORD).close()).isInstanceOf(SQLException.class);
            // A plain client of a TLS listener is refused with a reason.
            assertThatThrownBy(() -> DriverManager.getConnection(mariadbUrl(port, "sslMode=disable"),
                    Accounts.APP_USER, Accounts.APP_PASSWORD).close()).hasMessageContaining("TLS");
            // Gatehouse keeps serving the clients that do it right.
            try (Connection c = DriverManager.getConnection(mariadbUrl(port, "sslMode=verify-full&serverSslCert="
                    + certs.ca), Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                assertThat(scalar(c, "SELECT 3")).isEqualTo("3");
            }
        }
        // Gatehouse trusting another CA refuses the server's certificate: no session reaches it.
        try (Gatehouse gh = start("wrong-ca", "ssl=true\nssl_ca=" + certs.otherCa + "\nssl_verify_peer_certificate=true\n", "")) {
            assertThatThrownBy(() -> DriverManager.getConnection(mariadbUrl(gh.port("TLS-Listener"),
                    "sslMode=verify-full&serverSslCert=" + certs.ca), Accounts.APP_USER, Accounts.APP_PASSWORD).close())
                    .isInstanceOf(SQLException.class);
        }
        // Without TLS towards it, the server itself refuses Gatehouse: the encrypted path above is real.
        try (Gatehouse gh = start("plain-backend", "", "")) {
            assertThatThrownBy(() -> DriverManager.getConnection(mariadbUrl(gh.port("TLS-Listener"),
                    "sslMode=verify-full&serverSslCert=" + certs.ca), Accounts.APP_USER, Accounts.APP_PASSWORD).close())
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void accountsThatRequireTlsAreRefusedOnPlainConnections() throws Exception {
        // Backends see Gatehouse's own client certificate: REQUIRE X509 accounts need it to present one.
        String backend = verifiedBackend() + "ssl_cert=" + certs.clientCert + "\nssl_key=" + certs.clientKey + "\n";
        try (Gatehouse gh = start("require", backend, "")) {
            assertThatThrownBy(() -> DriverManager.getConnection(mariadbUrl(gh.port("Plain-Listener"), "sslMode=disable"),
                    "secure", "securepwd").close()).hasMessageContaining("requires SSL");
            try (Connection c = DriverManager.getConnection(mariadbUrl(gh.port("TLS-Listener"),
                    "sslMode=verify-full&serverSslCert=" + certs.ca), "secure", "securepwd")) {
                assertThat(scalar(c, "SELECT CURRENT_USER()")).startsWith("secure@");
            }
            // REQUIRE X509 needs a client certificate as well.
            assertThatThrownBy(() -> DriverManager.getConnection(mariadbUrl(gh.port("TLS-Listener"),
                    "sslMode=verify-full&serverSslCert=" + certs.ca), "certuser", "certpwd").close())
                    .hasMessageContaining("requires X509");
            Subprocess.Output cli = Subprocess.run(List.of("mariadb", "-h127.0.0.1", "-P" + gh.port("TLS-Listener"),
                    "-ucertuser", "-pcertpwd", "--ssl", "--ssl-ca=" + certs.ca, "--ssl-cert=" + certs.clientCert,
                    "--ssl-key=" + certs.clientKey, Accounts.DATABASE, "-N", "-e", "SELECT CURRENT_USER()"), null,
                    Duration.ofSeconds(30));
            assertThat(cli.exitCode()).as(cli.describe()).isZero();
            assertThat(cli.stdout()).startsWith("certuser@");
        }
    }

    @Test
    void sslVersionLimitsTheProtocol() throws Exception {
        try (Gatehouse gh = start("version", verifiedBackend(), "ssl_version=TLSv12\n")) {
            String base = "sslMode=verify-full&serverSslCert=" + certs.ca + "&enabledSslProtocolSuites=";
            try (Connection c = DriverManager.getConnection(mariadbUrl(gh.port("TLS-Listener"), base + "TLSv1.2"),
                    Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                assertThat(scalar(c, "SELECT 4")).isEqualTo("4");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(mariadbUrl(gh.port("TLS-Listener"), base + "TLSv1.3"),
                    Accounts.APP_USER, Accounts.APP_PASSWORD).close()).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void certificatesReloadWithoutDroppingSessions() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live"));
        Path cert = Files.copy(certs.serverCert, live.resolve("server.pem"));
        Path key = Files.copy(certs.serverKey, live.resolve("server-key.pem"));
        Path d = Files.createDirectories(dir.resolve("reload"));
        String cnf = "[maxscale]\nthreads=2\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + d + "\npiddir=" + d
                + "\ndatadir=" + d + "\npersistdir=" + d + "\n\n"
                + "[db]\ntype=server\naddress=127.0.0.1\nport=" + db.port() + "\n" + verifiedBackend() + "\n"
                + "[Svc]\ntype=service\nrouter=readconnroute\nrouter_options=running\nservers=db\nuser="
                + Accounts.SERVICE_USER + "\npassword=" + Accounts.SERVICE_PASSWORD + "\n\n"
                + "[TLS-Listener]\ntype=listener\nservice=Svc\naddress=127.0.0.1\nport=0\nssl=true\nssl_cert=" + cert
                + "\nssl_key=" + key + "\n";
        Files.writeString(d.resolve("gatehouse.cnf"), cnf);
        try (Gatehouse gh = Gatehouse.start(d.resolve("gatehouse.cnf"))) {
            int port = gh.port("TLS-Listener");
            assertThat(peerSerial(port)).isEqualTo(BigInteger.ONE);
            try (Connection open = DriverManager.getConnection(mariadbUrl(port, "sslMode=verify-full&serverSslCert="
                    + certs.ca), Accounts.APP_USER, Accounts.APP_PASSWORD)) {
                certs.renewServer("03");
                Files.copy(certs.serverCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(certs.serverKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                StringWriter out = new StringWriter();
                int rc = Gatectl.run(new String[] {"--hosts", "127.0.0.1:" + gh.admin().port(), "reload", "tls"},
                        new PrintWriter(out), new PrintWriter(out));
                assertThat(rc).as(out.toString()).isZero();
                assertThat(peerSerial(port)).isEqualTo(BigInteger.valueOf(3));
                assertThat(scalar(open, "SELECT 5")).as("the session opened before the reload").isEqualTo("5");
                // A broken file fails the reload with the listener's name; the certificate in use stays.
                Files.writeString(cert, "not a certificate\n");
                StringWriter failed = new StringWriter();
                rc = Gatectl.run(new String[] {"--hosts", "127.0.0.1:" + gh.admin().port(), "reload", "tls"},
                        new PrintWriter(failed), new PrintWriter(failed));
                assertThat(rc).as(failed.toString()).isNotZero();
                assertThat(failed.toString()).contains("TLS-Listener");
                assertThat(peerSerial(port)).isEqualTo(BigInteger.valueOf(3));
            }
        }
    }

    /** The serial number of the certificate a TLS listener presents, read with the MariaDB SSL request. */
    private static BigInteger peerSerial(int port) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", port)) {
            raw.setSoTimeout(10_000);
            InputStream in = raw.getInputStream();
            int len = in.read() | in.read() << 8 | in.read() << 16;
            in.read();
            in.readNBytes(len);                                   // the greeting
            OutputStream out = raw.getOutputStream();
            byte[] request = new byte[4 + 32];
            request[0] = 32;
            request[3] = 1;
            int caps = 0x0200 | 0x8000 | 0x0800;                  // PROTOCOL_41, SECURE_CONNECTION, SSL
            request[4] = (byte) caps;
            request[5] = (byte) (caps >>> 8);
            request[12] = 45;
            out.write(request);
            out.flush();
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {
                }

                public void checkServerTrusted(X509Certificate[] c, String a) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", port, false)) {
                tls.startHandshake();
                return ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        }
    }
}
