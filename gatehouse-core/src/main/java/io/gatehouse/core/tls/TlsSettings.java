package io.gatehouse.core.tls;

import io.gatehouse.api.config.Params;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The TLS parameters of one listener or server section, with MaxScale's names: {@code ssl}, {@code ssl_cert},
 * {@code ssl_key}, {@code ssl_ca} ({@code ssl_ca_cert} is its old name), {@code ssl_version}, {@code ssl_cipher},
 * {@code ssl_verify_peer_certificate}, {@code ssl_verify_peer_host}, {@code ssl_crl}. Immutable; any thread.
 *
 * @param section    the section name, for messages
 * @param cert       PEM certificate (chain) presented to the peer, or null
 * @param key        PEM private key of {@code cert} (PKCS#8 or PKCS#1), or null
 * @param ca         PEM CA certificates that peers are verified against, or null for the system's
 * @param protocols  the TLS protocol names to enable, e.g. {@code TLSv1.2}
 * @param ciphers    cipher suites to allow (OpenSSL or IANA names), empty for the provider's defaults
 * @param verifyPeer whether the peer must present a certificate signed by {@code ca}
 * @param verifyHost whether the peer's certificate must name the host it was reached at (backends only)
 * @param crl        PEM certificate revocation list checked with {@code ca}, or null
 */
public record TlsSettings(String section, Path cert, Path key, Path ca, List<String> protocols, List<String> ciphers,
                          boolean verifyPeer, boolean verifyHost, Path crl, int verifyDepth) {
    /** MaxScale's default {@code ssl_cert_verify_depth}. */
    public static final int DEFAULT_VERIFY_DEPTH = 9;


    /**
     * The settings of a section, or null when {@code ssl} is false. Throws {@link IllegalArgumentException} with a
     * one-line message naming the parameter when they cannot work: a listener without certificate or key, a file
     * that cannot be read.
     *
     * @param serverSide true for a listener (Gatehouse is the TLS server), false for a backend server
     */
    public static TlsSettings of(Params p, boolean serverSide) {
        if (!p.has("ssl") || !p.bool("ssl")) {
            return null;
        }
        Path cert = file(p, "ssl_cert");
        Path key = file(p, "ssl_key");
        Path ca = file(p, "ssl_ca");
        if (ca == null) {
            ca = file(p, "ssl_ca_cert");
        }
        if (serverSide && (cert == null || key == null)) {
            throw new IllegalArgumentException("[" + p.section() + "] " + (cert == null ? "ssl_cert" : "ssl_key")
                    + ": missing (expected: a PEM file, needed with ssl=true)");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("[" + p.section() + "] " + (cert == null ? "ssl_cert" : "ssl_key")
                    + ": missing (expected: ssl_cert and ssl_key together)");
        }
        boolean verifyPeer = p.has("ssl_verify_peer_certificate") && p.bool("ssl_verify_peer_certificate");
        boolean verifyHost = p.has("ssl_verify_peer_host") && p.bool("ssl_verify_peer_host");
        if (serverSide && verifyPeer && ca == null) {
            throw new IllegalArgumentException("[" + p.section() + "] ssl_ca: missing (expected: the CA that signs"
                    + " client certificates, needed with ssl_verify_peer_certificate=true)");
        }
        String cipher = p.has("ssl_cipher") ? p.string("ssl_cipher") : null;
        List<String> ciphers = cipher == null || cipher.isBlank() ? List.of()
                : List.of(cipher.trim().split("\\s*:\\s*"));
        return new TlsSettings(p.section(), cert, key, ca, protocols(p), ciphers, verifyPeer, verifyHost,
                file(p, "ssl_crl"), p.has("ssl_cert_verify_depth")
                        ? (int) Math.min(p.integer("ssl_cert_verify_depth"), Integer.MAX_VALUE) : DEFAULT_VERIFY_DEPTH);
    }

    private static List<String> protocols(Params p) {
        String v = p.has("ssl_version") ? p.string("ssl_version") : "MAX";
        return switch (v.toUpperCase(java.util.Locale.ROOT)) {
            case "TLSV10" -> List.of("TLSv1");
            case "TLSV11" -> List.of("TLSv1.1");
            case "TLSV12" -> List.of("TLSv1.2");
            case "TLSV13" -> List.of("TLSv1.3");
            // MAX: the versions still considered safe; TLS 1.0 and 1.1 must be asked for by name.
            default -> List.of("TLSv1.3", "TLSv1.2");
        };
    }

    private static Path file(Params p, String name) {
        String v = p.has(name) ? p.string(name) : null;
        if (v == null || v.isBlank()) {
            return null;
        }
        Path f = Path.of(v);
        if (!Files.isReadable(f)) {
            throw new IllegalArgumentException("[" + p.section() + "] " + name + ": '" + v
                    + "' (expected: a readable file)");
        }
        return f;
    }
}
