package io.gatehouse.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.config.Params;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS parameters of a section as a user writes them, and the one-line errors for those that cannot work. */
class TlsSettingsTest {
    @TempDir
    Path dir;

    private Params params(String section, String... pairs) {
        Map<String, Object> values = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1].equals("true") || pairs[i + 1].equals("false")
                    ? Boolean.valueOf(pairs[i + 1]) : pairs[i + 1];
            values.put(pairs[i], v);
            texts.put(pairs[i], pairs[i + 1]);
        }
        return new Params(section, values, texts);
    }

    private String file(String name) throws Exception {
        return Files.writeString(dir.resolve(name), "-----BEGIN CERTIFICATE-----\n").toString();
    }

    private static String error(Params p, boolean listener) {
        try {
            TlsSettings.of(p, listener);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + p.texts());
    }

    @Test
    void withoutSslThereAreNoSettings() throws Exception {
        assertThat(TlsSettings.of(params("L"), true)).isNull();
        assertThat(TlsSettings.of(params("L", "ssl", "false", "ssl_cert", file("c.pem")), true)).isNull();
    }

    @Test
    void aListenerNeedsItsCertificateAndKey() throws Exception {
        assertThat(error(params("L", "ssl", "true", "ssl_cert", file("c.pem")), true))
                .isEqualTo("[L] ssl_key: missing (expected: a PEM file, needed with ssl=true)");
        assertThat(error(params("L", "ssl", "true", "ssl_key", file("k.pem")), true))
                .isEqualTo("[L] ssl_cert: missing (expected: a PEM file, needed with ssl=true)");
        assertThat(error(params("L", "ssl", "true", "ssl_cert", file("c.pem"), "ssl_key", file("k.pem"),
                "ssl_verify_peer_certificate", "true"), true)).startsWith("[L] ssl_ca: missing");
    }

    @Test
    void aServerNeedsNoCertificateButCertificateAndKeyGoTogether() throws Exception {
        TlsSettings plain = TlsSettings.of(params("db", "ssl", "true"), false);
        assertThat(plain.cert()).isNull();
        assertThat(plain.verifyPeer()).isFalse();
        assertThat(error(params("db", "ssl", "true", "ssl_key", file("k.pem")), false))
                .isEqualTo("[db] ssl_cert: missing (expected: ssl_cert and ssl_key together)");
    }

    @Test
    void filesMustBeReadable() {
        assertThat(error(params("db", "ssl", "true", "ssl_ca", "/no/such/ca.pem"), false))
                .isEqualTo("[db] ssl_ca: '/no/such/ca.pem' (expected: a readable file)");
        assertThat(error(params("db", "ssl", "true", "ssl_crl", "/no/such/crl.pem"), false))
                .isEqualTo("[db] ssl_crl: '/no/such/crl.pem' (expected: a readable file)");
    }

    @Test
    void versionsCiphersAndTheOldCaNameAreRead() throws Exception {
        String ca = file("ca.pem");
        TlsSettings s = TlsSettings.of(params("db", "ssl", "true", "ssl_ca_cert", ca, "ssl_version", "TLSv12",
                "ssl_cipher", "ECDHE-RSA-AES128-GCM-SHA256 : ECDHE-RSA-AES256-GCM-SHA384",
                "ssl_verify_peer_certificate", "true", "ssl_verify_peer_host", "true"), false);
        assertThat(s.ca()).isEqualTo(Path.of(ca));
        assertThat(s.protocols()).containsExactly("TLSv1.2");
        assertThat(s.ciphers()).containsExactly("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384");
        assertThat(s.verifyPeer()).isTrue();
        assertThat(s.verifyHost()).isTrue();
        assertThat(TlsSettings.of(params("db", "ssl", "true", "ssl_version", "MAX"), false).protocols())
                .isEqualTo(List.of("TLSv1.3", "TLSv1.2"));
        assertThat(TlsSettings.of(params("db", "ssl", "true", "ssl_version", "TLSv13"), false).protocols())
                .isEqualTo(List.of("TLSv1.3"));
    }
}
