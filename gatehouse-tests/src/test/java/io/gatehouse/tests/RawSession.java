package io.gatehouse.tests;

import io.gatehouse.protocol.auth.NativePassword;
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
 * bytes (a PROXY header) before the handshake, logs in with mysql_native_password (answering a switch to
 * mysql_clear_password, client_ed25519 or parsec), changes user and runs text queries that return
 * one value. For tests only; the test thread; blocking with a 10 s read timeout.
 */
final class RawSession implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] nonce = new byte[20];
    /** The sequence number of the last packet read. */
    int lastSequence;
    /** The ERR payload that ended the last login or change-user, for its SQL state. */
    private byte[] lastAuthError;
    /** The connection id the greeting announced. */
    private long connectionId;

    private byte[] lastOk;

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
        return login(user, password, 0);
    }

    /**
     * Reads the greeting and logs in with mysql_native_password and {@code extraCapabilities}, answering an
     * authentication switch to mysql_native_password or mysql_clear_password; null on success, else
     * "code message" of the error.
     */
    String login(String user, String password, int extraCapabilities) throws IOException {
        byte[] greeting = readPacket();
        if ((greeting[0] & 0xFF) == 0xFF) {
            return error(greeting);
        }
        int p = 1;
        while (greeting[p] != 0) {
            p++;
        }
        p += 1;                                             // version NUL
        connectionId = (greeting[p] & 0xFFL) | (greeting[p + 1] & 0xFFL) << 8 | (greeting[p + 2] & 0xFFL) << 16
                | (greeting[p + 3] & 0xFFL) << 24;
        p += 4;
        System.arraycopy(greeting, p, nonce, 0, 8);
        p += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;                 // filler, caps, charset, status, caps, length, reserved
        System.arraycopy(greeting, p, nonce, 8, 12);
        out.write(RawLogin.handshakeResponse(user, NativePassword.scramble(password.getBytes(StandardCharsets.UTF_8),
                nonce), NativePassword.PLUGIN, extraCapabilities));
        out.flush();
        return authReply(password);
    }

    /** COM_CHANGE_USER to {@code user} with a token made with the greeting's nonce; null on success, else the error. */
    String changeUser(String user, String password) throws IOException {
        out.write(RawLogin.changeUser(user, password, nonce, "test"));
        out.flush();
        return authReply(password);
    }

    /** COM_CHANGE_USER to {@code user} with {@code database} ("" for none); null on success, else the error. */
    String changeUser(String user, String password, String database) throws IOException {
        out.write(RawLogin.changeUser(user, password, nonce, database));
        out.flush();
        return authReply(password);
    }

    /** Runs a statement answered by an OK packet; null on success, else "code message". */
    String execute(String sql) throws IOException {
        send(sql);
        byte[] first = readPacket();
        return (first[0] & 0xFF) == 0xFF ? error(first) : null;
    }

    /** Reads the answer to a login or change-user the caller wrote itself, as {@link #changeUser} does. */
    String answerAuth(String password) throws IOException {
        try {
            return authReply(password);
        } catch (java.io.EOFException e) {
            return "closed";
        }
    }

    /**
     * Reads the answer to a login or change-user, answering switches (native, cleartext, dialog, ed25519, parsec); null for
     * OK, else "code message".
     */
    private String authReply(String password) throws IOException {
        byte[] parsecScramble = null;
        for (int round = 0; round < 4; round++) {
            byte[] reply = readPacket();
            int first = reply.length == 0 ? -1 : reply[0] & 0xFF;
            if (first == 0x00) {
                lastOk = reply;
                return null;
            }
            if (first == 0x01 && parsecScramble != null) {
                byte[] salt = Arrays.copyOfRange(reply, 1, reply.length);
                out.write(RawLogin.frame(lastSequence + 1, io.gatehouse.protocol.auth.ParsecPassword.respond(password,
                        parsecScramble, salt)));
                out.flush();
                continue;
            }
            if (first != 0xFE) {
                lastAuthError = reply;
                return error(reply);
            }
            int end = 1;
            while (end < reply.length && reply[end] != 0) {
                end++;
            }
            String plugin = new String(reply, 1, end - 1, StandardCharsets.US_ASCII);
            byte[] data = Arrays.copyOfRange(reply, Math.min(end + 1, reply.length), reply.length);
            byte[] answer;
            if (plugin.equals("mysql_clear_password") || plugin.equals("dialog")) {
                // dialog (PAM): the password answers the one password question, NUL-terminated as the client plugin.
                answer = (password + "\0").getBytes(StandardCharsets.UTF_8);
            } else if (plugin.equals(NativePassword.PLUGIN)) {
                answer = NativePassword.scramble(password.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(data, 20));
            } else if (plugin.equals("client_ed25519")) {
                answer = io.gatehouse.protocol.auth.Ed25519Signer.sign(password, data);
            } else if (plugin.equals("parsec")) {
                parsecScramble = data;
                answer = new byte[0];                           // asks for the salt
            } else {
                return "switch to " + plugin;
            }
            out.write(RawLogin.frame(lastSequence + 1, answer));
            out.flush();
        }
        return "too many rounds";
    }

    /** The payload of the OK that ended the last successful login or change-user, or null. */
    byte[] lastOk() {
        return lastOk;
    }

    /** The SQL state of the error that ended the last login or change-user ("" when it had none). */
    String lastAuthErrorState() {
        byte[] e = lastAuthError;
        return e != null && e.length >= 9 && e[3] == '#' ? new String(e, 4, 5, StandardCharsets.US_ASCII) : "";
    }

    /** Writes bytes as they are. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next packet's payload (its sequence number in {@link #lastSequence}). */
    byte[] read() throws IOException {
        return readPacket();
    }

    /** The connection id of the greeting, once {@link #login} has read it. */
    long connectionId() {
        return connectionId;
    }

    /** The nonce of the greeting, once {@link #login} has read it. */
    byte[] nonce() {
        return nonce.clone();
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
        lastSequence = h[3] & 0xFF;
        byte[] body = in.readNBytes(len);
        if (body.length < len) {
            throw new EOFException("closed");
        }
        return body;
    }

    static String error(byte[] err) {
        int code = (err[1] & 0xFF) | (err[2] & 0xFF) << 8;
        int start = err.length > 3 && err[3] == '#' ? 9 : 3;
        return code + " " + new String(Arrays.copyOfRange(err, start, err.length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
