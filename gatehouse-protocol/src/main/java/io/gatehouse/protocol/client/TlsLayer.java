package io.gatehouse.protocol.client;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * TLS for the blocking client: an {@link SSLEngine} between the packet reader/writer and the socket, used after the
 * MariaDB SSL request. Used by one thread at a time, like its {@link PacketChannel}; it owns its three heap buffers
 * (encrypted bytes in, encrypted bytes out, decrypted bytes not yet read).
 */
final class TlsLayer {
    /** The raw socket underneath, with the channel's timeouts. */
    interface RawIo {
        /** Reads at least one byte into {@code dst} (waiting up to the read timeout); -1 at end of stream. */
        int read(ByteBuffer dst) throws IOException;

        /** Writes all of {@code src} (waiting up to the write timeout). */
        void writeFully(ByteBuffer src) throws IOException;
    }

    private final SSLEngine engine;
    private final RawIo io;
    private ByteBuffer netIn;
    private final ByteBuffer netOut;
    private ByteBuffer appIn;

    TlsLayer(SSLEngine engine, RawIo io) {
        this.engine = engine;
        this.io = io;
        this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.appIn.flip();
    }

    /** Runs the TLS handshake to its end; throws {@link SSLException} when the peer is refused or refuses. */
    void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(new ByteBuffer[] {ByteBuffer.allocate(0)});
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapSome();
                case NEED_TASK -> runTasks();
                default -> {
                    return;
                }
            }
        }
    }

    /** Reads decrypted bytes into {@code dst}; returns how many (at least one). */
    int read(ByteBuffer dst) throws IOException {
        while (!appIn.hasRemaining()) {
            unwrapSome();
        }
        int n = Math.min(dst.remaining(), appIn.remaining());
        ByteBuffer slice = appIn.slice();
        slice.limit(n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        return n;
    }

    /** Encrypts and sends all of {@code srcs}. */
    void write(ByteBuffer[] srcs) throws IOException {
        while (remaining(srcs) > 0) {
            wrap(srcs);
        }
    }

    private void wrap(ByteBuffer[] srcs) throws IOException {
        netOut.clear();
        SSLEngineResult r = engine.wrap(srcs, netOut);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new EOFException("TLS session closed");
        }
        netOut.flip();
        io.writeFully(netOut);
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        }
    }

    /** Unwraps what the network buffer holds, reading more from the socket when a record is incomplete. */
    private void unwrapSome() throws IOException {
        while (true) {
            netIn.flip();
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                netIn.compact();
            }
            switch (r.getStatus()) {
                case OK -> {
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    if (r.bytesProduced() > 0 || r.bytesConsumed() > 0) {
                        return;
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    if (io.read(netIn) < 0) {
                        throw new EOFException("server closed the connection during TLS");
                    }
                }
                case BUFFER_OVERFLOW -> appIn = growForRead(appIn, engine.getSession().getApplicationBufferSize());
                case CLOSED -> throw new EOFException("TLS session closed by the server");
                default -> throw new SSLException("unexpected TLS state " + r.getStatus());
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int more) {
        ByteBuffer bigger = ByteBuffer.allocate(b.capacity() + more);
        b.flip();
        bigger.put(b);
        return bigger;
    }

    /** Grows a buffer kept in read mode (position..limit unread). */
    private static ByteBuffer growForRead(ByteBuffer b, int more) {
        ByteBuffer bigger = ByteBuffer.allocate(b.capacity() + more);
        bigger.put(b);
        bigger.flip();
        return bigger;
    }

    private static long remaining(ByteBuffer[] bs) {
        long n = 0;
        for (ByteBuffer b : bs) {
            n += b.remaining();
        }
        return n;
    }
}
