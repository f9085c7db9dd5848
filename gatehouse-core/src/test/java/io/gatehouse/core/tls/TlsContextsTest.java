package io.gatehouse.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contexts built from settings, on the JDK provider (the fallback where netty-tcnative does not load) as well as
 * OpenSSL: handshakes between the two with client certificates, OpenSSL cipher names on the JDK, and the engines
 * of the blocking side connections.
 */
class TlsContextsTest {
    @TempDir
    static Path dir;
    static OpensslCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = new OpensslCerts(dir);
    }

    private static TlsSettings listener(boolean verifyPeer, List<String> ciphers) {
        return new TlsSettings("L", certs.cert("server"), certs.key("server"), certs.cert("ca"), List.of("TLSv1.2"),
                ciphers, verifyPeer, false, null, TlsSettings.DEFAULT_VERIFY_DEPTH);
    }

    private static TlsSettings server(String clientCert, List<String> ciphers, boolean verifyHost) {
        return new TlsSettings("db", clientCert == null ? null : certs.cert(clientCert),
                clientCert == null ? null : certs.key(clientCert), certs.cert("ca"), List.of("TLSv1.2", "TLSv1.3"),
                ciphers, true, verifyHost, null, TlsSettings.DEFAULT_VERIFY_DEPTH);
    }

    /** Runs a handshake between two in-memory channels; true when both sides completed it. */
    private static boolean handshake(SslContext serverSide, SslContext clientSide) {
        SslHandler serverTls = serverSide.newHandler(UnpooledByteBufAllocator.DEFAULT);
        SslHandler clientTls = clientSide.newHandler(UnpooledByteBufAllocator.DEFAULT, "127.0.0.1", 3306);
        EmbeddedChannel s = new EmbeddedChannel(serverTls);
        EmbeddedChannel c = new EmbeddedChannel(clientTls);
        try {
            for (int round = 0; round < 20 && !(serverTls.handshakeFuture().isDone()
                    && clientTls.handshakeFuture().isDone()); round++) {
                pass(c, s);
                pass(s, c);
            }
            return serverTls.handshakeFuture().isSuccess() && clientTls.handshakeFuture().isSuccess();
        } finally {
            s.finishAndReleaseAll();
            c.finishAndReleaseAll();
        }
    }

    private static void pass(EmbeddedChannel from, EmbeddedChannel to) {
        for (ByteBuf b = from.readOutbound(); b != null; b = from.readOutbound()) {
            if (to.isOpen()) {
                try {
                    to.writeInbound(b);
                } catch (RuntimeException refused) {
                    // The receiving side failed the handshake; its future says so.
                }
            } else {
                b.release();
            }
        }
    }

    @Test
    void jdkListenerAndOpensslServerConnectionCheckEachOthersCertificates() throws Exception {
        SslContext jdkListener = TlsContexts.server(listener(true, List.of()), SslProvider.JDK);
        assertThat(handshake(jdkListener, TlsContexts.client(server("client", List.of(), true))))
                .as("a client certificate of the CA").isTrue();
        assertThat(handshake(jdkListener, TlsContexts.client(server("other-client", List.of(), true))))
                .as("another CA's client certificate").isFalse();
        assertThat(handshake(jdkListener, TlsContexts.client(server(null, List.of(), true))))
                .as("no client certificate").isFalse();
    }

    @Test
    void sslCertVerifyDepthLimitsTheCasBetweenPeerAndTrustedCa() throws Exception {
        // The server's certificate is signed by an intermediate CA that the CA signed: one CA between them.
        TlsSettings deepListener = new TlsSettings("L", certs.cert("deep-server-chain"), certs.key("deep-server"), null,
                List.of("TLSv1.2"), List.of(), false, false, null, TlsSettings.DEFAULT_VERIFY_DEPTH);
        for (SslProvider provider : List.of(SslProvider.JDK, TlsContexts.provider())) {
            SslContext listener = TlsContexts.server(deepListener, provider);
            for (int depth : new int[] {0, 1, 9}) {
                TlsSettings db = new TlsSettings("db", null, null, certs.cert("ca"), List.of("TLSv1.2"), List.of(),
                        true, false, null, depth);
                assertThat(handshake(listener, TlsContexts.client(db, provider)))
                        .as(provider + " with ssl_cert_verify_depth=" + depth).isEqualTo(depth >= 1);
            }
        }
    }

    @Test
    void opensslCipherNamesWorkOnTheJdk() throws Exception {
        List<String> gcm = List.of("ECDHE-RSA-AES128-GCM-SHA256");
        SslContext jdkListener = TlsContexts.server(listener(false, gcm), SslProvider.JDK);
        SSLEngine engine = jdkListener.newEngine(UnpooledByteBufAllocator.DEFAULT);
        assertThat(engine.getEnabledCipherSuites()).containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(handshake(jdkListener, TlsContexts.client(server(null, gcm, true)))).isTrue();
        assertThat(handshake(jdkListener, TlsContexts.client(server(null, List.of("ECDHE-RSA-AES256-GCM-SHA384"),
                true)))).as("no cipher in common").isFalse();
        for (SslProvider provider : List.of(SslProvider.JDK, TlsContexts.provider())) {
            assertThatThrownBy(() -> TlsContexts.server(listener(false, List.of("NO-SUCH-CIPHER")), provider))
                    .as(provider.name()).hasMessageStartingWith("[L] ssl_cipher: 'NO-SUCH-CIPHER' (expected: ");
        }
    }

    @Test
    void sideConnectionEnginesCarryTheServersSettings() throws Exception {
        SSLEngine checked = JdkTls.client(server("client", List.of("ECDHE-RSA-AES128-GCM-SHA256"), true))
                .createSSLEngine("127.0.0.1", 3306);
        assertThat(checked.getUseClientMode()).isTrue();
        assertThat(checked.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(checked.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
        assertThat(checked.getEnabledCipherSuites()).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
                .doesNotContain("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        SSLEngine unchecked = JdkTls.client(server(null, List.of(), false)).createSSLEngine("127.0.0.1", 3306);
        assertThat(unchecked.getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
    }
}
