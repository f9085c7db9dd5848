package io.gatehouse.core.session.backend;

import io.gatehouse.core.server.Server;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.ClientSettings;
import io.gatehouse.core.session.backend.BackendConnection.State;
import io.gatehouse.protocol.AuthSwitchRequest;
import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.ChangeUserRequest;
import io.gatehouse.protocol.ErrPacket;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.InitialHandshake;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.auth.ClearPassword;
import io.gatehouse.protocol.auth.Ed25519Password;
import io.gatehouse.protocol.auth.Ed25519Signer;
import io.gatehouse.protocol.auth.NativePassword;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The login exchange of one backend connection: reads the server's greeting, logs in as the client with its
 * recovered SHA1(password) (or the SHA-256, parsec, ed25519 or cleartext answer the client's login revealed enough
 * for, and the PAM {@code dialog} answer for a password PAM accepted), upgrades to TLS first when the server is configured with {@code ssl=true}, and logs the connection in
 * again with COM_CHANGE_USER for a client's change of user or a new session taking it from the pool. Runs on the
 * session's worker thread; it reads the handshake packets its connection frames without keeping them, and every
 * packet it makes goes straight to the channel.
 */
final class BackendLogin {
    private final BackendConnection c;
    private final Server server;
    private InitialHandshake greeting;
    private long capabilities;
    private HandshakeResponse login;
    private byte[] passwordSha1;
    /** The multi-round plugin exchange (SHA-256 plugins, parsec) of the login under way, or null. */
    private BackendPluginLogin pluginLogin;
    /** The connection came from the pool: its COM_CHANGE_USER is a new session's login, not a change of user. */
    private boolean reusing;
    /** The login this connection had before the COM_CHANGE_USER under way, given back if the server refuses it. */
    private HandshakeResponse loginBeforeChange;
    private byte[] sha1BeforeChange;

    BackendLogin(BackendConnection connection, Server server, HandshakeResponse clientLogin, byte[] passwordSha1) {
        this.c = connection;
        this.server = server;
        this.login = clientLogin;
        this.passwordSha1 = passwordSha1;
    }

    /** The backend's thread id, or -1 before its greeting. */
    long threadId() {
        return greeting == null ? -1 : greeting.connectionId();
    }

    /** The capabilities of the client login this connection was made for (its pool key). */
    long clientCapabilities() {
        return login.capabilities();
    }

    boolean reusing() {
        return reusing;
    }

    /** One handshake packet (header included, still the caller's), in the state the connection is in. */
    void onPacket(ByteBuf packet) {
        int seq = packet.getUnsignedByte(packet.readerIndex() + 3);
        ByteBuf payload = packet.slice(packet.readerIndex() + 4, packet.readableBytes() - 4);
        switch (c.state()) {
            case GREETING -> onGreeting(payload);
            case AUTH, CHANGE_USER -> onAuthReply(packet, payload, seq);
            default -> throw new IllegalStateException("unexpected packet in state " + c.state());
        }
    }

