package io.gatehouse.core.session.login;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.users.UserAccount;
import io.gatehouse.core.users.UserAccounts;
import io.gatehouse.core.users.UserMapping;
import io.gatehouse.core.worker.ChannelLoop;
import io.gatehouse.protocol.AuthSwitchRequest;
import io.gatehouse.protocol.ChangeUserRequest;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.PacketTooLargeException;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client half of one COM_CHANGE_USER: proves the new user with whichever plugin the account or the client
 * needs (the same exchanges as a new login: ed25519, the SHA-256 plugins, cleartext passthrough, an authentication
 * switch to mysql_native_password), then hands the verdict and the backend credential to the routing stream, which
 * logs its backend connections in again. While it waits for the client, the session gives it the client's bytes;
 * it owns them until they are framed and read, and hands back whatever follows the exchange. Session worker thread.
 *
 * <p>Who checked the password, and the accounts it is decided on: as for a new login (see {@link ClientLogin}). A connection whose
 * COM_CHANGE_USER failed three times is closed at its next one, as MariaDB does, and one whose failure blocks the
 * host is closed at once.
 */
public final class ChangeUserLogin implements LoginFlow {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeUserLogin.class);
    private static final int MAX_AUTH_PACKET = 64 * 1024;
    /** Failed attempts a connection may make before the next COM_CHANGE_USER closes it (as MariaDB's). */
    private static final int MAX_FAILED_CHANGE_USERS = 3;

    /**
     * What the routing stream does with the verdict: {@code nextSeq} is the sequence number of its answer. On
     * success it calls {@link #forgetPrevious} or {@link #restorePrevious} once the backends have answered.
     */
    public interface Outcome {
        void done(LoginCheck.Result result, String backendUser, int nextSeq);
    }

    private final ClientSession s;
    private final ChangeUserRequest request;
    private final HandshakeResponse login;
    private final Outcome outcome;
    private final PacketAccumulator framer = new PacketAccumulator(ByteBufAllocator.DEFAULT, MAX_AUTH_PACKET);
    private final byte[] previousPassword;
    /** The old user's password was PAM's (pamauth), so restoring it restores that too. */
    private final boolean previousFromPam;
    private final byte[] previousStage1;
    private PluginExchange exchange;
    /** skip_authentication for this change (never for an account with a user_mapping_file entry). */
    private boolean skipCheck;
    private boolean awaitingNativeToken;
    private boolean reading;
    private boolean wasAutoRead;
    private boolean finished;
    private String backendUser;
    /** When the command arrived ({@link System#nanoTime}): accounts loaded after it may refuse it. */
    private long startedNanos;
    /** The accounts were reloaded once for this change already. */
    private boolean reloaded;
    /** COM_CHANGE_USER itself is packet 0; the exchange and the final answer count on from it. */
    private int nextSeq = 1;

    public ChangeUserLogin(ClientSession session, ChangeUserRequest request, Outcome outcome) {
        this.s = session;
        this.request = request;
        this.outcome = outcome;
        this.login = new HandshakeResponse(session.clientCapabilities(), 0, request.charset(), request.user(),
                request.authResponse() == null ? new byte[0] : request.authResponse(), request.database(),
                request.authPlugin(), request.connectAttributes());
        this.previousPassword = session.credentials().clearPassword();
        this.previousFromPam = session.credentials().pamChecked();
        this.previousStage1 = session.credentials().sha256Stage1();
    }

    /** Decides at once (mysql_native_password) or sends the first packet of the plugin's exchange. */
    public void start() {
        s.credentials().clearPassword(null);
        s.credentials().sha256Stage1(null);
        if (s.failedChangeUsers >= MAX_FAILED_CHANGE_USERS) {
            // As MariaDB: after three failed attempts a connection gets no more, and is closed.
            LOG.warn("Session {} from {}: COM_CHANGE_USER after {} failed attempts; closing it", s.id, s.remote,
                    s.failedChangeUsers);
            release();
            s.sendErrorAndClose(nextSeq, 1047, "08S01", "Unknown command");
            return;
        }
        if (s.proxy.blocker().isBlocked(s.remote)) {
            release();
            s.sendErrorAndClose(nextSeq, 1129, "HY000", "Host '" + s.remote
                    + "' is temporarily blocked due to too many authentication failures.");
            return;
        }
        startedNanos = System.nanoTime();
        if (LoginVerdict.needsNewerAccounts(s, startedNanos, request.user(), request.database())) {
            // As for a new login: the accounts would refuse it but may be older than what it names.
            s.service.users().freshSince(startedNanos).whenComplete((v, e) -> ChannelLoop.later(s.client, () -> {
                if (!finished && s.isClosedOrClosing()) {
                    release();
                } else if (!finished) {
                    begin();
                }
            }));
            return;
        }
        begin();
    }

    /** Proves the new user with the exchange its account or client needs, on accounts new enough for it. */
    private void begin() {
        UserAccounts users = s.accounts();
        UserAccount account = LoginVerdict.accountOf(s, request.user());
        exchange = PamExchange.forAccount(this, login, account);
        // A PAM account on a pamauth listener is always checked by Gatehouse through PAM.
        skipCheck = exchange == null && s.settings.skipAuthentication() && !LoginVerdict.mapped(userMapping(), account);
        if (exchange != null) {
            exchange.start();
            return;
        }
        if (s.settings.clearPassthrough()) {
            exchange = new ClearExchange(this, login, account);
        } else if (!skipCheck) {
            exchange = PluginExchange.choose(this, login, users, s.remote, s.service.localhostMatchWildcardHost());
        }
        if (exchange != null) {
            exchange.start();
            return;
        }
        String plugin = request.authPlugin();
        if (plugin != null && !plugin.isEmpty() && !plugin.equals(NativePassword.PLUGIN)) {
            // The client made its token for another plugin: ask for a mysql_native_password one, same nonce.
            awaitingNativeToken = true;
            sendAuthSwitch(NativePassword.PLUGIN, Arrays.copyOf(s.nonce, s.nonce.length + 1));
            return;
        }
        authenticate(login.authResponse());
    }

    /** Client bytes that arrived during the exchange; takes ownership of {@code chunk}. */
    public void read(ByteBuf chunk) {
        framer.add(chunk);
        ByteBuf packet;
        while (!finished && (packet = nextPacket()) != null) {
            try {
                nextSeq = packet.getUnsignedByte(packet.readerIndex() + 3) + 1;
                byte[] payload = new byte[packet.readableBytes() - 4];
                packet.getBytes(packet.readerIndex() + 4, payload);
                if (exchange != null) {
                    exchange.packet(payload);
                } else if (awaitingNativeToken) {
                    awaitingNativeToken = false;
                    authenticate(payload);
                } else {
                    throw new IllegalStateException("a packet while no authentication step was asked for");
                }
            } catch (RuntimeException e) {
                malformed(e.getMessage());
                return;
            } finally {
                packet.release();
            }
        }
    }

    private ByteBuf nextPacket() {
        try {
            return framer.next();
        } catch (PacketTooLargeException e) {
            malformed(e.getMessage());
            return null;
        }
    }

    private void malformed(String why) {
        LOG.warn("Session {} from {} sent a malformed COM_CHANGE_USER exchange: {}; closing it", s.id, s.remote, why);
        release();
        s.sendErrorAndClose(nextSeq, 1835, "08S01", "Malformed packet: " + why);
    }

    private void authenticate(byte[] token) {
        UserAccounts users = s.accounts();
        LoginCheck.Result result = skipCheck
                ? LoginCheck.unchecked(users, request.user(), token, s.remote, s.nonce)
                : LoginCheck.check(users, request.user(), token, s.remote, request.database(), s.nonce,
                        s.service.enableRootUser(), s.service.localhostMatchWildcardHost());
        if (!result.ok() && result.retryAfterReload() && !reloaded && s.service.users().olderThan(startedNanos)) {
            // The password may have changed since the accounts were loaded: decide on newer ones.
            reloaded = true;
            s.service.users().freshSince(startedNanos).whenComplete((v, e) -> ChannelLoop.later(s.client, () -> {
                if (!finished && s.isClosedOrClosing()) {
                    release();
                } else if (!finished) {
                    authenticate(token);
                }
            }));
            return;
        }
        loginResult(result);
    }

    @Override
    public long startedNanos() {
        return startedNanos;
    }

    @Override
    public ClientSession session() {
        return s;
    }

    @Override
    public void sendAuthSwitch(String plugin, byte[] data) {
        ByteBuf body = s.client.alloc().buffer(64);
        new AuthSwitchRequest(plugin, data).encode(body);
        send(body);
    }

    @Override
    public void sendAuthMoreData(byte[] data) {
        send(s.client.alloc().buffer(1 + data.length).writeByte(0x01).writeBytes(data));
    }

    /** Sends one packet of the exchange; whatever the client answers comes to {@link #read}. */
    private void send(ByteBuf body) {
        s.client.writeAndFlush(Packets.frame(s.client.alloc(), nextSeq++, body));
        if (!reading) {
            reading = true;
            wasAutoRead = s.client.config().isAutoRead();
            s.changingUser(this);
            // The routing stream stopped reading while it answers the command; the answer is ours to read.
            s.client.config().setAutoRead(true);
        }
    }

    @Override
    public UserMapping userMapping() {
        return s.settings.userMapping();
    }

    @Override
    public void mapBackendUser(String user) {
        this.backendUser = user;
    }

    @Override
    public void loginResult(LoginCheck.Result result) {
        LoginVerdict.Outcome verdict = LoginVerdict.decide(s, result, request.user(),
                exchange != null && exchange.mapsUser(), s.clientCapabilities());
        result = verdict.result();
        if (!result.ok()) {
            s.failedChangeUsers++;
            if (s.service.logAuthWarnings()) {
                LOG.warn("{}: COM_CHANGE_USER of session {} to '{}'@'{}' refused: {}", s.service.name(), s.id,
                        request.user(), s.remote, result.message());
            }
            if (verdict.hostBlocked()) {
                // One connection must not keep guessing: the block ends it, as it refuses new ones.
                LOG.warn("Host '{}' blocked after too many failed logins; closing session {}", s.remote, s.id);
                release();
                s.sendErrorAndClose(nextSeq, result.errorCode(), result.sqlState(), result.message());
                return;
            }
            finish(result);
            return;
        }
        if (verdict.backendUser() != null) {
            backendUser = verdict.backendUser();
            result = new LoginCheck.Result(result.account(), verdict.backendSha1(), 0, "", "", false, true);
        }
        finish(result);
    }

    private void finish(LoginCheck.Result result) {
        finished = true;
        if (!result.ok()) {
            restorePrevious();                                // the session stays the old user's
        }
        ByteBuf rest = null;
        if (reading) {
            reading = false;
            s.changingUser(null);
            s.client.config().setAutoRead(wasAutoRead);
            rest = framer.drain();
        }
        framer.release();
        outcome.done(result, backendUser != null ? backendUser : request.user(), nextSeq);
        if (rest != null) {
            // Bytes a client sent behind its last authentication packet: commands, in the order they came.
            s.routeClientBytes(rest);
        }
    }

    /** Frees what is held when the session ends in the middle of the exchange. */
    public void release() {
        finished = true;
        framer.release();
        forgetPrevious();
    }

    /**
     * The backends refused the user Gatehouse accepted (or the check failed): the session gets back the old user's
     * secrets, which its backend connections, still the old user's, may need again.
     */
    public void restorePrevious() {
        if (previousFromPam) {
            s.credentials().pamPassword(previousPassword);
        } else {
            s.credentials().clearPassword(previousPassword);
        }
        s.credentials().sha256Stage1(previousStage1);
    }

    /** Every backend took the new user: the old user's secrets are no longer needed. */
    public void forgetPrevious() {
        wipe(previousPassword);
        wipe(previousStage1);
    }

    private static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
