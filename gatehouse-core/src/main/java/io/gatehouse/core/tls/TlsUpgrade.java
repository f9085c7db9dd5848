package io.gatehouse.core.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.util.function.Consumer;

/**
 * The in-protocol switch to TLS of a client connection: after the client's SSL request, a TLS handler goes in
 * front of the pipeline and every later byte is encrypted. Runs on the client's event loop; the early bytes it is
 * given (owned) go into the TLS handler.
 */
public final class TlsUpgrade {
    private TlsUpgrade() {
    }

    /**
     * Puts the listener's TLS in front of {@code pipeline}; {@code early} (may be null) are bytes the client sent
     * behind its request, {@code failed} runs when the handshake fails.
     */
    public static void serverSide(ChannelPipeline pipeline, ReloadableTls tls, ByteBuf early,
                                  Consumer<Throwable> failed) {
        SslHandler handler = tls.newHandler(pipeline.channel().alloc(), null, 0);
        pipeline.addFirst("tls", handler);
        handler.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                failed.accept(f.cause());
            }
        });
        if (early != null) {
            pipeline.fireChannelRead(early);
        }
    }
}
