package io.gatehouse.filters.cache;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a remote cache storage (Redis or memcached), on Gatehouse's cache I/O thread, never on a worker:
 * requests are pipelined and answered in order; each is bounded by the filter's {@code timeout}. While the storage
 * cannot be reached every request completes at once with null (no caching), and the connection is tried again every
 * second until it succeeds, so an outage degrades to uncached queries and caching resumes by itself.
 *
 * <p>Threads: {@link #send} may be called from any thread and hops to the I/O thread; everything else runs there.
 * Futures complete on the I/O thread. Buffers: it owns the request buffers it writes (Netty releases them once
 * written) and the bytes read until a reply is complete; it releases them when the channel closes.
 */
final class RemoteConnection {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteConnection.class);
    private static final long RETRY_MILLIS = 1000;
    private static EventLoopGroup group;

    /** One request: what it writes, what reply (or replies) it waits for, and who is told. */
    private record Request(Consumer<ByteBuf> writer, RemoteProtocol.Expect expect, List<String> keys, int replies,
                           CompletableFuture<Object> result) {
    }

    /** A request waiting for one of its replies, with when it times out. */
    private static final class Waiting {
        final Request request;
        int left;
        /** The first error among a multi-reply request's replies. */
        Object failure;
        final long deadline;

        Waiting(Request request, long deadline) {
            this.request = request;
            this.left = request.replies();
            this.deadline = deadline;
        }
    }

    private final String filter;
    private final RemoteProtocol protocol;
    private final String host;
    private final int port;
    private final long timeoutNanos;
    /** The request sent first on every new connection (Redis's AUTH, or a ping); it must succeed. */
    private final Consumer<ByteBuf> hello;
    private final EventLoop loop;

    // I/O thread only.
    private Channel channel;
    private boolean connecting;
    private boolean closed;
    /** Whether the storage was reachable at the last attempt; an outage is logged once, not every second. */
    private boolean reachable = true;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Whether a timeout check is scheduled (one at a time, whatever the number of requests). */
    private boolean timerArmed;
    private ByteBuf received;
    private volatile boolean up;

    RemoteConnection(String filter, RemoteProtocol protocol, String host, int port, long timeoutMillis,
                     Consumer<ByteBuf> hello) {
        this.filter = filter;
        this.protocol = protocol;
        this.host = host;
        this.port = port;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.hello = hello;
        this.loop = group().next();
        loop.execute(this::connect);
    }

    /**
     * The cache I/O thread, made once for every remote storage of the process; a daemon, so it never holds exit.
     * Filters call it when they are made (on the start or admin thread), so that no worker ever starts the thread.
     */
    static synchronized EventLoopGroup group() {
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gatehouse-cache-io", true),
                    NioIoHandler.newFactory());
        }
        return group;
    }

    /** True while connected (a request would be sent); read from any thread. */
    boolean isUp() {
        return up;
    }

    String describe() {
        return protocol.name() + " at " + host + ":" + port;
    }

    /**
     * Sends a request; the future completes on the I/O thread with the reply (see {@link RemoteProtocol.Expect}), or
     * with null when the storage is down, the request timed out or the reply was an error of the connection.
     */
    CompletableFuture<Object> send(Consumer<ByteBuf> writer, RemoteProtocol.Expect expect, List<String> keys,
                                   int replies) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Request r = new Request(writer, expect, keys, replies, result);
        if (!up) {
            result.complete(null);
            return result;
        }
        loop.execute(() -> write(r));
        return result;
    }

    private void write(Request r) {
        if (channel == null || !channel.isActive()) {
            r.result().complete(null);
            return;
        }
        ByteBuf out = channel.alloc().buffer();
        try {
            r.writer().accept(out);
        } catch (RuntimeException e) {
            out.release();
            r.result().completeExceptionally(e);
            return;
        }
        waiting.add(new Waiting(r, System.nanoTime() + timeoutNanos));
        channel.writeAndFlush(out, channel.voidPromise());
        scheduleTimeoutCheck();
    }

    /** Arms the one timer that watches the oldest waiting request, unless it is armed already. */
    private void scheduleTimeoutCheck() {
        Waiting head = waiting.peek();
        if (head == null || timerArmed) {
            return;
        }
        timerArmed = true;
        long delay = Math.max(0, head.deadline - System.nanoTime());
        loop.schedule(this::checkTimeouts, delay, TimeUnit.NANOSECONDS);
    }

    /** A reply later than {@code timeout}: the connection is given up (its replies can no longer be matched). */
    private void checkTimeouts() {
        timerArmed = false;
        Waiting head = waiting.peek();
        if (head == null) {
            return;
        }
        if (System.nanoTime() - head.deadline >= 0) {
            if (up) {                           // a connection that never came up is logged by connect()
                LOG.warn("Cache {}: {} did not answer within the timeout; reconnecting (queries run uncached"
                        + " meanwhile)", filter, describe());
            }
            Channel c = channel;
            if (c != null) {
                c.close();
            }
            return;
        }
        scheduleTimeoutCheck();
    }

    private void connect() {
        if (closed || connecting || channel != null) {
            return;
        }
        connecting = true;
        ChannelFuture f = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeoutNanos / 1_000_000))
                .handler(new Handler()).connect(host, port);
        f.addListener((ChannelFuture done) -> {
            connecting = false;
            if (!done.isSuccess()) {
                if (reachable) {
                    reachable = false;
                    LOG.warn("Cache {}: cannot reach {}: {}; queries run uncached until it returns (tried every"
                            + " second)", filter, describe(), done.cause().toString());
                }
                retryLater();
                return;
            }
            if (closed) {
                done.channel().close();
                return;
            }
            channel = done.channel();
            channel.closeFuture().addListener(x -> lost());
            if (hello != null) {
                CompletableFuture<Object> auth = new CompletableFuture<>();
                write(new Request(hello, RemoteProtocol.Expect.STATUS, List.of(), 1, auth));
                auth.whenComplete((v, e) -> {
                    if (Boolean.TRUE.equals(v)) {
                        ready();
                    } else if (channel != null) {
                        if (reachable) {
                            LOG.warn("Cache {}: {} did not accept the connection (login or first request): {}",
                                    filter, describe(), e != null ? e : v == null ? "no answer in time" : v);
                        }
                        reachable = false;
                        channel.close();
                    }
                });
            } else {
                ready();
            }
        });
    }

    private void ready() {
        if (!reachable) {
            LOG.info("Cache {}: {} is reachable again; caching resumes", filter, describe());
        }
        reachable = true;
        up = true;
    }

    /** The connection closed (the storage went away, a timeout, a protocol error, or {@link #close}). */
    private void lost() {
        boolean wasUp = up;
        up = false;
        channel = null;
        if (received != null) {
            received.release();
            received = null;
        }
        Waiting w;
        while ((w = waiting.poll()) != null) {
            w.request.result().complete(null);
        }
        if (wasUp && !closed) {
            reachable = false;
            LOG.warn("Cache {}: lost the connection to {}; queries run uncached until it returns", filter, describe());
        }
        retryLater();
    }

    private void retryLater() {
        if (!closed) {
            loop.schedule(this::connect, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Closes the connection for good (the filter was destroyed and its last session ended). */
    void close() {
        loop.execute(() -> {
            closed = true;
            up = false;
            if (channel != null) {
                channel.close();
            }
        });
    }

    /** Reads replies and hands each to the oldest waiting request; on the I/O thread. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            received = received == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), received, in);
            try {
                while (received.isReadable()) {
                    Waiting head = waiting.peek();
                    if (head == null) {
                        throw new IllegalStateException(protocol.name() + ": a reply nobody asked for");
                    }
                    Object reply = protocol.parse(received, head.request.expect(), head.request.keys());
                    if (reply == RemoteProtocol.INCOMPLETE) {
                        break;
                    }
                    head.left--;
                    if (head.request.expect() == RemoteProtocol.Expect.STATUS && !Boolean.TRUE.equals(reply)
                            && head.failure == null) {
                        head.failure = reply;      // one failed part fails the request; its other replies still come
                    }
                    if (head.left == 0) {
                        waiting.poll();
                        head.request.result().complete(head.failure != null ? head.failure : reply);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Cache {}: {}: {}; reconnecting", filter, describe(), e.getMessage());
                ctx.close();
                return;
            }
            if (!received.isReadable()) {
                received.release();
                received = null;
            }
            if (!waiting.isEmpty()) {
                scheduleTimeoutCheck();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Cache {}: {}: {}", filter, describe(), cause.toString());
            ctx.close();
        }
    }
}
