package io.gatehouse.core.tls;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A JDK {@link SSLContext} from a server section's TLS settings, for the blocking side connections (monitor probes,
 * account loading) that do not run on Netty. Its engines are made by a Netty context on the JDK provider, so they
 * get everything the proxied connections get: the trust, the host-name check, the protocol versions, the ciphers
 * and the client certificate. Stateless; the contexts it makes are thread-safe and only make engines.
 */
final class JdkTls {
    private JdkTls() {
    }

    static SSLContext client(TlsSettings s) throws Exception {
        SslContext netty = TlsContexts.client(s, SslProvider.JDK);
        return new EngineOnlyContext(new EngineSpi((JdkSslContext) netty));
    }

    /** An {@link SSLContext} whose engines come from a configured Netty context. */
    private static final class EngineOnlyContext extends SSLContext {
        EngineOnlyContext(EngineSpi spi) throws NoSuchAlgorithmException {
            super(spi, SSLContext.getDefault().getProvider(), "TLS");
        }
    }

    /** Makes configured engines; sockets are not offered (the blocking client drives an engine itself). */
    private static final class EngineSpi extends SSLContextSpi {
        private final JdkSslContext netty;

        EngineSpi(JdkSslContext netty) {
            this.netty = netty;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("already initialised from the server's TLS settings");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException("engines only");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException("engines only");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return netty.newEngine(UnpooledByteBufAllocator.DEFAULT);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return netty.newEngine(UnpooledByteBufAllocator.DEFAULT, host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return netty.sessionContext();
        }
    }
}
