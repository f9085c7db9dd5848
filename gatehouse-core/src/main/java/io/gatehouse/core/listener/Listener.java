package io.gatehouse.core.listener;

import io.gatehouse.api.config.Params;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.ProxyContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener: one bound socket (TCP address and port, or a unix socket) feeding one service. The acceptor loop
 * hands each new client to a routing worker, where its {@link ClientSession} lives. Started and stopped on the
 * main thread; holds no buffers.
 */
public final class Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    private final String name;
    private final Params params;
    private final Service service;
    private final AtomicLong accepted = new AtomicLong();
    private Channel channel;

    public Listener(String name, Params params, Service service) {
        this.name = name;
        this.params = params;
        this.service = service;
    }

    public String name() {
        return name;
    }

    public Params params() {
        return params;
    }

    public Service service() {
        return service;
    }

    public long accepted() {
        return accepted.get();
    }

    public boolean isRunning() {
        return channel != null && channel.isActive();
    }

    /** The port actually bound (useful when the configuration says 0 for tests), or -1 for unix sockets. */
    public int boundPort() {
        SocketAddress a = channel == null ? null : channel.localAddress();
        return a instanceof InetSocketAddress isa ? isa.getPort() : -1;
    }

    /** Binds and starts accepting; throws when the address cannot be bound. */
    public void start(ProxyContext proxy) throws Exception {
        ServerBootstrap b = new ServerBootstrap()
                .group(proxy.workers().acceptor(), proxy.workers().workers())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(proxy.writeqLowWater(), proxy.writeqHighWater()))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.incrementAndGet();
                        ch.pipeline().addLast("session", new ClientSession(service, proxy));
                    }
                });
        String socket = params.string("socket");
        SocketAddress addr;
        if (socket != null) {
            Files.deleteIfExists(Path.of(socket));
            b.channel(proxy.workers().serverDomainChannel());
            addr = new DomainSocketAddress(socket);
        } else {
            b.channel(proxy.workers().serverChannel());
            b.option(ChannelOption.SO_REUSEADDR, true);
            b.childOption(ChannelOption.TCP_NODELAY, true);
            b.childOption(ChannelOption.SO_KEEPALIVE, true);
            addr = bindAddress(params.string("address"), (int) params.integer("port"));
        }
        try {
            channel = b.bind(addr).sync().channel();
        } catch (Exception e) {
            throw new Exception("[" + name + "] cannot listen on " + describe(addr) + ": " + e.getMessage(), e);
        }
        LOG.info("Listening for connections at {} with protocol MariaDB", describe(channel.localAddress()));
    }

    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
    }

    private static SocketAddress bindAddress(String address, int port) {
        if (address == null || address.equals("::") || address.equals("0.0.0.0")) {
            // "::" means every address; the JDK's wildcard covers IPv4 and IPv6 where both exist.
            return new InetSocketAddress(port);
        }
        return new InetSocketAddress(address, port);
    }

    private static String describe(SocketAddress a) {
        if (a instanceof InetSocketAddress isa) {
            return "[" + isa.getAddress().getHostAddress() + "]:" + isa.getPort();
        }
        return String.valueOf(a);
    }
}
