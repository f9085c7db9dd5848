package io.gatehouse.cli;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * gatectl's TLS choices as maxctrl offers them: trust the JDK's CAs, or the CA file of {@code --tls-ca-cert}, or
 * (with {@code --tls-verify-server-cert=false}) any certificate and any host name; and with {@code --tls-key} and
 * {@code --tls-cert} present that client certificate when the API asks for one (the key PEM PKCS#8, encrypted with
 * {@code --tls-passphrase} or not, or PKCS#1 RSA). Builds one {@link SSLContext} per command on the command's
 * thread.
 */
public final class ClientTls {
    private ClientTls() {
    }

    /** The context for HTTPS requests; throws a {@link CliException} naming the CA file when it cannot be read. */
    public static SSLContext context(boolean verify, Path caCert) {
        return context(verify, caCert, null, null, null);
    }

    /** The same, presenting the client certificate {@code cert} with its key {@code key} when both are given. */
    public static SSLContext context(boolean verify, Path caCert, Path key, Path cert, String passphrase) {
        javax.net.ssl.KeyManager[] keys = key == null ? null : ClientKeys.managers(key, cert, passphrase);
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            if (!verify) {
                ssl.init(keys, new TrustManager[] {new TrustAll()}, null);
            } else if (caCert != null) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                try (InputStream in = Files.newInputStream(caCert)) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        ks.setCertificateEntry("ca" + i++, c);
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                ssl.init(keys, tmf.getTrustManagers(), null);
            } else {
                ssl.init(keys, null, null);
            }
            return ssl;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new CliException("--tls-ca-cert: " + caCert + " (expected: a PEM CA certificate): " + e.getMessage());
        }
    }

    /**
     * Accepts every server certificate. Being an extended trust manager it is also asked about the host name, and
     * accepts any, which is what turning verification off means.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

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
