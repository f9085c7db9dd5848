package io.gatehouse.protocol.client;

import io.gatehouse.protocol.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Moves whole MariaDB packets over one TCP or unix-domain socket with bounded waits: a non-blocking
 * {@link SocketChannel} plus a private {@link Selector}, so that connect, every read and every write give up after
 * their timeout (a plain blocking channel ignores SO_TIMEOUT, and unix sockets have no stream adaptor at all).
 * Used by one thread at a time; payloads it returns are unpooled heap buffers the caller owns.
 *
 * <p>Payloads of 16 MiB - 1 bytes and more are split on write and joined on read; the sequence number is checked
 * on every packet read and continued on every packet written.
 */
final class PacketChannel implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private long readTimeoutNanos;
    private final long writeTimeoutNanos;
    private final ByteBuffer header = ByteBuffer.allocate(Packets.HEADER_SIZE);
    private int sequence;
    private TlsLayer tls;

    private PacketChannel(SocketChannel channel, Selector selector, SelectionKey key, Duration readTimeout,
                          Duration writeTimeout) {
        this.channel = channel;
        this.selector = selector;
        this.key = key;
        this.readTimeoutNanos = readTimeout.toNanos();
        this.writeTimeoutNanos = writeTimeout.toNanos();
    }

    /**
     * Opens a connection to {@code address} from {@code local} (TCP only; null lets the system choose), failing with
     * {@link SocketTimeoutException} after the timeout.
     */
    static PacketChannel connect(SocketAddress address, java.net.InetAddress local, Duration connectTimeout,
                                 Duration readTimeout, Duration writeTimeout) throws IOException {
        boolean unix = address instanceof UnixDomainSocketAddress;
        SocketChannel ch = unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        Selector sel = null;
        try {
            ch.configureBlocking(false);
            if (!unix) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                if (local != null) {
                    ch.bind(new java.net.InetSocketAddress(local, 0));
                }
            }
            sel = Selector.open();
            SelectionKey key = ch.register(sel, 0);
            PacketChannel pc = new PacketChannel(ch, sel, key, readTimeout, writeTimeout);
            if (!ch.connect(address)) {
                pc.await(SelectionKey.OP_CONNECT, connectTimeout.toNanos(), "connect to " + address);
                ch.finishConnect();
            }
            return pc;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            if (sel != null) {
                closeQuietly(sel);
            }
            throw e;
        }
    }

    /** Sets the sequence number of the next packet written or expected; 0 starts a new command. */
    void sequence(int seq) {
        this.sequence = seq & 0xFF;
    }

    /** The sequence number the next packet will carry. */
    int sequence() {
        return sequence;
    }

    /** Reads one logical packet (joining 16 MiB chunks) and returns its payload; the caller owns it. */
    ByteBuf readPayload() throws IOException {
        List<byte[]> parts = null;
        while (true) {
            header.clear();
            readFully(header);
            int length = (header.get(0) & 0xFF) | (header.get(1) & 0xFF) << 8 | (header.get(2) & 0xFF) << 16;
            int seq = header.get(3) & 0xFF;
            if (seq != sequence) {
                throw new IOException("packet.sequence: " + seq + " (expected: " + sequence + ")");
            }
            sequence = (seq + 1) & 0xFF;
            byte[] body = new byte[length];
            readFully(ByteBuffer.wrap(body));
            if (parts == null && length < Packets.MAX_PAYLOAD) {
                return Unpooled.wrappedBuffer(body);
            }
            if (parts == null) {
                parts = new ArrayList<>();
            }
            parts.add(body);
            if (length < Packets.MAX_PAYLOAD) {
                return Unpooled.wrappedBuffer(parts.toArray(new byte[0][]));
            }
        }
    }

    /** Writes {@code payload} as one logical packet (split into 16 MiB chunks if needed). */
    void writePayload(byte[] payload) throws IOException {
        List<ByteBuffer> buffers = new ArrayList<>();
        int offset = 0;
        int size;
        do {
            size = Math.min(Packets.MAX_PAYLOAD, payload.length - offset);
            ByteBuffer h = ByteBuffer.allocate(Packets.HEADER_SIZE);
            h.put((byte) size).put((byte) (size >>> 8)).put((byte) (size >>> 16)).put((byte) sequence).flip();
            sequence = (sequence + 1) & 0xFF;
            buffers.add(h);
            buffers.add(ByteBuffer.wrap(payload, offset, size));
            offset += size;
        } while (size == Packets.MAX_PAYLOAD);
        ByteBuffer[] array = buffers.toArray(new ByteBuffer[0]);
        if (tls != null) {
            tls.write(array);
            return;
        }
        long left = (long) payload.length + (long) Packets.HEADER_SIZE * (array.length / 2);
        while (left > 0) {
            long n = channel.write(array);
            if (n == 0) {
                await(SelectionKey.OP_WRITE, writeTimeoutNanos, "write");
            }
            left -= n;
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Bounds each later read by {@code timeout} instead of the one given at connect. */
    void readTimeout(Duration timeout) {
        readTimeoutNanos = timeout.toNanos();
    }

    @Override
    public void close() {
        closeQuietly(selector);
        closeQuietly(channel);
    }

    /** Encrypts everything from now on: runs the TLS handshake over the socket with {@code engine}. */
    void startTls(javax.net.ssl.SSLEngine engine) throws IOException {
        TlsLayer layer = new TlsLayer(engine, new TlsLayer.RawIo() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                while (true) {
                    int n = channel.read(dst);
                    if (n != 0) {
                        return n;
                    }
                    await(SelectionKey.OP_READ, readTimeoutNanos, "read");
                }
            }

            @Override
            public void writeFully(ByteBuffer src) throws IOException {
                while (src.hasRemaining()) {
                    if (channel.write(src) == 0) {
                        await(SelectionKey.OP_WRITE, writeTimeoutNanos, "write");
                    }
                }
            }
        });
        layer.handshake();
        this.tls = layer;
    }

    private void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (tls != null) {
                tls.read(dst);
                continue;
            }
            int n = channel.read(dst);
            if (n < 0) {
                throw new EOFException("server closed the connection");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, readTimeoutNanos, "read");
            }
        }
    }

    /** Waits until {@code op} is ready; each wait is bounded on its own, like SO_TIMEOUT. */
    private void await(int op, long timeoutNanos, String what) throws IOException {
        key.interestOps(op);
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    // select() returns at once for an interrupted thread; without this we would spin
                    throw new InterruptedIOException(what + " interrupted");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException(what + " timed out after "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                }
                int ready = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999)));
                selector.selectedKeys().clear();
                if (ready > 0) {
                    return;
                }
            }
        } finally {
            if (key.isValid()) {
                key.interestOps(0);
            }
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is best effort; the socket is gone either way
        }
    }
}
