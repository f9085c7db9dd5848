package io.gatehouse.core.session.protocol;

import io.gatehouse.api.protocol.SessionLogin;
import io.gatehouse.protocol.AuthSwitchRequest;
import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.auth.Sha2Password;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The client side of the MariaDB login a {@link ProtocolServiceSession} makes to its service with the protocol's
 * account: answers the greeting, and an authentication switch to mysql_native_password, caching_sha2_password (fast
 * path) or mysql_clear_password (clear_pw_passthrough), until the service accepts or refuses. Confined to the
 * session's worker thread; {@link #read} only reads the packet it is given (the caller releases it) and returns a
 * new packet to send, owned by the caller.
 */
final class ServiceLogin {
    /**
     * What a protocol's session asks for: a classic result-set layout (an EOF packet after the column definitions
     * and another after the rows: no DEPRECATE_EOF), several result sets (CALL, multi-statements) and transactions.
     */
    static final long WANTED = Capabilities.LONG_FLAG | Capabilities.PROTOCOL_41
            | Capabilities.TRANSACTIONS | Capabilities.SECURE_CONNECTION | Capabilities.MULTI_STATEMENTS
            | Capabilities.MULTI_RESULTS | Capabilities.PS_MULTI_RESULTS | Capabilities.PLUGIN_AUTH
            | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA;
    /** utf8mb4_general_ci: statements and results are UTF-8. */
    private static final int CHARSET = 45;

    enum Outcome { SEND, WAIT, DONE, REFUSED }

    /** What to do after a packet: send {@code answer}, or the login is done, or refused with an error. */
    record Step(Outcome outcome, ByteBuf answer, int code, String sqlState, String message) {
        static Step send(ByteBuf answer) {
            return new Step(Outcome.SEND, answer, 0, null, null);
        }

        static Step refused(int code, String sqlState, String message) {
            return new Step(Outcome.REFUSED, null, code, sqlState, message);
        }
    }

    private final SessionLogin login;
    private boolean greeted;
    private long capabilities;
    private long sessionId;
    private String plugin;

    ServiceLogin(SessionLogin login) {
        this.login = login;
    }

    /** The capabilities agreed with the service (after the greeting). */
    long capabilities() {
        return capabilities;
    }

    /** The session's id in Gatehouse, from the greeting. */
    long sessionId() {
        return sessionId;
    }

    /** The next step after {@code packet} (a whole packet, header included; not released here). */
    Step read(ByteBufAllocator alloc, ByteBuf packet) {
        int seq = Packets.sequence(packet, packet.readerIndex());
        ByteBuf payload = packet.slice(packet.readerIndex() + Packets.HEADER_SIZE,
                packet.readableBytes() - Packets.HEADER_SIZE);
        if (ErrPacket.isErr(payload)) {
            ErrPacket e = ErrPacket.decode(payload);
            return Step.refused(e.code(), e.sqlState(), e.message());
        }
        if (!greeted) {
            greeted = true;
            return greeting(alloc, InitialHandshake.decode(payload), seq + 1);
        }
        int head = payload.isReadable() ? payload.getUnsignedByte(payload.readerIndex()) : -1;
        if (head == 0x00) {
            return new Step(Outcome.DONE, null, 0, null, null);
        }
        if (head == AuthSwitchRequest.HEADER) {
            AuthSwitchRequest sw = AuthSwitchRequest.decode(payload);
            plugin = sw.pluginName();
            byte[] token = token(plugin, sw.nonce());
            if (token == null) {
                return unsupported();
            }
            return Step.send(frame(alloc, seq + 1, token));
        }
        if (head == 0x01 && payload.readableBytes() >= 2 && Sha2Password.CACHING_PLUGIN.equals(plugin)) {
            int what = payload.getUnsignedByte(payload.readerIndex() + 1);
            if (what == Sha2Password.FAST_AUTH_OK) {
                return new Step(Outcome.WAIT, null, 0, null, null);      // the OK follows
            }
            return Step.refused(1045, "28000", "Access denied for user '" + login.user()
                    + "': the service asks for caching_sha2_password's full authentication, which needs TLS;"
                    + " a protocol's session logs in with the fast path only (log the account in once as a"
                    + " MariaDB client, or give it mysql_native_password)");
        }
        return Step.refused(2027, "HY000", "Malformed packet: unexpected login packet 0x"
                + Integer.toHexString(head) + " from the service");
    }

    private Step greeting(ByteBufAllocator alloc, InitialHandshake hello, int seq) {
        sessionId = hello.connectionId();
        capabilities = WANTED & hello.capabilities();
        if (login.database() != null) {
            capabilities |= Capabilities.CONNECT_WITH_DB & hello.capabilities();
        }
        plugin = hello.authPluginName() == null ? NativePassword.PLUGIN : hello.authPluginName();
        byte[] token = token(plugin, hello.nonce());
        if (token == null) {
            // Offer the native plugin instead: the service switches to the account's own.
            plugin = NativePassword.PLUGIN;
            token = token(plugin, hello.nonce());
        }
        HandshakeResponse r = new HandshakeResponse(capabilities, 1 << 30, CHARSET, login.user(), token,
                login.database(), plugin, null);
        ByteBuf body = alloc.buffer(128);
        r.encode(body);
        return Step.send(Packets.frame(alloc, seq, body));
    }

    /** The token {@code name} wants for the protocol's password, or null for a plugin a session cannot answer. */
    private byte[] token(String name, byte[] nonce) {
        byte[] password = login.password().getBytes(StandardCharsets.UTF_8);
        return switch (name) {
            case NativePassword.PLUGIN -> password.length == 0 ? new byte[0] : NativePassword.scramble(password, nonce);
            case Sha2Password.CACHING_PLUGIN -> password.length == 0 ? new byte[0]
                    : Sha2Password.scramble(login.password(), nonce);
            case "mysql_clear_password" -> {
                byte[] z = new byte[password.length + 1];
                System.arraycopy(password, 0, z, 0, password.length);
                yield z;
            }
            default -> null;
        };
    }

    private Step unsupported() {
        return Step.refused(1045, "28000", "Access denied for user '" + login.user() + "': its account uses the "
                + plugin + " plugin; a protocol's session logs in with mysql_native_password, caching_sha2_password"
                + " or mysql_clear_password");
    }

    private static ByteBuf frame(ByteBufAllocator alloc, int seq, byte[] data) {
        ByteBuf out = alloc.buffer(Packets.HEADER_SIZE + data.length);
        Packets.writeHeader(out, data.length, seq);
        out.writeBytes(data);
        return out;
    }
}
