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
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.nio.NioIoHandle;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing workers: {@code threads_max} Netty event loops (native epoll on Linux, NIO elsewhere) of which the
 * first {@code threads} are active and get the new clients, round robin, plus one acceptor loop that hands new
 * clients to them. A loop's thread and I/O handler start when it is first activated ({@link LazyIoHandler}), so the
 * spare ones cost nothing. {@code threads} changes at runtime ({@link #activate(int)}, admin thread); a worker
 * above it gets no new clients and its sessions are moved off it ({@code SessionMoves}). Created and closed on the
 * main thread; the loops run the whole data path. Holds no buffers.
 */
public final class Workers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
    /** MaxScale's default {@code threads_max}. */
    public static final int DEFAULT_MAX = 256;

    private final boolean epoll;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final EventLoop[] loops;
    private final Map<EventExecutor, Integer> indexes = new IdentityHashMap<>();
    /** How many workers get new clients ({@code threads}); read by the chooser on the acceptor thread. */
    private final AtomicInteger active = new AtomicInteger();
    /** How many workers were ever active: the others have no thread and no session. */
    private final AtomicInteger used = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    /** 1 while worker i may get new clients (MaxScale's per-thread listen mode); 0 after an unlisten. */
    private final java.util.concurrent.atomic.AtomicIntegerArray listening;
    /** Each worker's thread id once it started (0 before), for its CPU time. */
    private final AtomicLongArray threadIds;

    public Workers(int threads) {
        this(threads, Math.max(threads, DEFAULT_MAX));
    }

    public Workers(int threads, int threadsMax) {
        if (threads < 1 || threads > threadsMax) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: 1 to threads_max=" + threadsMax
                    + ")");
        }
        this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("gatehouse.nio");
        IoHandlerFactory factory = epoll
                ? LazyIoHandler.over(EpollIoHandler.newFactory(), EpollIoHandle.class::isAssignableFrom)
                : LazyIoHandler.over(NioIoHandler.newFactory(), NioIoHandle.class::isAssignableFrom);
        IoHandlerFactory acceptFactory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gatehouse-accept", true), acceptFactory);
        this.threadIds = new AtomicLongArray(threadsMax);
        this.listening = new java.util.concurrent.atomic.AtomicIntegerArray(threadsMax);
        for (int i = 0; i < threadsMax; i++) {
            listening.set(i, 1);
        }
        EventExecutorChooserFactory chooser = executors -> () -> {
            int n = active.get();
            int start = next.getAndIncrement();
            // Round robin over the active workers that listen; listen() keeps at least one of them listening.
            for (int k = 0; k < n; k++) {
                int i = Math.floorMod(start + k, n);
                if (listening.get(i) == 1) {
                    return executors[i];
                }
            }
            return executors[Math.floorMod(start, n)];
        };
        this.workers = new MultiThreadIoEventLoopGroup(threadsMax,
                new io.netty.util.concurrent.ThreadPerTaskExecutor(new DefaultThreadFactory("gatehouse-worker", true)),
                chooser, factory);
        List<EventLoop> all = new ArrayList<>();
        for (EventExecutor e : workers) {
            indexes.put(e, all.size());
            all.add((EventLoop) e);
        }
        this.loops = all.toArray(new EventLoop[0]);
        activate(threads);
        LOG.info("Started {} routing workers (threads_max={}) using the {} transport", threads, threadsMax,
                epoll ? "epoll" : "NIO");
    }

    /**
     * Makes the first {@code n} workers the ones new clients go to (runtime {@code threads}); the ones above keep
     * their sessions until they are moved or end. Any thread.
     */
    public synchronized void activate(int n) {
        if (n < 1 || n > loops.length) {
            throw new IllegalArgumentException("threads: " + n + " (expected: 1 to threads_max=" + loops.length + ")");
        }
        for (int i = used.get(); i < n; i++) {
            int index = i;
            loops[i].execute(() -> threadIds.set(index, Thread.currentThread().getId()));
        }
        used.accumulateAndGet(n, Math::max);
        active.set(n);
    }

    /**
     * Whether worker {@code index} gets new clients (MaxScale's debug listen/unlisten); its sessions stay. Refused
     * when it would leave no active worker listening. Any thread.
     */
    public synchronized void listen(int index, boolean on) {
        if (index < 0 || index >= loops.length) {
            throw new IllegalArgumentException("thread " + index + " does not exist");
        }
        if (!on) {
            int others = 0;
            for (int i = 0; i < active.get(); i++) {
                others += i != index ? listening.get(i) : 0;
            }
            if (others == 0 && index < active.get()) {
                throw new IllegalStateException("thread " + index + " is the only worker taking new clients; it"
                        + " keeps listening");
            }
        }
        listening.set(index, on ? 1 : 0);
    }

    /** True while worker {@code index} may get new clients (it must also be active). */
    public boolean isListening(int index) {
        return listening.get(index) == 1;
    }

    /** The worker with this index (0 to threads_max - 1). */
    public EventLoop loop(int index) {
        return loops[index];
    }

    /** The index of this worker's loop, or -1 when it is not one of them. */
    public int index(EventExecutor loop) {
        Integer i = indexes.get(loop);
        return i == null ? -1 : i;
    }

    /** True when worker {@code index} gets new clients. */
    public boolean isActive(int index) {
        return index < active.get();
    }

    /** The workers that were ever active, in index order: the only ones that can hold sessions or state. */
    public List<EventLoop> inUse() {
        return List.of(loops).subList(0, used.get());
    }

    /** The id of worker {@code index}'s thread, or 0 when it has not started. */
    public long threadId(int index) {
        return threadIds.get(index);
    }

    /** {@code threads_max}: how many workers there can be. */
    public int max() {
        return loops.length;
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

    /** {@code threads}: how many workers get new clients now. */
    public int count() {
        return active.get();
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
