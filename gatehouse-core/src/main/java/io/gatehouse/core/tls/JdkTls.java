package io.gatehouse.core.tls;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A JDK {@link SSLContext} from a server section's TLS settings, for the blocking side connections (monitor probes,
 * account loading) that do not run on Netty. Trust follows the section: the CA when
 * {@code ssl_verify_peer_certificate=true}, anything otherwise, as for proxied connections. Stateless; the
 * contexts it makes are thread-safe.
 */
final class JdkTls {
    private JdkTls() {
    }

    static SSLContext client(TlsSettings s) throws Exception {
        TrustManager[] trust;
        if (!s.verifyPeer()) {
            trust = new TrustManager[] {new TrustAll()};
        } else if (s.ca() != null) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            int i = 0;
            try (InputStream in = Files.newInputStream(s.ca())) {
                for (var c : cf.generateCertificates(in)) {
                    ks.setCertificateEntry("ca" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            trust = tmf.getTrustManagers();
        } else {
            trust = null;                      // the JDK's default trust store
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, trust, null);
        return ctx;
    }

    /** Encrypts without checking the peer: MaxScale's behaviour unless verification is asked for. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
