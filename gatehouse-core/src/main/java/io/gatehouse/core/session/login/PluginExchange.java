package io.gatehouse.core.session.login;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.users.UserAccount;
import io.gatehouse.core.users.UserAccounts;
import io.gatehouse.core.worker.ChannelLoop;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.Ed25519Password;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.auth.Sha2Password;

/**
 * A client login that takes more than the mysql_native_password token: the exchange of another authentication
 * plugin, driven packet by packet. It runs on the session's worker; it owns no buffers (payloads arrive as byte
 * arrays, and what it sends is framed by the session). It ends by handing the session a {@link LoginCheck.Result}.
 */
abstract class PluginExchange {
    protected final LoginFlow flow;
    protected final ClientSession session;
    protected final HandshakeResponse login;
    /** The account being proven; replaced once when a refusal is decided again on newer accounts. */
    protected UserAccount account;
    private boolean retried;
    /** Packets the client may send in one exchange; the longest real one (sha256 with a key request) needs three. */
    private static final int MAX_PACKETS = 8;
    /** A client asks for the RSA public key once; twice is tolerated. */
    private static final int MAX_KEY_REQUESTS = 2;
    private int packets;
    private int keyRequests;

    PluginExchange(LoginFlow flow, HandshakeResponse login, UserAccount account) {
        this.flow = flow;
        this.session = flow.session();
        this.login = login;
        this.account = account;
    }

    /**
     * The exchange a login needs, or null for the plain mysql_native_password path: the account's plugin decides
     * (ed25519, parsec), then the plugin the client asked for (the SHA-256 plugins of MySQL clients, for accounts whose
     * native hash lets Gatehouse check the password once the client reveals it).
     */
    static PluginExchange choose(LoginFlow flow, HandshakeResponse login, UserAccounts users, String remote,
                                 boolean wildcardLocalhost) {
        UserAccount a = users.find(login.user(), remote, wildcardLocalhost);
        if (a == null) {
            return null;
        }
        if (Ed25519Password.SERVER_PLUGIN.equals(a.plugin())) {
            return new Ed25519Exchange(flow, login, a);
        }
        if (io.gatehouse.protocol.auth.ParsecPassword.PLUGIN.equals(a.plugin())) {
            return new ParsecExchange(flow, login, a);
        }
        String asked = login.authPlugin() == null ? "" : login.authPlugin();
        boolean token = login.authResponse() != null && login.authResponse().length > 0;
        // MariaDB's own clients (Connector/C, the mariadb CLI) with --default-auth=caching_sha2_password send no
        // token when the greeting names another plugin, and expect what the server does then: a switch to the
        // account's plugin. MySQL's clients send their SHA-256 scramble and get the SHA-256 exchange.
        if (a.nativeHash() != null && a.nativeHash().length > 0 && (asked.equals(Sha2Password.CACHING_PLUGIN) && token
                || asked.equals(Sha2Password.SHA256_PLUGIN))) {
            return new Sha2Exchange(flow, login, a, asked.equals(Sha2Password.CACHING_PLUGIN));
        }
        return null;
    }

    /** True when the exchange picks the backend credential itself (the password stays unknown to Gatehouse). */
    boolean mapsUser() {
        return false;
    }

    /** Sends the first packet of the exchange (or decides at once from the handshake response). */
    abstract void start();

    /** One packet from the client (its payload), counted: an exchange that never ends is cut off. */
    final void packet(byte[] payload) {
        if (++packets > MAX_PACKETS) {
            flow.loginResult(LoginCheck.Result.refused(account, 1043, "08S01", "Bad handshake: more than "
                    + MAX_PACKETS + " authentication packets"));
            return;
        }
        onPacket(payload);
    }

    /** One packet from the client (its payload). */
    abstract void onPacket(byte[] payload);

    /**
     * Counts a request for the RSA public key; false (and the login refused) when the client asks too often, as a
     * client that only wants Gatehouse to keep sending keys does.
     */
    protected boolean keyRequestAllowed() {
        if (++keyRequests <= MAX_KEY_REQUESTS) {
            return true;
        }
        flow.loginResult(LoginCheck.Result.refused(account, 1043, "08S01", "Bad handshake: the public key was asked"
                + " for more than " + MAX_KEY_REQUESTS + " times"));
        return false;
    }

