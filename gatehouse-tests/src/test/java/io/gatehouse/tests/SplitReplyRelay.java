package io.gatehouse.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of one MariaDB server that passes the client's bytes as they come and cuts every chunk the
 * server sends in two: its first two bytes, a pause, then the rest. Whoever reads through it meets every small
 * packet (an error, an OK) split across two reads, as a loaded machine makes happen now and then. Two threads per
 * connection plus the accepting thread, all daemons; no Netty buffers.
 */
final class SplitReplyRelay implements AutoCloseable {
    private static final int PAUSE_MS = 15;
    private final ServerSocket listen;
    private final int targetPort;
    private final AtomicInteger splits = new AtomicInteger();

    SplitReplyRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "split-reply-relay");
    }

    int port() {
        return listen.getLocalPort();
    }

    /** How many server chunks were cut in two so far. */
    int splits() {
        return splits.get();
    }

    private void accept() {
        while (!listen.isClosed()) {
            try {
                Socket client = listen.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                daemon(() -> pump(client, server, false), "split-reply-relay-up");
                daemon(() -> pump(server, client, true), "split-reply-relay-down");
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean split) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (split && n > 2) {
                    out.write(buf, 0, 2);
                    out.flush();
                    splits.incrementAndGet();
                    Thread.sleep(PAUSE_MS);
                    out.write(buf, 2, n - 2);
                } else {
                    out.write(buf, 0, n);
                }
                out.flush();
            }
        } catch (IOException e) {
            // The other side closed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(from);
        close(to);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listen.close();
    }
}
