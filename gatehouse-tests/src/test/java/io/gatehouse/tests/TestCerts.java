package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Test certificates made with the {@code openssl} command line in a temporary directory: a CA, a server certificate
 * for 127.0.0.1 and localhost signed by it, a client certificate, a second client certificate that the CA's
 * revocation list revokes, a server certificate for another host name, and a second, unrelated CA (with a client
 * certificate of its own) whose trust must refuse the first's certificates. Runs on the test thread.
 */
final class TestCerts {
    final Path dir;
    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path otherCa;
    final Path otherClientCert;
    final Path otherClientKey;
    final Path revokedClientCert;
    final Path revokedClientKey;
    /** A server certificate of the CA for another host name only: host verification must refuse it at 127.0.0.1. */
    final Path misnamedServerCert;
    final Path misnamedServerKey;
    /** The CA's revocation list: it names {@link #revokedClientCert} only. */
    final Path crl;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.ca = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server-key.pem");
        this.clientCert = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client-key.pem");
        this.otherCa = dir.resolve("other-ca.pem");
        this.otherClientCert = dir.resolve("other-client.pem");
        this.otherClientKey = dir.resolve("other-client-key.pem");
        this.revokedClientCert = dir.resolve("revoked-client.pem");
        this.revokedClientKey = dir.resolve("revoked-client-key.pem");
        this.crl = dir.resolve("crl.pem");
        this.misnamedServerCert = dir.resolve("misnamed-server.pem");
        this.misnamedServerKey = dir.resolve("misnamed-server-key.pem");
    }

    /** Makes every file in {@code dir}. */
    static TestCerts create(Path dir) throws Exception {
        TestCerts c = new TestCerts(Files.createDirectories(dir));
        c.selfSigned("ca", "Gatehouse Test CA");
        c.selfSigned("other-ca", "Unrelated Test CA");
        c.signed("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost", "01");
        c.signed("client", "gatehouse-test-client", "extendedKeyUsage=clientAuth", "02");
        c.signed("other-ca", "other-client", "gatehouse-other-client", "extendedKeyUsage=clientAuth", "05");
        c.signed("ca", "revoked-client", "gatehouse-revoked-client", "extendedKeyUsage=clientAuth", "04");
        c.signed("ca", "misnamed-server", "db.invalid", "subjectAltName=DNS:db.invalid", "06");
        c.revoke(c.revokedClientCert);
        return c;
    }

    /** A new server certificate (serial {@code serial}) replacing the current one, for reload tests. */
    void renewServer(String serial) throws Exception {
        signed("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost", serial);
    }

    private void selfSigned(String name, String cn) throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                "-keyout", dir.resolve(name + "-key.pem").toString(), "-out", dir.resolve(name + ".pem").toString());
    }

    private void signed(String name, String cn, String extension, String serial) throws Exception {
        signed("ca", name, cn, extension, serial);
    }

    private void signed(String issuer, String name, String cn, String extension, String serial) throws Exception {
        Path key = dir.resolve(name + "-key.pem");
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, extension + "\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn, "-keyout", key.toString(),
                "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", dir.resolve(issuer + ".pem").toString(), "-CAkey",
                dir.resolve(issuer + "-key.pem").toString(), "-set_serial", "0x" + serial, "-days", "2", "-extfile",
                ext.toString(), "-out", dir.resolve(name + ".pem").toString());
    }

    /** Revokes {@code cert} in the CA's small database and writes {@link #crl} from it. */
    private void revoke(Path cert) throws Exception {
        Path db = dir.resolve("ca-index.txt");
        Files.writeString(db, "");
        Path conf = dir.resolve("ca.cnf");
        Files.writeString(conf, "[ca]\ndefault_ca=test_ca\n[test_ca]\ndatabase=" + db + "\ndefault_md=sha256\n"
                + "default_crl_days=2\n");
        String[] ca = {"ca", "-config", conf.toString(), "-keyfile", dir.resolve("ca-key.pem").toString(), "-cert",
                this.ca.toString()};
        List<String> revoke = new ArrayList<>(List.of(ca));
        revoke.addAll(List.of("-revoke", cert.toString()));
        openssl(revoke.toArray(String[]::new));
        List<String> gencrl = new ArrayList<>(List.of(ca));
        gencrl.addAll(List.of("-gencrl", "-out", crl.toString()));
        openssl(gencrl.toArray(String[]::new));
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Subprocess.Output out = Subprocess.run(cmd, null, Duration.ofSeconds(60));
        assertThat(out.exitCode()).as(out.describe()).isZero();
    }

    /** A PKCS#12 trust store holding {@code caFile}, for MySQL Connector/J; password "changeit". */
    Path trustStore(Path caFile, String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        Path file = dir.resolve(name + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, "changeit".toCharArray());
        }
        return file;
    }
}
