package io.gatehouse.core.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code ssl_cert_verify_depth} on top of the PKIX trust manager: once the peer's chain is trusted, it is refused
 * when more CA certificates stand between the peer's certificate and the trusted one than the depth allows (as
 * OpenSSL's verify depth counts them). The JDK validates a chain the peer sent whole without its path-length limit,
 * hence this check. Immutable; called on TLS handshake threads.
 */
final class DepthCheckingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final Set<X509Certificate> anchors;
    private final int depth;
    private final String section;

    DepthCheckingTrustManager(X509ExtendedTrustManager delegate, Set<X509Certificate> anchors, int depth,
                              String section) {
        this.delegate = delegate;
        this.anchors = Set.copyOf(anchors);
        this.depth = depth;
        this.section = section;
    }

    /** Throws when the chain holds more intermediate CA certificates than the depth allows. */
    private void checkDepth(X509Certificate[] chain) throws CertificateException {
        int cas = 0;
        for (int i = 1; i < chain.length; i++) {
            X509Certificate c = chain[i];
            if (anchors.contains(c) || c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                break;
            }
            cas++;
        }
        if (cas > depth) {
            throw new CertificateException("[" + section + "] ssl_cert_verify_depth: the peer's chain has " + cas
                    + " CA certificates below the trusted one (expected: at most " + depth + ")");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
        checkDepth(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        checkDepth(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
        checkDepth(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkServerTrusted(chain, authType, socket);
        checkDepth(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
        checkDepth(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, engine);
        checkDepth(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
