package io.gatehouse.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay in front of one MariaDB server that, when armed, loses the reply of the next {@code COMMIT} a client
 * sends through it: either the COMMIT reaches the server and its OK is swallowed before the connection is cut
 * ({@link Cut#AFTER_COMMIT}: the transaction committed, the client cannot know), or the COMMIT is dropped and the
 * connection cut ({@link Cut#BEFORE_COMMIT}: it did not). Everything else passes through untouched (the monitor's
 * connections too). Two threads per connection plus the accepting thread, all daemons; no Netty buffers.
 */
final class CommitCutRelay implements AutoCloseable {
    enum Cut { AFTER_COMMIT, BEFORE_COMMIT }

    private final ServerSocket listen;
    private final int targetPort;
    private final AtomicReference<Cut> armed = new AtomicReference<>();
    private final AtomicInteger cuts = new AtomicInteger();

    CommitCutRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "commit-cut-relay");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listen.getLocalPort();
    }

    /** The next COMMIT through the relay loses its reply this way. */
    void arm(Cut cut) {
        armed.set(cut);
    }

    /** True while the armed cut has not happened yet. */
    boolean armed() {
        return armed.get() != null;
    }

    int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!listen.isClosed()) {
            try {
                Socket client = listen.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Connection c = new Connection(client, server);
                start(c::toServer);
                start(c::toClient);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "commit-cut-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    /** One relayed connection. */
    private final class Connection {
        final Socket client;
        final Socket server;
        /** Set when the server's next reply must be swallowed and the connection then cut. */
        volatile boolean swallowNextReply;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void toServer() {
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                byte[] header = new byte[4];
                while (readFully(in, header)) {
                    int len = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                    byte[] payload = new byte[len];
                    if (!readFully(in, payload)) {
                        break;
                    }
                    boolean commit = len == 7 && payload[0] == 3
                            && "COMMIT".equalsIgnoreCase(new String(payload, 1, 6, StandardCharsets.US_ASCII));
                    Cut cut = commit ? armed.getAndSet(null) : null;
                    if (cut == Cut.BEFORE_COMMIT) {
                        cuts.incrementAndGet();
                        cut();
                        return;
                    }
                    if (cut == Cut.AFTER_COMMIT) {
                        swallowNextReply = true;
                    }
                    out.write(header);
                    out.write(payload);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side closed.
            }
            cut();
        }

        void toClient() {
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                byte[] buf = new byte[65536];
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (swallowNextReply) {
                        // The server answered the COMMIT: it is committed, and the client never hears of it.
                        cuts.incrementAndGet();
                        cut();
                        return;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side closed.
            }
            cut();
        }

        void cut() {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static boolean readFully(InputStream in, byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                return false;
            }
            off += n;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        listen.close();
    }
}