    private void onGreeting(ByteBuf payload) {
        Channel channel = c.channel();
        if (payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == 0xFF) {
            ErrPacket err = ErrPacket.decode(payload);
            c.state(State.CLOSED);
            c.failed(err.code(), err.sqlState(), err.message());
            channel.close();
            return;
        }
        greeting = InitialHandshake.decode(payload);
        capabilities = (login.capabilities() & greeting.capabilities() & ~BackendConnection.NEVER)
                | Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH;
        if (login.database() == null || login.database().isEmpty()) {
            capabilities &= ~Capabilities.CONNECT_WITH_DB;
        }
        if (login.connectAttributes() == null) {
            capabilities &= ~Capabilities.CONNECT_ATTRS;
        }
        byte[] token = NativePassword.scrambleWithSha1(passwordSha1, greeting.nonce());
        String plugin = NativePassword.PLUGIN;
        String announced = greeting.authPluginName();
        if (BackendSha2Login.handles(announced)
                && BackendSha2Login.canStart(announced, clientPassword(), clientStage1())) {
            // A MySQL 8 server: answer its default plugin at once, as its own clients do, saving a round trip.
            pluginLogin = new BackendSha2Login(announced, greeting.nonce(), clientPassword(), clientStage1(),
                    server.tls() != null);
            token = pluginLogin.first();
            plugin = announced;
        }
        io.gatehouse.core.tls.ReloadableTls tls = server.tls();
        if (tls != null) {
            if ((greeting.capabilities() & Capabilities.SSL) == 0) {
                c.state(State.CLOSED);
                c.failed(2026, "HY000", "TLS/SSL error: server '" + server.name() + "' does not offer TLS (ssl=true)");
                channel.close();
                return;
            }
            capabilities |= Capabilities.SSL;
        }
        HandshakeResponse out = new HandshakeResponse(capabilities, login.maxPacketSize(), login.charset(),
                login.user(), token, login.database(), plugin, login.connectAttributes());
        c.state(State.AUTH);
        if (tls == null) {
            sendLogin(out, 1);
            return;
        }
        // SSL request first, then the whole login once the TLS handshake is done.
        ByteBuf request = channel.alloc().buffer(HandshakeResponse.FIXED_LENGTH);
        out.encodeSslRequest(request);
        channel.writeAndFlush(Packets.frame(channel.alloc(), 1, request));
        io.netty.handler.ssl.SslHandler handler = tls.newHandler(channel.alloc(), server.address(), server.port());
        channel.pipeline().addFirst("tls", handler);
        handler.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                sendLogin(out, 2);
            } else if (c.state() != State.CLOSED) {
                c.state(State.CLOSED);
                c.failed(2026, "HY000", "TLS/SSL error with server '" + server.name() + "': "
                        + io.gatehouse.core.tls.TlsErrors.reason(f.cause()));
                channel.close();
            }
        });
    }

    private void sendLogin(HandshakeResponse out, int sequence) {
        Channel channel = c.channel();
        ByteBuf body = channel.alloc().buffer(128);
        out.encode(body);
        channel.writeAndFlush(Packets.frame(channel.alloc(), sequence, body));
    }

    private void onAuthReply(ByteBuf packet, ByteBuf payload, int seq) {
        Channel channel = c.channel();
        int first = payload.isReadable() ? payload.getUnsignedByte(payload.readerIndex()) : -1;
        switch (first) {
            case 0x00 -> {
                boolean changeUser = c.state() == State.CHANGE_USER && !reusing;
                reusing = false;
                pluginLogin = null;
                c.loggedIn(packet, capabilities, changeUser);
            }
            case 0xFF -> {
                ErrPacket err = ErrPacket.decode(payload);
                if (c.state() == State.CHANGE_USER && !reusing) {
                    // The server refused the new user and kept the connection as the old one (its session reset).
                    login = loginBeforeChange;
                    passwordSha1 = sha1BeforeChange;
                    c.changeUserRefused();
                    c.pipeline().changeUserDone(c, packet.retain());
                } else {
                    c.state(State.CLOSED);
                    ClientSession session = c.session();
                    if (err.code() == 1045 && session != null) {
                        session.backendRefusedLogin();
                    }
                    c.failed(err.code(), err.sqlState(), err.message());
                    channel.close();
                }
            }
            case 0xFE -> {
                AuthSwitchRequest sw = AuthSwitchRequest.decode(payload);
                byte[] clear = clientPassword();
                if (BackendSha2Login.handles(sw.pluginName()) || BackendParsecLogin.PLUGIN.equals(sw.pluginName())) {
                    pluginLogin = BackendParsecLogin.PLUGIN.equals(sw.pluginName())
                            ? new BackendParsecLogin(server.name(), sw.pluginData(), clear)
                            : new BackendSha2Login(sw.pluginName(), sw.pluginData(), clear, clientStage1(),
                                    server.tls() != null);
                    try {
                        send(seq + 1, pluginLogin.first());
                    } catch (IllegalStateException e) {
                        c.fail(server + ": " + e.getMessage());
                    }
                    return;
                }
                if (BackendDialogLogin.PLUGIN.equals(sw.pluginName())) {
                    // A backend's PAM plugin: answered only with a password PAM (or the passthrough rules) allows.
                    String refused = pamChecked() ? null : clearPasswordRefusal(clear);
                    if (refused != null) {
                        c.fail(refused.replace("in clear (mysql_clear_password)", "in its PAM dialog"));
                        return;
                    }
                    pluginLogin = new BackendDialogLogin(server.name(), sw.pluginData(), clear);
                    try {
                        send(seq + 1, pluginLogin.first());
                    } catch (IllegalStateException e) {
                        c.fail(server + ": " + e.getMessage());
                    }
                    return;
                }
                if (ClearPassword.PLUGIN.equals(sw.pluginName())) {
                    // pamauth: PAM accepted this password for this user, and the backend's PAM plugin asks for it.
                    String refused = pamChecked() ? null : clearPasswordRefusal(clear);
                    if (refused != null) {
                        c.fail(refused);
                        return;
                    }
                    // clear_pw_passthrough: the client's own password, as the backend's plugin (PAM, LDAP) asks.
                    ByteBuf body = channel.alloc().buffer(clear.length + 1).writeBytes(clear).writeByte(0);
                    channel.writeAndFlush(Packets.frame(channel.alloc(), seq + 1, body));
                    return;
                }
                if (Ed25519Password.PLUGIN.equals(sw.pluginName()) && clear != null) {
                    // An ed25519 backend account: with the client's password Gatehouse signs as the client would.
                    byte[] nonce = java.util.Arrays.copyOf(sw.pluginData(), Ed25519Password.NONCE_LENGTH);
                    byte[] sig = Ed25519Signer.sign(new String(clear, java.nio.charset.StandardCharsets.UTF_8), nonce);
                    channel.writeAndFlush(Packets.frame(channel.alloc(), seq + 1,
                            channel.alloc().buffer(sig.length).writeBytes(sig)));
                    return;
                }
                if (!NativePassword.PLUGIN.equals(sw.pluginName())) {
                    c.fail(server + " asks for authentication plugin '" + sw.pluginName()
                            + "', which Gatehouse cannot use towards backends yet");
                    return;
                }
                byte[] token = NativePassword.scrambleWithSha1(passwordSha1, sw.pluginData());
                ByteBuf body = channel.alloc().buffer(token.length);
                body.writeBytes(token);
                channel.writeAndFlush(Packets.frame(channel.alloc(), seq + 1, body));
            }
            case 0x01 -> {
                if (pluginLogin == null) {
                    c.fail(server + " sent more authentication data although no plugin exchange is under way");
                    return;
                }
                byte[] data = new byte[payload.readableBytes() - 1];
                payload.getBytes(payload.readerIndex() + 1, data);
                try {
                    byte[] answer = pluginLogin.more(data);
                    if (answer != null) {
                        send(seq + 1, answer);
                    }
                } catch (IllegalStateException e) {
                    c.fail(server + ": " + e.getMessage());
                }
            }
            default -> {
                if (pluginLogin instanceof BackendDialogLogin && BackendDialogLogin.isQuestion(first)) {
                    // The server's PAM plugin sends its further questions without the auth-more-data prefix.
                    byte[] question = new byte[payload.readableBytes()];
                    payload.getBytes(payload.readerIndex(), question);
                    try {
                        send(seq + 1, pluginLogin.more(question));
                    } catch (IllegalStateException e) {
                        c.fail(server + ": " + e.getMessage());
                    }
                    return;
                }
                c.fail(server + " sent an unexpected authentication packet (first byte " + first + ")");
            }
        }
    }

    /**
     * Why a backend's mysql_clear_password request gets no answer, or null when it gets the client's password:
     * only under clear_pw_passthrough (a password Gatehouse learnt from a caching_sha2 or sha256 login was given to
     * Gatehouse, not to every backend that asks), and only over TLS or a unix socket unless the listener allows
     * it in clear with clear_pw_without_tls.
     */
    private String clearPasswordRefusal(byte[] clear) {
        ClientSession session = c.session();
        ClientSettings settings = session == null ? null : session.settings;
        if (clear == null || settings == null || !settings.clearPassthrough()) {
            return server + " asks for the client's password in clear (mysql_clear_password); Gatehouse sends it only"
                    + " when the listener has authenticator_options=clear_pw_passthrough=true";
        }
        if (server.tls() == null && server.socket() == null && !settings.clearWithoutTls()) {
            return server + " asks for the client's password in clear (mysql_clear_password) over a connection"
                    + " without TLS; set ssl=true on the server, or authenticator_options=clear_pw_without_tls=true"
                    + " on the listener to allow it";
        }
        return null;
    }

    private void send(int sequence, byte[] payload) {
        Channel channel = c.channel();
        channel.writeAndFlush(Packets.frame(channel.alloc(), sequence,
                channel.alloc().buffer(payload.length).writeBytes(payload)));
    }

    /**
     * The client's password in clear when its login revealed it and this connection logs in as the client itself
     * (a user_mapping_file credential is another account's); null otherwise.
     */
    private byte[] clientPassword() {
        ClientSession session = c.session();
        return session != null && session.user().equals(login.user()) ? session.credentials().clearPassword() : null;
    }

    /** True when the client's password (see {@link #clientPassword}) is the one PAM accepted for this user. */
    private boolean pamChecked() {
        ClientSession session = c.session();
        return clientPassword() != null && session.credentials().pamChecked();
    }

    /** SHA256(client's password) under the same conditions as {@link #clientPassword}, or null. */
    private byte[] clientStage1() {
        ClientSession session = c.session();
        return session != null && session.user().equals(login.user()) ? session.credentials().sha256Stage1() : null;
    }

    /** Logs the connection in again as {@code user} for the client's COM_CHANGE_USER. */
    void changeUser(String user, ChangeUserRequest clientRequest, byte[] newSha1) {
        this.loginBeforeChange = login;
        this.sha1BeforeChange = passwordSha1;
        this.passwordSha1 = newSha1;
        this.login = login.withAuth(user, new byte[0], NativePassword.PLUGIN);
        sendChangeUser(user, clientRequest.database(), clientRequest.charset(),
                clientRequest.connectAttributes());
    }

    /** Logs a pooled connection in as a new session's client, whose login the connection now answers. */
    void reuse(HandshakeResponse newLogin, byte[] newSha1) {
        reusing = true;
        login = newLogin;
        passwordSha1 = newSha1;
        server.connectionReused();
        sendChangeUser(newLogin.user(), newLogin.database(), newLogin.charset(), newLogin.connectAttributes());
    }

    /** Sends COM_CHANGE_USER with a token for {@link #passwordSha1} and this connection's nonce. */
    private void sendChangeUser(String user, String database, int charset, byte[] attributes) {
        Channel channel = c.channel();
        byte[] token = NativePassword.scrambleWithSha1(passwordSha1, greeting.nonce());
        ChangeUserRequest out = new ChangeUserRequest(user, token, database, charset, NativePassword.PLUGIN,
                attributes);
        ByteBuf body = channel.alloc().buffer(128);
        out.encode(body, capabilities);
        c.state(State.CHANGE_USER);
        channel.writeAndFlush(Packets.frame(channel.alloc(), 0, body));
    }
}
