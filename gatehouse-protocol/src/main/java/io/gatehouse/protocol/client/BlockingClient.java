package io.gatehouse.protocol.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gatehouse.protocol.AuthSwitchRequest;
import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.ColumnDefinition;
import io.gatehouse.protocol.Commands;
import io.gatehouse.protocol.ConnectAttributes;
import io.gatehouse.protocol.EofPacket;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.protocol.LenEnc;
import io.gatehouse.protocol.OkPacket;
import io.gatehouse.protocol.ProtocolException;
import io.gatehouse.protocol.StatusFlags;
import io.gatehouse.protocol.TextRow;
import io.gatehouse.protocol.auth.NativePassword;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small synchronous MariaDB client for the proxy's background work (the monitor, the user-account loader, KILL
 * side-connections): one socket, the text protocol, mysql_native_password. It blocks the calling thread, so it must
 * never run on an event loop; it is not thread-safe (one thread at a time). It owns its socket and the heap buffers
 * it reads into; nothing it returns refers to a buffer.
 *
 * <p>Every wait on the socket is bounded by the configured timeouts (connect, read, write). A network failure or a
 * timeout throws {@link IOException} and closes the client, since the reply position is then unknown; an ERR
 * packet throws {@link ServerErrorException} and leaves the connection usable.
 */
