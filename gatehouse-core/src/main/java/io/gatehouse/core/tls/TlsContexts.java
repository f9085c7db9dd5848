package io.gatehouse.core.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Netty {@link SslContext}s from {@link TlsSettings}: OpenSSL (netty-tcnative's static BoringSSL) when it
 * loads on this machine, the JDK's provider otherwise. Stateless; called on the main thread at start and on the
 * admin thread when certificates are reloaded.
 */
public final class TlsContexts {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    private static volatile boolean logged;

    private TlsContexts() {
    }

    /** The provider in use: OpenSSL when available. */
    public static SslProvider provider() {
        SslProvider p = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        if (!logged) {
            logged = true;
            LOG.info("TLS provider: {}", p == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")"
                    : "JDK (OpenSSL unavailable: " + OpenSsl.unavailabilityCause() + ")");
        }
        return p;
    }

    /** The context of a listener: Gatehouse is the TLS server to clients. */
    public static SslContext server(TlsSettings s) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(s.cert().toFile(), s.key().toFile())
                .sslProvider(provider()).protocols(s.protocols());
        if (s.ca() != null) {
            b.trustManager(trust(s));
            // Without verification a client may still present a certificate: REQUIRE X509 accounts need one.
            b.clientAuth(s.verifyPeer() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        if (!s.ciphers().isEmpty()) {
            b.ciphers(s.ciphers());
        }
        return b.build();
    }

    /** The context towards one backend server: Gatehouse is the TLS client. */
    public static SslContext client(TlsSettings s) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider()).protocols(s.protocols());
        if (s.verifyPeer()) {
            if (s.ca() != null) {
                b.trustManager(trust(s));
            }
        } else {
            // MaxScale's default: encrypt without checking whom we talk to, unless asked to verify.
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        b.endpointIdentificationAlgorithm(s.verifyPeer() && s.verifyHost() ? "HTTPS" : null);
        if (s.cert() != null) {
            b.keyManager(s.cert().toFile(), s.key().toFile());
        }
        if (!s.ciphers().isEmpty()) {
            b.ciphers(s.ciphers());
        }
        return b.build();
    }

    /** A trust manager factory for the CA file, checking the CRL when one is configured. */
    private static TrustManagerFactory trust(TlsSettings s) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(s.ca())) {
            for (var c : cf.generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        if (i == 0) {
            throw new IllegalArgumentException("[" + s.section() + "] ssl_ca: '" + s.ca()
                    + "' (expected: PEM certificates; none found)");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        if (s.crl() == null) {
            tmf.init(ks);
            return tmf;
        }
        PKIXBuilderParameters params = new PKIXBuilderParameters(ks, new X509CertSelector());
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls(cf, s.crl()))));
        params.setRevocationEnabled(true);
        // Only the configured CRL: no network lookups (OCSP, CRL distribution points) from a proxy.
        PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK,
                PKIXRevocationChecker.Option.ONLY_END_ENTITY));
        params.addCertPathChecker(checker);
        tmf.init(new CertPathTrustManagerParameters(params));
        return tmf;
    }

    private static Collection<X509CRL> crls(CertificateFactory cf, Path file) throws Exception {
        List<X509CRL> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (var c : cf.generateCRLs(in)) {
                out.add((X509CRL) c);
            }
        }
        return out;
    }

    /** The subject of a peer certificate chain's first entry, for logs. */
    static String subject(java.security.cert.Certificate[] chain) {
        return chain.length > 0 && chain[0] instanceof X509Certificate x ? x.getSubjectX500Principal().getName() : "";
    }
}
