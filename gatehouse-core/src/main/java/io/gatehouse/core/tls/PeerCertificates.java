package io.gatehouse.core.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What the TLS layer of a channel knows about its peer. Stateless; call it on the channel's event loop.
 */
public final class PeerCertificates {
    private PeerCertificates() {
    }

    /** True when the peer presented a certificate the trust manager accepted (REQUIRE X509 accounts need one). */
    public static boolean present(Channel ch) {
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        if (tls == null) {
            return false;
        }
        try {
            return tls.engine().getSession().getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
