package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.Gatehouse;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's tokens as admin_jwt_algorithm, admin_jwt_key, admin_jwt_issuer and admin_jwt_max_age make them:
 * with an RSA or EC TLS key, {@code auto} signs with that key's algorithm; an explicit algorithm is used as
 * named; a shared HS512 key lets a token outlive a restart while another key refuses it; a token whose signature,
 * algorithm or issuer was changed is refused; an algorithm that needs a TLS key stops the start without one. Real
 * HTTPS, JDK HTTP client; the test thread.
 */
class AdminJwtTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString("admin:mariadb".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    private Path[] keyPair(String name, String... newkey) throws Exception {
        Path key = dir.resolve(name + "-key.pem");
        Path cert = dir.resolve(name + "-cert.pem");
        List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509"));
        cmd.addAll(List.of(newkey));
        cmd.addAll(List.of("-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        return new Path[] {key, cert};
    }

    private Gatehouse start(String name, String global) throws Exception {
        Path cnf = dir.resolve(name + ".cnf");
        Files.writeString(cnf, "[maxscale]\nthreads=1\nadmin_host=127.0.0.1\nadmin_port=0\nlogdir=" + dir
                + "\npiddir=" + dir + "\ndatadir=" + dir.resolve(name) + "\npersistdir=" + dir.resolve(name + "-p")
                + "\n" + global + "\n");
        Files.createDirectories(dir.resolve(name));
        return Gatehouse.start(cnf);
    }

    private static HttpClient client(Path cert) throws Exception {
        if (cert == null) {
            return HttpClient.newHttpClient();
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }

    private static HttpResponse<String> get(HttpClient c, String base, String path, String auth) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String token(HttpClient c, String base) throws Exception {
        HttpResponse<String> r = get(c, base, "/v1/auth", BASIC);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("meta").path("token").asText();
    }

    private static JsonNode part(String token, int i) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[i]));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts over HTTPS with the key, checks the token's algorithm and claims, its use and what is refused. */
    private void checkTls(String name, String algorithm, String expectedAlg, String... newkey) throws Exception {
        Path[] kc = keyPair(name, newkey);
        try (Gatehouse gh = start(name, "admin_ssl_key=" + kc[0] + "\nadmin_ssl_cert=" + kc[1]
                + "\nadmin_jwt_issuer=test-issuer\nadmin_jwt_max_age=1h"
                + (algorithm == null ? "" : "\nadmin_jwt_algorithm=" + algorithm))) {
            HttpClient c = client(kc[1]);
            String base = "https://127.0.0.1:" + gh.admin().port();
            String token = token(c, base);
            assertThat(part(token, 0).path("alg").asText()).as(name).isEqualTo(expectedAlg);
            JsonNode claims = part(token, 1);
            assertThat(claims.path("iss").asText()).isEqualTo("test-issuer");
            assertThat(claims.path("exp").asLong() - claims.path("iat").asLong())
                    .as("8 hours by default, cut to admin_jwt_max_age").isEqualTo(3600);
            assertThat(get(c, base, "/v1/servers", "Bearer " + token).statusCode()).isEqualTo(200);
            String[] parts = token.split("\\.");
            String otherIssuer = b64(claims.toString().replace("test-issuer", "someone-else"));
            assertThat(get(c, base, "/v1/servers", "Bearer " + parts[0] + "." + otherIssuer + "." + parts[2])
                    .statusCode()).as("claims changed under the signature").isEqualTo(401);
            String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
            assertThat(get(c, base, "/v1/servers", "Bearer " + none).statusCode()).as("alg none").isEqualTo(401);
        }
    }

    @Test
    void autoSignsWithTheTlsKeysOwnAlgorithm() throws Exception {
        checkTls("rsa", null, "PS256", "-newkey", "rsa:2048");
        checkTls("ec", null, "ES256", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
    }

    @Test
    void anExplicitAlgorithmIsUsedAsNamed() throws Exception {
        checkTls("rs512", "RS512", "RS512", "-newkey", "rsa:2048");
        checkTls("es384", "ES384", "ES384", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384");
    }

    @Test
    void aSharedKeyOutlivesARestartAndAnotherKeyRefusesTheToken() throws Exception {
        HttpClient c = client(null);
        String token;
        try (Gatehouse gh = start("hs1", "admin_jwt_algorithm=HS512\nadmin_jwt_key=a-long-shared-secret")) {
            token = token(c, "http://127.0.0.1:" + gh.admin().port());
            assertThat(part(token, 0).path("alg").asText()).isEqualTo("HS512");
            assertThat(part(token, 1).path("iss").asText()).as("MaxScale's default issuer").isEqualTo("maxscale");
        }
        try (Gatehouse gh = start("hs2", "admin_jwt_algorithm=HS512\nadmin_jwt_key=a-long-shared-secret")) {
            assertThat(get(c, "http://127.0.0.1:" + gh.admin().port(), "/v1/servers", "Bearer " + token)
                    .statusCode()).as("the same key after a restart").isEqualTo(200);
        }
        try (Gatehouse gh = start("hs3", "admin_jwt_algorithm=HS512\nadmin_jwt_key=another-secret")) {
            assertThat(get(c, "http://127.0.0.1:" + gh.admin().port(), "/v1/servers", "Bearer " + token)
                    .statusCode()).isEqualTo(401);
        }
        try (Gatehouse gh = start("hs4", "")) {
            assertThat(get(c, "http://127.0.0.1:" + gh.admin().port(), "/v1/servers", "Bearer " + token)
                    .statusCode()).as("a random key at each start").isEqualTo(401);
        }
    }

    @Test
    void aPublicKeyAlgorithmWithoutATlsKeyStopsTheStart() {
        assertThatThrownBy(() -> start("notls", "admin_jwt_algorithm=RS256"))
                .hasMessageContaining("admin_jwt_algorithm=RS256").hasMessageContaining("admin_ssl_key");
    }
}
