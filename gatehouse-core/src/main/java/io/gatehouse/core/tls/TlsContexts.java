package io.gatehouse.core.tls;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
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
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
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
        return server(s, provider());
    }

    /** The context of a listener with the given provider. */
    static SslContext server(TlsSettings s, SslProvider provider) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(s.cert().toFile(), s.key().toFile())
                .sslProvider(provider).protocols(s.protocols());
        if (s.ca() != null) {
            b.trustManager(trust(s));
            // Without verification a client may still present a certificate: REQUIRE X509 accounts need one.
            b.clientAuth(s.verifyPeer() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        if (!s.ciphers().isEmpty()) {
            b.ciphers(ciphers(s, provider));
        }
        return built(b, s);
    }

    /** The context towards one backend server: Gatehouse is the TLS client. */
    public static SslContext client(TlsSettings s) throws Exception {
        return client(s, provider());
    }

    /** The context towards one backend server with the given provider. */
    static SslContext client(TlsSettings s, SslProvider provider) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider).protocols(s.protocols());
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
            b.ciphers(ciphers(s, provider));
        }
        return built(b, s);
    }

    /**
     * The context, checked by making one engine with it: a cipher the provider does not know fails the build
     * (OpenSSL) or the first engine (JDK), and it must stop the start or the reload, not every later connection.
     */
    private static SslContext built(SslContextBuilder b, TlsSettings s) throws SSLException {
        SslContext context;
        try {
            context = b.build();
        } catch (SSLException e) {
            if (!s.ciphers().isEmpty() && String.valueOf(e.getMessage()).contains("cipher")) {
                throw unknownCipher(s, e);
            }
            throw e;
        }
        SSLEngine engine;
        try {
            engine = context.newEngine(UnpooledByteBufAllocator.DEFAULT);
        } catch (IllegalArgumentException e) {
            ReferenceCountUtil.release(context);
            throw unknownCipher(s, e);
        }
        ReferenceCountUtil.release(engine);
        return context;
    }

    private static IllegalArgumentException unknownCipher(TlsSettings s, Exception e) {
        return new IllegalArgumentException("[" + s.section() + "] ssl_cipher: '" + String.join(":", s.ciphers())
                + "' (expected: cipher suites the TLS provider knows; " + e.getMessage() + ")", e);
    }

    /**
     * The cipher names for {@code provider}: MaxScale's configurations name ciphers the OpenSSL way
     * ({@code ECDHE-RSA-AES128-GCM-SHA256}), which the JDK does not know; those become their IANA names there.
     * OpenSSL takes both kinds. A name no provider knows is refused with the parameter's name.
     */
    private static List<String> ciphers(TlsSettings s, SslProvider provider) {
        if (provider != SslProvider.JDK) {
            return s.ciphers();
        }
        List<String> out = new ArrayList<>();
        for (String name : s.ciphers()) {
            String java = name.startsWith("TLS_") || name.startsWith("SSL_") ? name
                    : CipherSuiteConverter.toJava(name, "TLS");
            if (java == null) {
                throw new IllegalArgumentException("[" + s.section() + "] ssl_cipher: '" + name
                        + "' (expected: an OpenSSL or IANA cipher suite name)");
            }
            out.add(java);
        }
        return out;
    }

    /**
     * The trust manager of the CA file: PKIX, checking the CRL when one is configured, and the chain's depth
     * ({@code ssl_cert_verify_depth}).
     */
    private static javax.net.ssl.TrustManager trust(TlsSettings s) throws Exception {
        TrustManagerFactory tmf = pkix(s);
        java.util.Set<java.security.cert.X509Certificate> anchors = new java.util.HashSet<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(s.ca())) {
            for (var c : cf.generateCertificates(in)) {
                anchors.add((java.security.cert.X509Certificate) c);
            }
        }
        for (javax.net.ssl.TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof javax.net.ssl.X509ExtendedTrustManager x) {
                return new DepthCheckingTrustManager(x, anchors, s.verifyDepth(), s.section());
            }
        }
        throw new IllegalStateException("no X509 trust manager in " + tmf.getAlgorithm());
    }

    /** A PKIX trust manager factory for the CA file, checking the CRL when one is configured. */
    private static TrustManagerFactory pkix(TlsSettings s) throws Exception {
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
        PKIXRevocationChecker checker =
                (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.ONLY_END_ENTITY));
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
}
