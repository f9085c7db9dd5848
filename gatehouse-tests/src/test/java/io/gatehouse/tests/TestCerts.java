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
 * for 127.0.0.1 and localhost signed by it, a client certificate, and a second, unrelated CA whose trust must
 * refuse the first's certificates. Runs on the test thread.
 */
final class TestCerts {
    final Path dir;
    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path otherCa;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.ca = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server-key.pem");
        this.clientCert = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client-key.pem");
        this.otherCa = dir.resolve("other-ca.pem");
    }

    /** Makes every file in {@code dir}. */
    static TestCerts create(Path dir) throws Exception {
        TestCerts c = new TestCerts(Files.createDirectories(dir));
        c.selfSigned("ca", "Gatehouse Test CA");
        c.selfSigned("other-ca", "Unrelated Test CA");
        c.signed("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost", "01");
        c.signed("client", "gatehouse-test-client", "extendedKeyUsage=clientAuth", "02");
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
        Path key = dir.resolve(name + "-key.pem");
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, extension + "\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn, "-keyout", key.toString(),
                "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey",
                dir.resolve("ca-key.pem").toString(), "-set_serial", "0x" + serial, "-days", "2", "-extfile",
                ext.toString(), "-out", dir.resolve(name + ".pem").toString());
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