    /** The password was proven: the remaining checks (database), with SHA1(password) for the backends. */
    protected void proven(byte[] passwordSha1) {
        flow.loginResult(LoginCheck.accept(session.accounts(), account, passwordSha1, login.database()));
    }

    /**
     * The signature was proven but the password stays unknown (ed25519, parsec): the backends are logged into with
     * the listener's user_mapping_file credential for the user, and without one the login is refused saying so.
     */
    protected void provenThroughMapping(String plugin) {
        io.gatehouse.core.users.UserMapping mapping = flow.userMapping();
        // By the account the signature proved, not the name the client typed.
        io.gatehouse.core.users.UserMapping.Credential backend = mapping == null ? null
                : mapping.lookup(account.user());
        if (backend == null) {
            flow.loginResult(LoginCheck.Result.refused(account, 1045, "28000", "Access denied for user '"
                    + login.user() + "'@'" + LoginVerdict.hostName(session) + "': this " + plugin
                    + " account needs a user_mapping_file credential for the backends"));
            return;
        }
        flow.mapBackendUser(backend.user());
        proven(backend.passwordSha1());
    }

    /**
     * A password found wrong against accounts loaded before the login began: reloads them and runs {@code again}
     * (on the worker) with the account the newer ones give, once; a login found wrong on accounts that new, or whose
     * account is gone or no longer keeps a native hash, is refused. The password may have changed a moment ago.
     */
    protected void refusedUnlessNewer(Runnable again) {
        var users = session.service().users();
        if (retried || !users.olderThan(flow.startedNanos())) {
            refused();
            return;
        }
        retried = true;
        users.freshSince(flow.startedNanos()).whenComplete((v, e) -> ChannelLoop.later(session.client, () -> {
            if (session.isClosedOrClosing()) {
                return;                                    // the session's end frees what the flow holds
            }
            UserAccount fresh = session.accounts().find(login.user(), session.remote(),
                    session.service().localhostMatchWildcardHost());
            if (fresh == null || fresh.nativeHash() == null || !fresh.key().equals(account.key())) {
                refused();
                return;
            }
            account = fresh;
            again.run();
        }));
    }

    protected void refused() {
        flow.loginResult(LoginCheck.Result.wrongPassword(account, "Access denied for user '"
                + login.user() + "'@'" + LoginVerdict.hostName(session) + "' (using password: YES)", false));
    }

    /**
     * SHA1(password) of a revealed password checked against whatever the account stores: the native hash, an
     * ed25519 public key or a parsec key; null when wrong or when the plugin keeps nothing Gatehouse can check.
     */
    protected byte[] checkRevealedAnyPlugin(String password) {
        byte[] sha1 = NativePassword.sha1(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            if (account.nativeHash() != null) {
                return checkRevealed(password);
            }
            if (Ed25519Password.SERVER_PLUGIN.equals(account.plugin())) {
                return java.security.MessageDigest.isEqual(io.gatehouse.protocol.auth.Ed25519Signer.publicKey(password),
                        Ed25519Password.publicKey(account.authString())) ? sha1 : null;
            }
            if (io.gatehouse.protocol.auth.ParsecPassword.PLUGIN.equals(account.plugin())) {
                var stored = io.gatehouse.protocol.auth.ParsecPassword.parse(account.authString());
                byte[] scramble = new byte[io.gatehouse.protocol.auth.ParsecPassword.SCRAMBLE_LENGTH];
                new java.security.SecureRandom().nextBytes(scramble);
                byte[] answer = io.gatehouse.protocol.auth.ParsecPassword.respond(password, scramble, stored.extSalt());
                return io.gatehouse.protocol.auth.ParsecPassword.verify(stored, scramble, answer) ? sha1 : null;
            }
        } catch (IllegalArgumentException e) {
            return null;                                        // a stored credential Gatehouse cannot read
        }
        return null;
    }

    /** SHA1(password) of a revealed password, checked against the account's native hash; null when wrong. */
    protected byte[] checkRevealed(String password) {
        if (account.nativeHash().length == 0) {
            return password.isEmpty() ? new byte[0] : null;      // an account without a password
        }
        byte[] sha1 = NativePassword.sha1(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.security.MessageDigest.isEqual(NativePassword.sha1(sha1), account.nativeHash()) ? sha1 : null;
    }
}
