package io.gatehouse.core.session.backend;

import io.gatehouse.core.server.Server;
import io.gatehouse.core.session.ProxyContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * Opens the socket of a backend connection on the session's own event loop (TCP or unix socket), with the
 * proxy's write-queue water marks, so that both halves of a session share one worker thread. Stateless; called on
 * that worker. It touches no buffers: the connection's handler does once the socket is up.
 */
public final class BackendDialer {
    private BackendDialer() {
    }

    /** Connects {@code connection} to {@code server}; {@code failed} runs on the same loop when it cannot. */
    public static void dial(EventLoop loop, ProxyContext proxy, BackendConnection connection, Server server,
                     Consumer<Throwable> failed) {
        Bootstrap boot = new Bootstrap().group(loop)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, proxy.waterMark())
                .handler(connection);
        SocketAddress addr;
        if (server.socket() != null) {
            boot.channel(proxy.workers().domainChannel());
            addr = new DomainSocketAddress(server.socket());
        } else {
            boot.channel(proxy.workers().clientChannel());
            addr = server.socketAddress();
            if (server.localAddress() != null) {
                boot.localAddress(new java.net.InetSocketAddress(server.localAddress(), 0));
            }
        }
        boot.connect(addr).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                failed.accept(f.cause());
            }
        });
    }
}
