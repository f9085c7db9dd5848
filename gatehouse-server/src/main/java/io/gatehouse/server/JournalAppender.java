package io.gatehouse.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Logback appender behind {@code syslog=true}: sends each event as one datagram in the systemd journal's native
 * protocol to {@code /run/systemd/journal/socket} (or the path of the system property {@value #SOCKET_PROPERTY}), as
 * MaxScale does with {@code sd_journal_send}. {@link #append} runs on the logging thread and only encodes the entry
 * into a heap buffer whose ownership passes to the channel (Netty releases it once written or failed); the connected
 * unix datagram channel lives on its own one-thread epoll event loop, never a routing worker, so a slow journal costs
 * a routing thread nothing: when the channel's outbound buffer is full the entry is dropped and counted. Nothing here
 * throws into the caller; without the socket (no systemd, as in containers) or without native epoll the appender
 * drops every entry and {@link #unavailable} says why, for one warning in the file log.
 */
final class JournalAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** The system property that overrides the journal's socket path (tests bind their own "journal"). */
    static final String SOCKET_PROPERTY = "gatehouse.journal.socket";
    static final String DEFAULT_SOCKET = "/run/systemd/journal/socket";
    /** MaxScale's identifier is its program name, so Gatehouse's is too ({@code journalctl -t gatehouse}). */
    static final String IDENTIFIER = "gatehouse";
    /**
     * Longest MESSAGE sent, in bytes: a unix datagram larger than the socket's send buffer (about 200 KiB by
     * default) is refused, and the journal's other way for large entries (a memfd passed with the datagram) is not
     * open to the JVM, so a longer message is cut here rather than lost.
     */
    static final int MAX_MESSAGE = 48 * 1024;
    /** How long {@link #stop} waits for entries not yet written. */
    static final long STOP_WAIT_MS = 2000;

    /** The journal never answers; one handler for every channel of a reconnect, so it is sharable. */
    @ChannelHandler.Sharable
    private static final class IgnoreInbound extends ChannelInboundHandlerAdapter {
    }

    private static final ChannelHandler IGNORE_INBOUND = new IgnoreInbound();

    private final Path socket;
    private final String pid = Long.toString(ProcessHandle.current().pid());
    private final AtomicLong dropped = new AtomicLong();
    /** Entries handed to the channel and not yet written or failed; {@link #stop} waits for them. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean sendFailureReported = new AtomicBoolean();
    private volatile boolean codeFields;
    private volatile String unavailable;
    private EventLoopGroup group;
    private volatile Channel channel;
    private DomainSocketAddress address;
    private Bootstrap bootstrap;
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    private volatile long lastConnect = System.nanoTime();

    JournalAppender() {
        this(Path.of(System.getProperty(SOCKET_PROPERTY, DEFAULT_SOCKET)));
    }

    JournalAppender(Path socket) {
        this.socket = socket;
        setName("journal");
    }

    /** CODE_FILE, CODE_LINE and CODE_FUNC from the caller data, which {@code log_augmentation=1} computes anyway. */
    void setCodeFields(boolean on) {
        codeFields = on;
    }

    /** Why entries are dropped (socket missing, no epoll, bind failure), or null when the journal is written. */
    String unavailable() {
        return unavailable;
    }

    /** Entries left out because the journal did not keep up or refused them. */
    long dropped() {
        return dropped.get();
    }

    /**
     * The journal's priority of a Logback level: MaxScale's mapping with Gatehouse's levels (notices are INFO,
     * MaxScale's info is DEBUG and its debug TRACE): error 3, warning 4, notice 5, info 6, debug 7.
     */
    static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 5;
            case Level.DEBUG_INT -> 6;
            default -> 7;
        };
    }

    @Override
    public void start() {
        if (!Files.exists(socket)) {
            unavailable = "the system journal's socket " + socket + " does not exist (no systemd journal)";
        } else if (!Epoll.isAvailable()) {
            unavailable = "native epoll is not available to open the journal's unix datagram socket "
                    + socket + ": " + Epoll.unavailabilityCause();
        } else {
            try {
                group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gatehouse-journal", true),
                        EpollIoHandler.newFactory());
                address = new DomainSocketAddress(socket.toFile());
                // Connected: the kernel then reports the socket writable only once the journal has room in its
                // queue, where an unconnected one is always "writable" and a refused send would be retried in a
                // busy loop. A restarted journald is a new socket: see reconnect.
                bootstrap = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                        .handler(IGNORE_INBOUND);
                channel = bootstrap.connect(address).syncUninterruptibly().channel();
            } catch (Exception e) {
                unavailable = "cannot connect to the system journal's socket " + socket + ": " + e;
                closeGroup();
            }
        }
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        Channel ch = channel;
        // MaxScale never sends its debug messages (Gatehouse's TRACE) to the journal.
        if (ch == null || event.getLevel().toInt() < Level.DEBUG_INT) {
            return;
        }
        if (!ch.isActive()) {
            // Netty closes a connected datagram channel whose peer went away.
            dropped.incrementAndGet();
            reconnect(ch);
            return;
        }
        if (!ch.isWritable()) {
            dropped.incrementAndGet();
            return;
        }
        ByteBuf entry;
        try {
            entry = Unpooled.wrappedBuffer(encode(event));
        } catch (RuntimeException e) {
            dropped.incrementAndGet();
            return;
        }
        pending.incrementAndGet();
        ch.writeAndFlush(entry).addListener((ChannelFutureListener) f -> {
            pending.decrementAndGet();
            if (!f.isSuccess()) {
                dropped.incrementAndGet();
                reconnect(ch);
                // Once: the warning itself goes to the journal too and would fail the same way.
                if (sendFailureReported.compareAndSet(false, true)) {
                    addWarn("cannot write to the system journal " + socket + ": " + f.cause());
                    org.slf4j.LoggerFactory.getLogger(JournalAppender.class).warn(
                            "Cannot write to the system journal {}, entries are dropped until it accepts them: {}",
                            socket, f.cause().toString());
                }
            } else {
                sendFailureReported.set(false);
            }
        });
    }

    /**
     * After a refused send (journald restarted or gone), connects a new socket to the path, at most once a second;
     * entries meanwhile are dropped. Runs on the logging thread or the journal's event loop.
     */
    private void reconnect(Channel failed) {
        long now = System.nanoTime();
        if (!isStarted() || channel != failed || now - lastConnect < TimeUnit.SECONDS.toNanos(1)
                || !reconnecting.compareAndSet(false, true)) {
            return;
        }
        lastConnect = now;
        try {
            bootstrap.connect(address).addListener((ChannelFutureListener) f -> {
                reconnecting.set(false);
                if (f.isSuccess() && isStarted() && channel == failed) {
                    channel = f.channel();
                    failed.close();
                } else if (f.isSuccess()) {
                    f.channel().close();
                }
            });
        } catch (RuntimeException e) {
            reconnecting.set(false);
        }
    }

    /** One journal entry in the native protocol: KEY=value lines, the length-prefixed form for multi-line values. */
    byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        String message = event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            message = message + CoreConstants.LINE_SEPARATOR + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        field(out, "MESSAGE", truncate(message == null ? "" : message));
        field(out, "PRIORITY", Integer.toString(priority(event.getLevel())));
        field(out, "SYSLOG_IDENTIFIER", IDENTIFIER);
        field(out, "SYSLOG_PID", pid);
        field(out, "LOGGER_NAME", event.getLoggerName());
        field(out, "THREAD_NAME", event.getThreadName());
        if (codeFields) {
            StackTraceElement[] caller = event.getCallerData();
            if (caller != null && caller.length > 0) {
                StackTraceElement c = caller[0];
                field(out, "CODE_FILE", c.getFileName() == null ? c.getClassName() : c.getFileName());
                field(out, "CODE_LINE", Integer.toString(c.getLineNumber()));
                field(out, "CODE_FUNC", c.getClassName() + "." + c.getMethodName());
            }
        }
        return out.toByteArray();
    }

    /** The message's UTF-8 bytes, cut at {@link #MAX_MESSAGE} on a character boundary. */
    private static byte[] truncate(String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_MESSAGE) {
            return b;
        }
        int end = MAX_MESSAGE;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(b, end);
    }

    private static void field(ByteArrayOutputStream out, String name, String value) {
        field(out, name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A field as {@code NAME=value\n}, or, when the value holds a newline, as the name, a newline, the value's length
     * as a 64-bit little-endian integer, the value and a newline (the journal would otherwise end the value at the
     * first newline).
     */
    private static void field(ByteArrayOutputStream out, String name, byte[] value) {
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        boolean binary = false;
        for (byte b : value) {
            if (b == '\n') {
                binary = true;
                break;
            }
        }
        if (binary) {
            out.write('\n');
            long n = value.length;
            for (int i = 0; i < 8; i++) {
                out.write((int) (n >>> (8 * i)) & 0xFF);
            }
        } else {
            out.write('=');
        }
        out.writeBytes(value);
        out.write('\n');
    }

    /**
     * Closes the socket once the entries already handed to it are written (for at most {@link #STOP_WAIT_MS}), so the
     * daemon's last lines reach the journal before exit: a burst at shutdown can fill the journal's queue of unread
     * datagrams (net.unix.max_dgram_qlen, 10 by default without systemd's 512), and a close fails what still waits.
     */
    @Override
    public void stop() {
        super.stop();
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MS);
            while (pending.get() > 0 && System.nanoTime() < deadline && !ch.eventLoop().inEventLoop()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            ch.eventLoop().execute(ch::close);
        }
        closeGroup();
    }

    private void closeGroup() {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            group = null;
        }
    }
}