public final class BlockingClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockingClient.class);
    /** What we ask for; the server's flags are intersected with this. DEPRECATE_EOF stays off: EOF is simpler. */
    private static final long WANTED_CAPABILITIES = Capabilities.CLIENT_MYSQL | Capabilities.LONG_FLAG
            | Capabilities.PROTOCOL_41 | Capabilities.TRANSACTIONS | Capabilities.SECURE_CONNECTION
            | Capabilities.MULTI_STATEMENTS | Capabilities.MULTI_RESULTS | Capabilities.PS_MULTI_RESULTS
            | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CONNECT_ATTRS;
    private static final int MAX_PACKET_SIZE = 1 << 30;
    private static final int MAX_AUTH_SWITCHES = 3;

    private final PacketChannel channel;
    private final InitialHandshake greeting;
    private final long capabilities;
    private final String target;
    private int status;

    private BlockingClient(PacketChannel channel, InitialHandshake greeting, long capabilities, String target) {
        this.channel = channel;
        this.greeting = greeting;
        this.capabilities = capabilities;
        this.target = target;
    }

    /**
     * Connects and logs in. Throws {@link ServerErrorException} when the server refuses the login (1045, 1049,
     * 1040 ...), {@link AuthPluginException} when the account needs a plugin this client cannot do and
     * {@link IOException} for network failures and timeouts; the socket is closed in every failure case.
     */
    public static BlockingClient connect(ClientOptions opts) throws IOException, ServerErrorException {
        return connect(opts, NativePassword.PLUGIN);
    }

    /**
     * As {@link #connect(ClientOptions)}, but names {@code announcedPlugin} in the handshake response (with an
     * empty token unless it is mysql_native_password), which makes the server answer with an authentication
     * switch; tests use it to drive the switch path against a real server.
     */
    static BlockingClient connect(ClientOptions opts, String announcedPlugin)
            throws IOException, ServerErrorException {
        PacketChannel ch = PacketChannel.connect(opts.address(), opts.localAddress(), opts.connectTimeout(),
                opts.readTimeout(), opts.writeTimeout());
        try {
            BlockingClient client = login(ch, opts, announcedPlugin);
            LOG.debug("connected to {} as {} (connection id {}, server {})", opts.target(), opts.user(),
                    client.connectionId(), client.greeting.serverVersion());
            return client;
        } catch (IOException | ServerErrorException | RuntimeException e) {
            ch.close();
            if (e instanceof ProtocolException pe) {
                throw new IOException("malformed packet from " + opts.target() + ": " + pe.getMessage(), pe);
            }
            throw e;
        }
    }

    private static BlockingClient login(PacketChannel ch, ClientOptions opts, String announcedPlugin)
            throws IOException, ServerErrorException {
        ch.sequence(0);
        InitialHandshake greeting;
        ByteBuf first = ch.readPayload();
        try {
            if (ErrPacket.isErr(first)) {
                throw new ServerErrorException(ErrPacket.decode(first));
            }
            greeting = InitialHandshake.decode(first);
        } finally {
            first.release();
        }
        long serverCaps = greeting.capabilities();
        long needed = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION;
        if ((serverCaps & needed) != needed) {
            throw new IOException("server capabilities: " + Capabilities.describe(serverCaps)
                    + " (expected: PROTOCOL_41 and SECURE_CONNECTION)");
        }
        long caps = WANTED_CAPABILITIES & serverCaps & Capabilities.STANDARD_MASK;
        caps |= Capabilities.CLIENT_MYSQL; // we ask for no MariaDB extensions
        if (opts.tls() != null) {
            caps |= Capabilities.SSL;
        }
        if (opts.database() != null && !opts.database().isEmpty()) {
            caps |= Capabilities.CONNECT_WITH_DB & serverCaps;
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("_client_name", "gatehouse-blocking-client");
        attrs.putAll(opts.attributes());
        HandshakeResponse response = new HandshakeResponse(caps, MAX_PACKET_SIZE, opts.charset(), opts.user(),
                NativePassword.PLUGIN.equals(announcedPlugin) ? token(opts, greeting.nonce()) : new byte[0],
                opts.database(), announcedPlugin,
                ConnectAttributes.encode(attrs));
        if (opts.tls() != null) {
            startTls(ch, opts, response, serverCaps);
        }
        ch.writePayload(encode(response));
        for (int switches = 0; ; switches++) {
            ByteBuf reply = ch.readPayload();
            try {
                int head = reply.isReadable() ? reply.getUnsignedByte(reply.readerIndex()) : -1;
                if (head == OkPacket.HEADER) {
                    BlockingClient client = new BlockingClient(ch, greeting, caps, opts.target());
                    client.status = OkPacket.decode(reply, caps).status();
                    return client;
                } else if (head == ErrPacket.HEADER) {
                    throw new ServerErrorException(ErrPacket.decode(reply));
                } else if (head == AuthSwitchRequest.HEADER && switches < MAX_AUTH_SWITCHES) {
                    AuthSwitchRequest req = AuthSwitchRequest.decode(reply);
                    if (!NativePassword.PLUGIN.equals(req.pluginName())) {
                        throw unsupported(req.pluginName(), opts);
                    }
                    ch.writePayload(token(opts, req.nonce()));
                } else if (head == 0x01) {
                    // "more data" belongs to multi-round plugins (caching_sha2_password, ed25519 ...)
                    throw unsupported("(a multi-round plugin)", opts);
                } else {
                    throw new IOException("authentication reply: first byte " + head + " (expected: OK, ERR or "
                            + "an authentication switch)");
                }
            } finally {
                reply.release();
            }
        }
    }

    /** Sends the SSL request and runs the TLS handshake; the login that follows is encrypted. */
    private static void startTls(PacketChannel ch, ClientOptions opts, HandshakeResponse response, long serverCaps)
            throws IOException {
        if ((serverCaps & Capabilities.SSL) == 0) {
            throw new IOException("TLS to " + opts.target() + ": the server does not offer TLS");
        }
        ByteBuf request = Unpooled.buffer(HandshakeResponse.FIXED_LENGTH);
        try {
            response.encodeSslRequest(request);
            byte[] bytes = new byte[request.readableBytes()];
            request.readBytes(bytes);
            ch.writePayload(bytes);
        } finally {
            request.release();
        }
        javax.net.ssl.SSLEngine engine = opts.host() == null ? opts.tls().createSSLEngine()
                : opts.tls().createSSLEngine(opts.host(), opts.port());
        engine.setUseClientMode(true);
        ch.startTls(engine);
    }

    private static AuthPluginException unsupported(String plugin, ClientOptions opts) {
        return new AuthPluginException(plugin, "authentication plugin: " + plugin + " for user '" + opts.user()
                + "' at " + opts.target() + " (expected: " + NativePassword.PLUGIN
                + ", the only plugin this client supports)");
    }

    private static byte[] token(ClientOptions opts, byte[] nonce) {
        if (opts.password() != null) {
            return NativePassword.scramble(opts.password().getBytes(UTF_8), nonce);
        }
        byte[] sha1 = opts.passwordSha1();
        return sha1 == null ? new byte[0] : NativePassword.scrambleWithSha1(sha1, nonce);
    }

    private static byte[] encode(HandshakeResponse response) {
        ByteBuf buf = Unpooled.buffer();
        try {
            response.encode(buf);
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }

    /** The server's greeting: version, connection id, capabilities. */
    public InitialHandshake greeting() {
        return greeting;
    }

    /** The server's id for this connection (what KILL takes). */
    public long connectionId() {
        return greeting.connectionId();
    }

    /** The capabilities agreed with the server. */
    public long capabilities() {
        return capabilities;
    }

    /** Server status flags from the last OK or EOF packet (autocommit, in-transaction ...). */
    public int status() {
        return status;
    }

    /** True until the client is closed or broken by a network failure. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Runs {@code sql} and returns its first result; further results (multi-statements, stored procedures) are
     * read and dropped. Use {@link #queryAll} to see them.
     */
    public QueryResult query(String sql) throws IOException, ServerErrorException {
        return queryAll(sql).get(0);
    }

    /**
     * Runs {@code sql} and returns every result it produced, in order. An ERR packet anywhere ends the reply and
     * throws {@link ServerErrorException} (results before it are discarded); the connection stays usable.
     */
    public List<QueryResult> queryAll(String sql) throws IOException, ServerErrorException {
        byte[] text = sql.getBytes(UTF_8);
        byte[] payload = new byte[text.length + 1];
        payload[0] = (byte) Commands.COM_QUERY;
        System.arraycopy(text, 0, payload, 1, text.length);
        return guarded(() -> {
            send(payload);
            return readResults();
        });
    }

    /** Runs {@code sql} and ignores any result. */
    public void execute(String sql) throws IOException, ServerErrorException {
        queryAll(sql);
    }

    /** COM_PING: checks the server answers. */
    public void ping() throws IOException, ServerErrorException {
        guarded(() -> {
            send(new byte[] {(byte) Commands.COM_PING});
            return readResults();
        });
    }

    /**
     * Bounds each later wait for the server by {@code timeout}: a caller whose statements may run long logs in
     * under the short read timeout of its options and then lengthens it.
     */
    public void readTimeout(java.time.Duration timeout) {
        channel.readTimeout(timeout);
    }

    /** Sends COM_QUIT (best effort) and closes the socket; safe to call twice. */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.sequence(0);
            channel.writePayload(new byte[] {(byte) Commands.COM_QUIT});
        } catch (IOException | RuntimeException e) {
            LOG.debug("COM_QUIT to {} failed: {}", target, e.toString());
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "BlockingClient[" + target + ", connectionId=" + connectionId() + (isOpen() ? "" : ", closed") + "]";
    }

    private void send(byte[] payload) throws IOException {
        if (!channel.isOpen()) {
            throw new IOException("connection to " + target + " is closed");
        }
        channel.sequence(0);
        channel.writePayload(payload);
    }

    private List<QueryResult> readResults() throws IOException, ServerErrorException {
        List<QueryResult> results = new ArrayList<>();
        while (true) {
            QueryResult result = readOneResult();
            results.add(result);
            status = result.status();
            if ((result.status() & StatusFlags.MORE_RESULTS_EXISTS) == 0) {
                return results;
            }
        }
    }

    private QueryResult readOneResult() throws IOException, ServerErrorException {
        ByteBuf p = channel.readPayload();
        long columnCount;
        try {
            int head = p.isReadable() ? p.getUnsignedByte(p.readerIndex()) : -1;
            if (head == OkPacket.HEADER) {
                OkPacket ok = OkPacket.decode(p, capabilities);
                return QueryResult.ok(ok.affectedRows(), ok.lastInsertId(), ok.warnings(), ok.status(), ok.info());
            }
            if (head == ErrPacket.HEADER) {
                throw new ServerErrorException(ErrPacket.decode(p));
            }
            if (head == LenEnc.NULL_MARKER) {
                // LOAD DATA LOCAL INFILE: refuse by sending an empty file; the server then answers OK or ERR
                channel.writePayload(new byte[0]);
                return readOneResult();
            }
            columnCount = LenEnc.readInt(p.duplicate(), "resultSet.columnCount");
        } finally {
            p.release();
        }
        List<ColumnDefinition> columns = new ArrayList<>((int) Math.min(columnCount, 4096));
        for (long i = 0; i < columnCount; i++) {
            ByteBuf c = channel.readPayload();
            try {
                columns.add(ColumnDefinition.decode(c, capabilities));
            } finally {
                c.release();
            }
        }
        expectEof("column definitions");
        List<List<String>> rows = new ArrayList<>();
        while (true) {
            ByteBuf r = channel.readPayload();
            try {
                if (EofPacket.isEof(r)) {
                    EofPacket eof = EofPacket.decode(r);
                    return new QueryResult(columns, rows, 0, 0, eof.warnings(), eof.status(), "");
                }
                if (ErrPacket.isErr(r)) {
                    throw new ServerErrorException(ErrPacket.decode(r));
                }
                rows.add(QueryResult.row(TextRow.decode(r, columns.size(), UTF_8)));
            } finally {
                r.release();
            }
        }
    }

    private void expectEof(String after) throws IOException {
        ByteBuf e = channel.readPayload();
        try {
            if (!EofPacket.isEof(e)) {
                throw new IOException("packet after " + after + ": " + e.readableBytes() + " bytes starting with "
                        + (e.isReadable() ? e.getUnsignedByte(e.readerIndex()) : -1) + " (expected: EOF packet)");
            }
        } finally {
            e.release();
        }
    }

    /** Runs an exchange; a network or protocol failure leaves the reply half-read, so the socket is closed. */
    private <T> T guarded(Exchange<T> exchange) throws IOException, ServerErrorException {
        try {
            return exchange.run();
        } catch (ServerErrorException e) {
            throw e;
        } catch (ProtocolException e) {
            channel.close();
            throw new IOException("malformed packet from " + target + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException, ServerErrorException;
    }
}
