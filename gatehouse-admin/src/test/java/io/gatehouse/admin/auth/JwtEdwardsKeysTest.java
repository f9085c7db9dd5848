package io.gatehouse.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admin tokens signed with Ed25519 and Ed448 keys made by openssl (the TLS stack Gatehouse serves HTTPS with cannot
 * use such keys, so these algorithms are checked on the tokens alone): {@code auto} picks the key's curve, the header
 * says EdDSA, a token verifies, and one with a changed claim or signed by another key does not. The test thread.
 */
class JwtEdwardsKeysTest {
    @TempDir
    Path dir;

    private Path[] keyPair(String name, String algorithm) throws Exception {
        Path key = dir.resolve(name + "-key.pem");
        Path cert = dir.resolve(name + "-cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", algorithm, "-nodes", "-days", "2",
                "-subj", "/CN=gatehouse", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        return new Path[] {key, cert};
    }

    private void check(String curve, String algorithm) throws Exception {
        Path[] a = keyPair(curve + "a", curve);
        Path[] b = keyPair(curve + "b", curve);
        JwtTokens tokens = JwtTokens.of(algorithm, null, "iss", 3600, a[0], a[1]);
        String token = tokens.issue("admin", 600);
        String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
        assertThat(header).contains("\"alg\":\"EdDSA\"");
        assertThat(tokens.verify(token)).isEqualTo("admin");
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"sub\":\"admin\"", "\"sub\":\"root\"");
        String changed = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(tokens.verify(changed)).isNull();
        assertThat(JwtTokens.of(algorithm, null, "iss", 3600, b[0], b[1]).verify(token))
                .as("another key of the same curve").isNull();
    }

    @Test
    void ed25519() throws Exception {
        check("ed25519", "auto");
        check("ed25519", "ED25519");
    }

    @Test
    void ed448() throws Exception {
        check("ed448", "auto");
    }
}
