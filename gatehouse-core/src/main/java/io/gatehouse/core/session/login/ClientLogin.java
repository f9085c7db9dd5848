package io.gatehouse.core.session.login;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.worker.ChannelLoop;
import io.gatehouse.protocol.AuthSwitchRequest;
import io.gatehouse.protocol.Capabilities;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.PacketTooLargeException;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.auth.NativePassword;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login phase of one client session: the handshake response (after an optional TLS upgrade and PROXY header),
 * the authentication exchange of the account's or client's plugin, the checks that follow (account TLS
 * requirements, blocked hosts, user mapping), and then the hand-over to the session to connect its backends. Runs
 * on the session's worker thread and works on the session's own fields; it owns the handshake packets it reads
 * from the session's framer until it releases them. *
 * <p>Who checked the password, path by path (the same for {@link ChangeUserLogin}):
 * <ul>
 * <li>mysql_native_password: Gatehouse (the token against the account's native hash), then the backends again with
 * the SHA1(password) the token yields;</li>
 * <li>caching_sha2_password / sha256_password ({@link Sha2Exchange}): Gatehouse (the revealed password, or the cached
 * fast-path scramble, against the native hash), then the backends again;</li>
 * <li>ed25519 / parsec ({@link Ed25519Exchange}, {@link ParsecExchange}): Gatehouse (the signature against the stored
 * key); the backends only check the user_mapping_file credential;</li>
 * <li>ed_mode=sha256: Gatehouse (the revealed password against the ed25519 key), then the backends with Gatehouse's
 * signature;</li>
 * <li>clear_pw_passthrough ({@link ClearExchange}): the backends, with the client's password; for an account with a
 * user_mapping_file entry Gatehouse, against whatever the account stores;</li>
 * <li>skip_authentication: the backends, with the client's unchecked token; for an account with a user_mapping_file
 * entry Gatehouse, by the normal path;</li>
 * <li>pam accounts on a pamauth listener ({@link PamExchange}): Gatehouse, with the system's PAM stack, before any
 * backend is asked; then the backends again through their own PAM exchange with the same password.</li>
 * </ul>
 * Then {@link LoginVerdict} applies the checks every path shares. A login that the accounts would refuse (no account,
 * grant or database, or a wrong mysql_native_password token) is first decided again on accounts loaded after it
 * began ({@link io.gatehouse.core.users.UserAccountStore#freshSince}), so that nothing made on the backends just
 * before it is refused from an older load.
 */
public final class ClientLogin implements LoginFlow {
    private static final Logger LOG = LoggerFactory.getLogger(ClientLogin.class);

    private final ClientSession s;
    /** A backend's refusal of this login under skip_authentication/clear_pw_passthrough was counted already. */
    private boolean backendRefusalCounted;
    private boolean reloadedUsers;

    public ClientLogin(ClientSession session) {
        this.s = session;
    }

    @Override
    public long startedNanos() {
        return startedNanos;
    }

    @Override
    public ClientSession session() {
        return s;
    }

    public void readHandshake(ChannelHandlerContext ctx, ByteBuf buf) {
        s.framer.add(buf);
        if (!checkHeldBytes()) {
            return;
        }
        ByteBuf packet;
        try {
            packet = s.framer.next();
        } catch (PacketTooLargeException e) {
            LOG.warn("Client {} from {} sent a malformed handshake: {}", s.id, s.remote, e.getMessage());
            s.sendErrorAndClose(2, 1043, "08S01", "Bad handshake");
            return;
        }
        if (packet == null) {
            return;
        }
        try {
            int seq = packet.getUnsignedByte(packet.readerIndex() + 3);
            ByteBuf payload = packet.slice(packet.readerIndex() + 4, packet.readableBytes() - 4);
            s.nextSeq = seq + 1;
            if (s.state == ClientSession.State.GREETING_SENT) {
                if (HandshakeResponse.isSslRequest(payload)) {
                    startTls(ctx);
                    return;
                }
                if (s.settings.tls() != null && !s.encrypted) {
                    s.sendErrorAndClose(s.nextSeq, 1045, "28000", "Access denied: this listener accepts TLS connections"
                            + " only (connect with SSL)");
                    return;
                }
                s.login = HandshakeResponse.decode(payload);
                s.user = s.login.user();
                if (s.proxy.blocker().isBlocked(s.remote)) {
                    // Before any plugin exchange: a blocked host gets no chance to try a password.
                    s.sendErrorAndClose(s.nextSeq, 1129, "HY000", "Host '" + s.remote
                            + "' is temporarily blocked due to too many authentication failures.");
                    return;
                }
                startedNanos = System.nanoTime();
                if (LoginVerdict.needsNewerAccounts(s, startedNanos, s.login.user(), s.login.database())) {
                    // The accounts would refuse it but may be older than the account or database it names: decide
                    // on accounts loaded after it began, back on this worker.
                    s.state = ClientSession.State.AUTHENTICATING;
                    s.service.users().freshSince(startedNanos).whenComplete((v, e) -> ChannelLoop.later(s.client,
                            () -> {
                                if (s.state == ClientSession.State.AUTHENTICATING && !s.isClosedOrClosing()) {
                                    beginChecked();
                                }
                            }));
                    return;
                }
                begin();
            } else {
                byte[] token = new byte[payload.readableBytes()];
                payload.getBytes(payload.readerIndex(), token);
                if (exchange != null) {
                    exchange.packet(token);
                } else {
                    authenticate(token);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Client {} from {} sent a malformed handshake: {}", s.id, s.remote, e.getMessage());
            s.sendErrorAndClose(s.nextSeq, 1043, "08S01", "Bad handshake");
        } finally {
            packet.release();
        }
    }

    private void beginChecked() {
        try {
            begin();
        } catch (RuntimeException e) {
            LOG.warn("Client {} from {} sent a malformed handshake: {}", s.id, s.remote, e.getMessage());
            s.sendErrorAndClose(s.nextSeq, 1043, "08S01", "Bad handshake");
        }
    }

    /** Starts proving the client's handshake response: the plugin exchange it needs, or the native check. */
    private void begin() {
        boolean pluginAuth = (s.login.capabilities() & Capabilities.PLUGIN_AUTH) != 0;
        io.gatehouse.core.users.UserAccount account = LoginVerdict.accountOf(s, s.login.user());
        // A mapped account's backend login is not the client's own: Gatehouse must check its password.
        exchange = pluginAuth ? PamExchange.forAccount(this, s.login, account) : null;
        // A PAM account on a pamauth listener is always checked by Gatehouse through PAM.
        skipCheck = exchange == null && s.settings.skipAuthentication()
                && !LoginVerdict.mapped(s.settings.userMapping(), account);
        if (exchange != null) {
            s.state = ClientSession.State.AUTH_SWITCH_SENT;
            exchange.start();
            return;
        }
        if (s.settings.clearPassthrough() && pluginAuth) {
            exchange = new ClearExchange(this, s.login, account);
        } else {
            exchange = skipCheck || !pluginAuth ? null : PluginExchange.choose(this,
                    s.login, s.accounts(), s.remote, s.service.localhostMatchWildcardHost());
        }
        if (exchange != null) {
            s.state = ClientSession.State.AUTH_SWITCH_SENT;
            exchange.start();
            return;
        }
        boolean nativeToken = s.login.authPlugin() == null || s.login.authPlugin().isEmpty()
                || NativePassword.PLUGIN.equals(s.login.authPlugin());
        if (!nativeToken && pluginAuth) {
            // Ask for a mysql_native_password token with the same nonce, NUL-terminated as servers send it.
            sendAuthSwitch(NativePassword.PLUGIN, java.util.Arrays.copyOf(s.nonce, s.nonce.length + 1));
            s.state = ClientSession.State.AUTH_SWITCH_SENT;
            return;
        }
        authenticate(s.login.authResponse());
    }

    /**
     * The login phase holds at most {@value #MAX_HELD_BYTES} bytes of the client's: beyond that (a client streaming
     * while its login is checked, its accounts reload or its backend connects) the session ends with error 1153.
     * Returns false when it ended.
     */
    public boolean checkHeldBytes() {
        long held = s.framer.bufferedBytes();
        if (held <= MAX_HELD_BYTES) {
            return true;
        }
        LOG.warn("Client {} from {} sent {} bytes before its login finished; closing it", s.id, s.remote, held);
        s.sendErrorAndClose(s.nextSeq, 1153, "08S01", "Got more than " + MAX_HELD_BYTES
                + " bytes from the client before its login finished");
        return false;
    }

    /** Bytes of the client's that the login phase may hold (a handshake packet is at most 64 KiB). */
    private static final int MAX_HELD_BYTES = 1 << 20;

    /** When the handshake response arrived ({@link System#nanoTime}): accounts loaded after it may refuse it. */
    private long startedNanos;
    /** The token of the login being checked, kept for a second check after an account reload. */
    private byte[] token;
    /** The exchange of a plugin other than mysql_native_password, or null. */
    private PluginExchange exchange;
    /** skip_authentication for this login (never for an account with a user_mapping_file entry). */
    private boolean skipCheck;

    @Override
    public void sendAuthSwitch(String plugin, byte[] data) {
        ByteBuf body = s.client.alloc().buffer(64);
        new AuthSwitchRequest(plugin, data).encode(body);
        s.client.writeAndFlush(Packets.frame(s.client.alloc(), s.nextSeq++, body));
    }

    @Override
    public void sendAuthMoreData(byte[] data) {
        ByteBuf body = s.client.alloc().buffer(1 + data.length).writeByte(0x01).writeBytes(data);
        s.client.writeAndFlush(Packets.frame(s.client.alloc(), s.nextSeq++, body));
    }

    @Override
    public io.gatehouse.core.users.UserMapping userMapping() {
        return s.settings.userMapping();
    }

    @Override
    public void mapBackendUser(String backendUser) {
        s.login = s.login.withAuth(backendUser, new byte[0], NativePassword.PLUGIN);
    }

    /** The client asked for TLS: encrypt from its next byte and wait for the real handshake response. */
    private void startTls(ChannelHandlerContext ctx) {
        if (s.settings.tls() == null || s.encrypted) {
            s.sendErrorAndClose(s.nextSeq, 1043, "08S01", "Bad handshake: this listener does not offer TLS");
            return;
        }
        s.encrypted = true;
        // A client may send its TLS hello right behind the request: those bytes belong to the TLS handler.
        io.gatehouse.core.tls.TlsUpgrade.serverSide(ctx.pipeline(), s.settings.tls(), s.framer.drain(), cause -> {
            LOG.warn("Client {} from {}: TLS handshake failed: {}", s.id, s.remote,
                    io.gatehouse.core.tls.TlsErrors.reason(cause));
            s.close();
        });
    }

    /** A trusted proxy said who the client is: from now on the session is that client' */
    public void proxyHeader(io.netty.handler.codec.haproxy.HAProxyMessage header) {
        if (header.sourceAddress() != null && s.state == ClientSession.State.GREETING_SENT) {
            s.remote = header.sourceAddress();
            s.remotePort = header.sourcePort();
        }
        header.release();
    }

    /** The mysql_native_password check (or skip_authentication's unchecked recovery) of {@code clientToken}. */
    private void authenticate(byte[] clientToken) {
        this.token = clientToken;
        s.state = ClientSession.State.AUTHENTICATING;
        s.auth = skipCheck
                ? LoginCheck.unchecked(s.accounts(), s.login.user(), clientToken, s.remote, s.nonce)
                : LoginCheck.check(s.accounts(), s.login.user(), clientToken, s.remote,
                        s.login.database(), s.nonce, s.service.enableRootUser(), s.service.localhostMatchWildcardHost());
        if (!s.auth.ok() && s.auth.retryAfterReload() && !reloadedUsers
                && s.service.users().olderThan(startedNanos)) {
            // The password may have changed since the accounts were loaded: decide again on accounts loaded after
            // this login began, back on this worker.
            reloadedUsers = true;
            s.service.users().freshSince(startedNanos).whenComplete((v, e) -> ChannelLoop.later(s.client, () -> {
                if (s.state == ClientSession.State.AUTHENTICATING) {
                    authenticate(token);
                }
            }));
            return;
        }
        loginResult(s.auth);
    }

    /**
     * The outcome of a login, whichever plugin proved it: the checks every path shares ({@link LoginVerdict}:
     * root, account policies, TLS requirements, host block, user mapping), then the backend.
     */
    @Override
    public void loginResult(LoginCheck.Result result) {
        s.state = ClientSession.State.AUTHENTICATING;
        // An exchange that keeps the password from Gatehouse (ed25519, parsec) has mapped the user already.
        LoginVerdict.Outcome verdict = LoginVerdict.decide(s, result, s.login.user(),
                exchange != null && exchange.mapsUser(), s.login.capabilities());
        s.auth = verdict.result();
        if (!s.auth.ok()) {
            if (s.service.logAuthWarnings()) {
                LOG.warn("{}: login of '{}'@'{}' refused: {}", s.service.name(), s.login.user(), s.remote,
                        s.auth.message());
            }
            if (verdict.hostBlocked()) {
                LOG.warn("Host '{}' blocked after too many failed logins", s.remote);
            }
            s.sendErrorAndClose(s.nextSeq, s.auth.errorCode(), s.auth.sqlState(), s.auth.message());
            return;
        }
        if (verdict.backendUser() != null) {
            mapBackendUser(verdict.backendUser());
            s.auth = new LoginCheck.Result(s.auth.account(), verdict.backendSha1(), 0, "", "", false, true);
        }
        s.connectBackend();
    }

    /**
     * A backend refused this client's login with a password error: under skip_authentication or
     * clear_pw_passthrough that is the only check the password gets, so it counts towards the host block (once per
     * login, however many backends a router opens). Worker thread.
     */
    public void backendRefused() {
        if (s.auth != null && s.auth.checkedHere()) {
            // Gatehouse's accounts let in what the backend refuses (dropped, or a new password): reload them, at
            // most once per users_refresh_time.
            s.service.users().refresh(false);
        }
        if (s.auth != null && !s.auth.checkedHere() && !backendRefusalCounted && s.state != ClientSession.State.ROUTING) {
            backendRefusalCounted = true;
            if (s.proxy.blocker().failed(s.remote)) {
                LOG.warn("Host '{}' blocked after too many failed logins", s.remote);
            }
        }
    }
}
