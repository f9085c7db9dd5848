package io.gatehouse.tests;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A client that speaks the protocol over a plain socket it controls: it may bind a chosen local address and write
 * bytes (a PROXY header) before the handshake, logs in with mysql_native_password and runs text queries that return
 * one value. For tests only; the test thread; blocking with a 10 s read timeout.
 */
final class RawSession implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawSession(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code localIp} to 127.0.0.1:{@code port} and writes {@code preamble} (may be empty) first. */
    static RawSession connect(String localIp, int port, byte[] preamble) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.bind(new InetSocketAddress(localIp, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        RawSession r = new RawSession(s);
        r.out.write(preamble);
        r.out.flush();
        return r;
    }

    /** Reads the greeting and logs in; returns null on success, else the server's error message. */
    String login(String user, String password) throws IOException {
        byte[] greeting = readPacket();
        if ((greeting[0] & 0xFF) == 0xFF) {
            return error(greeting);
        }
        int p = 1;
        while (greeting[p] != 0) {
            p++;
        }
        p += 1 + 4;                                         // version NUL, connection id
        byte[] nonce = new byte[20];
        System.arraycopy(greeting, p, nonce, 0, 8);
        p += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;                 // filler, caps, charset, status, caps, length, reserved
        System.arraycopy(greeting, p, nonce, 8, 12);
        out.write(RawLogin.handshakeResponse(user, password, nonce));
        out.flush();
        byte[] reply = readPacket();
        return (reply[0] & 0xFF) == 0x00 ? null : error(reply);
    }

    /** Runs a query whose result is one row with one column; returns its text (or the error, prefixed "ERR "). */
    String scalar(String sql) throws IOException {
        send(sql);
        return scalarReply();
    }

    /** Reads the reply of a query whose result is one value, as {@link #scalar} does. */
    String scalarReply() throws IOException {
        byte[] first = readPacket();
        if ((first[0] & 0xFF) == 0xFF) {
            return "ERR " + error(first);
        }
        readPacket();                                       // the column definition
        readPacket();                                       // EOF
        byte[] row = readPacket();
        int n = row[0] & 0xFF;
        String value = new String(row, 1, n, StandardCharsets.UTF_8);
        readPacket();                                       // EOF
        return value;
    }

    /** Sends a COM_QUERY without reading its reply. */
    void send(String sql) throws IOException {
        byte[] q = sql.getBytes(StandardCharsets.UTF_8);
        byte[] packet = new byte[4 + 1 + q.length];
        int len = q.length + 1;
        packet[0] = (byte) len;
        packet[1] = (byte) (len >> 8);
        packet[2] = (byte) (len >> 16);
        packet[4] = 0x03;
        System.arraycopy(q, 0, packet, 5, q.length);
        out.write(packet);
        out.flush();
    }

    /** Writes raw bytes (whole packets the caller built) without reading anything. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The socket's read timeout, for tests that wait longer than the default 10 s. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /**
     * Reads a whole text result set (the client did not ask for DEPRECATE_EOF); returns {rows, payload bytes of
     * the rows}, or throws with the server's error.
     */
    long[] readResultSet() throws IOException {
        byte[] first = readPacket();
        if ((first[0] & 0xFF) == 0xFF) {
            throw new IOException("ERR " + error(first));
        }
        int columns = first[0] & 0xFF;
        for (int i = 0; i < columns; i++) {
            readPacket();
        }
        readPacket();                                       // EOF after the column definitions
        long rows = 0;
        long bytes = 0;
        while (true) {
            byte[] p = readPacket();
            if ((p[0] & 0xFF) == 0xFE && p.length < 9) {
                return new long[] {rows, bytes};
            }
            if ((p[0] & 0xFF) == 0xFF) {
                throw new IOException("ERR " + error(p));
            }
            rows++;
            bytes += p.length;
        }
    }

    /** True when the server closed the connection (after any last packet) within the read timeout. */
    boolean closedByServer() {
        try {
            while (true) {
                readPacket();
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private byte[] readPacket() throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4) {
            throw new EOFException("closed");
        }
        int len = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
        byte[] body = in.readNBytes(len);
        if (body.length < len) {
            throw new EOFException("closed");
        }
        return body;
    }

    private static String error(byte[] err) {
        int code = (err[1] & 0xFF) | (err[2] & 0xFF) << 8;
        int start = err.length > 3 && err[3] == '#' ? 9 : 3;
        return code + " " + new String(Arrays.copyOfRange(err, start, err.length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
