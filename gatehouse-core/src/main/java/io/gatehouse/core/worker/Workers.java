package io.gatehouse.core.worker;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixed set of routing workers: one Netty event loop each, native epoll on Linux and NIO elsewhere, plus one
 * acceptor loop that hands new clients to the workers. Created and closed on the main thread; the loops themselves
 * run the whole data path. Holds no buffers.
 */
public final class Workers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

    private final boolean epoll;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final int count;

    public Workers(int threads) {
        this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("gatehouse.nio");
        this.count = threads;
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        IoHandlerFactory acceptFactory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gatehouse-accept", true), acceptFactory);
        this.workers = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("gatehouse-worker", true), factory);
        LOG.info("Started {} routing workers using the {} transport", threads, epoll ? "epoll" : "NIO");
    }

    /** {@code auto} means one worker per available processor. */
    public static int parseThreads(String value) {
        if (value == null || value.equalsIgnoreCase("auto")) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n = Integer.parseInt(value.trim());
        if (n < 1) {
            throw new IllegalArgumentException("threads must be auto or at least 1");
        }
        return n;
    }

    public EventLoopGroup acceptor() {
        return acceptor;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    public int count() {
        return count;
    }

    public boolean isEpoll() {
        return epoll;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends ServerChannel> serverDomainChannel() {
        if (!epoll) {
            throw new IllegalStateException("unix socket listeners need the native epoll transport");
        }
        return EpollServerDomainSocketChannel.class;
    }

    public Class<? extends Channel> clientChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends Channel> domainChannel() {
        if (!epoll) {
            throw new IllegalStateException("unix socket servers need the native epoll transport");
        }
        return EpollDomainSocketChannel.class;
    }

    @Override
    public void close() {
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
