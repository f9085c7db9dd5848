package io.gatehouse.core.session.backend;

import io.gatehouse.api.config.Params;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code connection_keepalive} for one backend connection of a session, as the session's configuration (its
 * service's parameters when it started) says: when the connection has carried nothing for that long and awaits no
 * reply, it sends COM_PING, so that the server's {@code wait_timeout} or a firewall does not cut a connection the
 * session still holds; the server's answer to each ping is taken out of the byte stream here, before the login, the
 * pool or the session see it, so no client ever gets it. Confined to the connection's worker thread; it releases the
 * reply bytes it takes out and hands the rest of each chunk on.
 */
final class BackendKeepAlive {
    private static final Logger LOG = LoggerFactory.getLogger(BackendKeepAlive.class);
    /** MaxScale's default, used when a service has no value (a session made before the parameter existed). */
    static final Duration DEFAULT = Duration.ofSeconds(300);
    private static final long CHECK_FLOOR_MILLIS = 100;

    private final BackendConnection connection;
    private long lastUseNanos = System.nanoTime();
    private ScheduledFuture<?> check;
    /** Pings sent whose answers have not been taken out of the stream yet. */
    private int pingsInFlight;
    /** Bytes of the current ping answer still to drop, or -1 while its 4-byte header is not complete. */
    private long dropLeft = -1;
    /** The part of a ping answer's header that has arrived, as an int of up to 3 length bytes. */
    private int headerBytes;
    private int headerLength;

    BackendKeepAlive(BackendConnection connection) {
        this.connection = connection;
    }

    /** The interval of a service: its {@code connection_keepalive}; zero when off. */
    static Duration interval(Params p) {
        return p.has("connection_keepalive") ? p.duration("connection_keepalive") : DEFAULT;
    }

    /** Bytes went to or came from the server: the connection is not idle. */
    void used() {
        lastUseNanos = System.nanoTime();
    }

    /**
     * The connection is ready for a session: checks start, unless the session's configuration (its service's
     * parameters when it started) has the keepalive off. A runtime change reaches the sessions started after it, and
     * a pooled connection taken by one of them.
     */
    void start(Channel channel) {
        stop();
        used();
        ClientSession s = connection.session();
        if (s == null || channel == null || interval(s.params()).isZero()) {
            return;
        }
        schedule(channel, interval(s.params()));
    }

    /** No more checks: the connection closed or went to the pool. */
    void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void schedule(Channel channel, Duration interval) {
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastUseNanos);
        long delay = Math.max(CHECK_FLOOR_MILLIS, interval.toMillis() - idleMillis);
        check = io.gatehouse.core.worker.ChannelLoop.schedule(channel, () -> check(channel), delay, TimeUnit.MILLISECONDS);
    }

    private void check(Channel channel) {
        check = null;
        ClientSession s = connection.session();
        if (s == null || !channel.isActive() || connection.isClosed()) {
            return;
        }
        Duration interval = interval(s.params());
        if (interval.isZero()) {
            return;
        }
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastUseNanos);
        if (idleMillis >= interval.toMillis() && connection.isReady() && !connection.isBusy()
                && pingsInFlight == 0) {
            ByteBuf ping = channel.alloc().buffer(5);
            Packets.writeHeader(ping, 1, 0);
            ping.writeByte(Commands.COM_PING);
            pingsInFlight++;
            used();
            channel.writeAndFlush(ping, channel.voidPromise());
        }
        schedule(channel, interval);
    }

    /**
     * Takes the answers to pings out of {@code in} (owned by the caller until this returns): returns what follows
     * them, or null when the chunk held nothing else (it is then released here).
     */
    ByteBuf strip(ByteBuf in) {
        while (pingsInFlight > 0 && in.isReadable()) {
            if (dropLeft < 0) {
                while (headerBytes < 4 && in.isReadable()) {
                    int b = in.readUnsignedByte();
                    if (headerBytes < 3) {
                        headerLength |= b << (8 * headerBytes);
                    }
                    headerBytes++;
                }
                if (headerBytes < 4) {
                    break;
                }
                dropLeft = headerLength;
                if (headerLength > 0 && in.isReadable() && in.getUnsignedByte(in.readerIndex()) == 0xFF) {
                    LOG.warn("Keepalive ping to {} failed: {}", connection.server(), errorText(in, headerLength));
                }
            }
            int n = (int) Math.min(dropLeft, in.readableBytes());
            in.skipBytes(n);
            dropLeft -= n;
            if (dropLeft == 0) {
                dropLeft = -1;
                headerBytes = 0;
                headerLength = 0;
                pingsInFlight--;
            }
        }
        if (in.isReadable()) {
            return in;
        }
        in.release();
        return null;
    }

    /** True while a ping's answer is still to come, so the bytes read must go through {@link #strip} first. */
    boolean awaitingAnswer() {
        return pingsInFlight > 0;
    }

    private static String errorText(ByteBuf in, int length) {
        int avail = Math.min(length, in.readableBytes());
        // 0xFF, 2-byte code, then '#' and a 5-byte SQL state, then the message.
        int skip = avail > 9 && in.getUnsignedByte(in.readerIndex() + 3) == '#' ? 9 : 3;
        if (avail <= skip) {
            return "error packet";
        }
        return in.toString(in.readerIndex() + skip, avail - skip, java.nio.charset.StandardCharsets.UTF_8);
    }
}
