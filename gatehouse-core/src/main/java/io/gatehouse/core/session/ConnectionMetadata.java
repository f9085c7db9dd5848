package io.gatehouse.core.session;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.LenEnc;
import io.gatehouse.protocol.OkPacket;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.StatusFlags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A listener's {@code connection_metadata} and {@code redirect_url}: name=value pairs sent to each client in the OK
 * packet that ends its login, as changes of system variables in the session-state information, for clients that
 * announced session tracking. {@code auto} takes the server's value of that variable; {@code maxscale=auto} the
 * proxy's version; {@code threads_connected} (the service's sessions) and {@code connection_id} (the session id) are
 * always sent unless given a value; {@code redirect_url}, when set, is MariaDB's redirection hint and replaces one in
 * the list. Immutable once parsed at start (main thread); {@link #rewrite} runs on the client's worker and owns
 * the OK packet it is given.
 */
public final class ConnectionMetadata {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectionMetadata.class);

    /** MaxScale's default list. */
    public static final String DEFAULT = "character_set_client=auto,character_set_connection=auto,"
            + "character_set_results=auto,max_allowed_packet=auto,system_time_zone=auto,time_zone=auto,"
            + "tx_isolation=auto,maxscale=auto";
    /** Nothing to send: a listener built without the parameter (tests, internal listeners). */
    public static final ConnectionMetadata NONE = new ConnectionMetadata(new LinkedHashMap<>());

    private static final String AUTO = "auto";
    private static final int SYSTEM_VARIABLES = 0;

    /** name to configured value, in the order written; "auto" still to be resolved. */
    private final Map<String, String> entries;

    private ConnectionMetadata(Map<String, String> entries) {
        this.entries = entries;
    }

    /**
     * Parses the two parameters; throws {@link IllegalArgumentException} naming the parameter, the value and the
     * rule when one is malformed.
     */
    public static ConnectionMetadata parse(String list, String redirectUrl) {
        Map<String, String> m = new LinkedHashMap<>();
        if (list != null && !list.isBlank()) {
            for (String item : list.split(",")) {
                String t = item.strip();
                if (t.isEmpty()) {
                    continue;
                }
                int eq = t.indexOf('=');
                if (eq <= 0 || eq == t.length() - 1) {
                    throw new IllegalArgumentException("connection_metadata: '" + t
                            + "' (expected: name=value pairs separated by commas)");
                }
                m.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
            }
        }
        if (redirectUrl != null && !redirectUrl.isBlank()) {
            checkRedirect(redirectUrl.strip());
            m.put("redirect_url", redirectUrl.strip());
        }
        m.putIfAbsent("threads_connected", AUTO);
        m.putIfAbsent("connection_id", AUTO);
        return new ConnectionMetadata(m);
    }

    private static void checkRedirect(String url) {
        String rule = "(expected: mariadb://host[:port] or mysql://host[:port], the port a number)";
        if (!url.startsWith("mariadb://") && !url.startsWith("mysql://")) {
            throw new IllegalArgumentException("redirect_url: '" + url + "' " + rule);
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        int colon = hostPort.lastIndexOf(':');
        if (hostPort.isEmpty() || colon == 0) {
            throw new IllegalArgumentException("redirect_url: '" + url + "' " + rule);
        }
        if (colon > 0 && !hostPort.startsWith("[")) {
            String port = hostPort.substring(colon + 1);
            try {
                int n = Integer.parseInt(port);
                if (n < 0 || n > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("redirect_url: '" + url + "' " + rule);
            }
        }
        URI.create(url.replace(" ", "%20"));
    }

    /** The values one client gets, in order; auto values without a server value are left out. */
    public Map<String, String> resolve(Map<String, String> serverVariables, String proxyVersion,
                                       long threadsConnected, long connectionId) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String name = e.getKey();
            if (!AUTO.equalsIgnoreCase(e.getValue())) {
                out.put(name, e.getValue());
                continue;
            }
            switch (name) {
                case "maxscale" -> out.put(name, proxyVersion);
                case "threads_connected" -> out.put(name, Long.toString(threadsConnected));
                case "connection_id" -> out.put(name, Long.toString(connectionId));
                case "tx_isolation" -> {
                    // MariaDB 11 has only the new name; the client then gets that name, as from the server.
                    String v = serverVariables.get("tx_isolation");
                    if (v != null && !v.isEmpty()) {
                        out.put(name, v);
                    } else if (notEmpty(serverVariables.get("transaction_isolation"))) {
                        out.put("transaction_isolation", serverVariables.get("transaction_isolation"));
                    }
                }
                default -> {
                    String v = serverVariables.get(name);
                    if (notEmpty(v)) {
                        out.put(name, v);
                    }
                }
            }
        }
        return out;
    }

    private static boolean notEmpty(String v) {
        return v != null && !v.isEmpty() && !"NULL".equals(v);
    }

    /**
     * The login OK {@code packet} (header included, owned by this call) with {@code values} added to its
     * session-state information; the packet unchanged when the client did not announce session tracking or nothing
     * is to be sent. The result, owned by the caller, keeps the packet's sequence number.
     */
    public static ByteBuf rewrite(ByteBufAllocator alloc, ByteBuf packet, long clientCapabilities,
                                  Map<String, String> values) {
        if ((clientCapabilities & Capabilities.SESSION_TRACK) == 0 || values.isEmpty()) {
            return packet;
        }
        int at = packet.readerIndex();
        int seq = packet.getUnsignedByte(at + 3);
        ByteBuf payload = packet.slice(at + Packets.HEADER_SIZE, packet.readableBytes() - Packets.HEADER_SIZE);
        if (!OkPacket.isOk(payload)) {
            return packet;
        }
        OkPacket ok = OkPacket.decode(payload, clientCapabilities);
        ByteBuf state = Unpooled.buffer();
        try {
            if (ok.sessionStateInfo() != null) {
                state.writeBytes(ok.sessionStateInfo());
            }
            for (Map.Entry<String, String> e : values.entrySet()) {
                byte[] name = e.getKey().getBytes(UTF_8);
                byte[] value = e.getValue().getBytes(UTF_8);
                int size = LenEnc.sizeOf(name.length) + name.length + LenEnc.sizeOf(value.length) + value.length;
                state.writeByte(SYSTEM_VARIABLES);
                LenEnc.writeInt(state, size);
                LenEnc.writeBytes(state, name);
                LenEnc.writeBytes(state, value);
            }
            byte[] info = new byte[state.readableBytes()];
            state.readBytes(info);
            OkPacket merged = new OkPacket(ok.affectedRows(), ok.lastInsertId(),
                    ok.status() | StatusFlags.SESSION_STATE_CHANGED, ok.warnings(), ok.info(), info);
            ByteBuf body = alloc.buffer(payload.readableBytes() + info.length + 16);
            merged.encode(body, clientCapabilities);
            packet.release();
            return Packets.frame(alloc, seq, body);
        } finally {
            state.release();
        }
    }

    /** The names configured, for tests and the admin view. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    private static final String PROXY_VERSION = ConnectionMetadata.class.getPackage().getImplementationVersion() == null
            ? "0.1.0" : ConnectionMetadata.class.getPackage().getImplementationVersion();

    /**
     * {@code s}'s login OK (owned; the result is owned by the caller) with its listener's connection_metadata added,
     * for a client that tracks session state; otherwise the packet as it is. The session's worker thread.
     */
    static ByteBuf addToLogin(ClientSession s, ByteBuf okPacket) {
        ConnectionMetadata md = s.settings.metadata();
        if (md == null || (s.clientCapabilities() & Capabilities.SESSION_TRACK) == 0) {
            return okPacket;
        }
        try {
            return rewrite(s.client.alloc(), okPacket, s.clientCapabilities(),
                    md.resolve(s.service.users().serverVariables(), PROXY_VERSION, s.service.currentSessions(), s.id));
        } catch (RuntimeException e) {
            // An OK the codec cannot read goes on as the server sent it: the metadata is a hint, the login is not.
            LOG.warn("Login OK of session {} could not carry connection_metadata: {}", s.id, e.getMessage());
            return okPacket;
        }
    }
}
