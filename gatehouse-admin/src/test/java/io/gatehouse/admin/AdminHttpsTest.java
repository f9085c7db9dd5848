package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbExtension;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API over HTTPS with {@code admin_ssl_key} and {@code admin_ssl_cert}: a self-signed certificate made
 * by the {@code openssl} command line, a client trusting it gets answers (links say https), a client that does not
 * trust it is refused by the TLS handshake and plain HTTP gets no answer. Real cluster; JUnit thread.
 */
@ExtendWith(MariaDbExtension.class)
class AdminHttpsTest {
    /** Makes {@code key.pem} and {@code cert.pem} for 127.0.0.1 in {@code dir} with the openssl command. */
    static void selfSigned(Path dir) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    static SSLContext trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    /** Writes the fixture's configuration with HTTPS turned on, in a new directory. */
    static Path httpsConfig(MariaDbCluster cluster) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-https");
        selfSigned(dir);
        String cnf = AdminFixture.config(cluster, dir).replace("[maxscale]\n", "[maxscale]\nadmin_ssl_key="
                + dir.resolve("key.pem") + "\nadmin_ssl_cert=" + dir.resolve("cert.pem") + "\n");
        Files.writeString(dir.resolve("gatehouse.cnf"), cnf);
        return dir;
    }

    @Test
    void servesHttpsWithTheConfiguredCertificate(MariaDbCluster cluster) throws Exception {
        Path dir = httpsConfig(cluster);
        try (AdminFixture gh = AdminFixture.start(cluster, dir)) {
            int port = gh.admin.port();
            String auth = "Basic " + Base64.getEncoder().encodeToString("admin:mariadb".getBytes(StandardCharsets.UTF_8));
            HttpClient trusted = HttpClient.newBuilder().sslContext(trusting(dir.resolve("cert.pem")))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = trusted.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v1/servers"))
                    .header("Authorization", auth).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(AdminFixture.parse(r.body()).at("/links/self").asText()).startsWith("https://127.0.0.1:" + port);

            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v1/servers"))
                    .header("Authorization", auth).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);

            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/servers"))
                    .header("Authorization", auth).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void halfConfiguredTlsStopsTheAdminServerNamingTheParameter(MariaDbCluster cluster) throws Exception {
        Path dir = httpsConfig(cluster);
        Path cnf = dir.resolve("gatehouse.cnf");
        Files.writeString(cnf, Files.readString(cnf).replaceAll("admin_ssl_cert=.*\n", ""));
        assertThatThrownBy(() -> AdminFixture.start(cluster, dir)).hasMessageContaining("admin_ssl_cert");
    }
}
