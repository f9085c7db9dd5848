package io.gatehouse.core.session.login;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.users.UserAccount;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.auth.Sha2Password;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-256 plugins of MySQL clients ({@code caching_sha2_password}, {@code sha256_password}) against accounts
 * the backends keep as mysql_native_password: the client reveals the password over TLS, or RSA-encrypted with
 * Gatehouse's key pair, Gatehouse checks it against the native hash and logs into the backends with it. A
 * caching_sha2_password success is remembered (SHA256(SHA256(password)) and SHA1(password), per account) so that the
 * next login of that account takes the fast path without revealing the password. Session worker thread; the cache
 * and key pair are shared and thread-safe.
 */
public final class Sha2Exchange extends PluginExchange {
    private static final int MAX_CACHED = 100_000;
    private static final Map<String, byte[][]> FAST = new ConcurrentHashMap<>();
    private static volatile KeyPair rsa;
    private static volatile long fastLogins;

    private final boolean caching;
    private boolean fullAuth;

    Sha2Exchange(LoginFlow flow, HandshakeResponse login, UserAccount account, boolean caching) {
        super(flow, login, account);
        this.caching = caching;
    }

    /** Logins that took the caching_sha2_password fast path, process-wide (for the admin API and tests). */
    public static long fastLogins() {
        return fastLogins;
    }

    /** The listener's RSA key pair when configured, else one made for this process. */
    static KeyPair rsa(ClientSession session) {
        return session.settings.rsaKeys() != null ? session.settings.rsaKeys() : rsa();
    }

    private static KeyPair rsa() {
        KeyPair k = rsa;
        if (k == null) {
            synchronized (Sha2Exchange.class) {
                if (rsa == null) {
                    rsa = Sha2Password.newKeyPair();
                }
                k = rsa;
            }
        }
        return k;
    }

    private String cacheKey() {
        return session.service().name() + '\0' + account.key();
    }

    @Override
    void start() {
        byte[] token = login.authResponse() == null ? new byte[0] : login.authResponse();
        if (caching) {
            byte[][] cached = FAST.get(cacheKey());
            if (cached != null && !MessageDigest.isEqual(NativePassword.sha1(cached[1]), account.nativeHash())) {
                // The password changed since it was cached (the accounts were reloaded): the old one must not pass.
                FAST.remove(cacheKey(), cached);
                cached = null;
            }
            if (cached != null && Sha2Password.verifyFast(token, cached[0], session.nonce())) {
                fastLogins++;
                // All a MySQL 8 backend's fast path needs; the password itself stays unknown.
                session.credentials().sha256Stage1(Sha2Password.stage1(token, cached[0], session.nonce()));
                flow.sendAuthMoreData(new byte[] {(byte) Sha2Password.FAST_AUTH_OK});
                proven(cached[1]);
                return;
            }
            fullAuth = true;
            flow.sendAuthMoreData(new byte[] {(byte) Sha2Password.PERFORM_FULL_AUTH});
            return;
        }
        // sha256_password: the first answer already carries the password (TLS), a key request, or nothing.
        fullAuth = true;
        onPacket(token);
    }

    @Override
    void onPacket(byte[] payload) {
        if (!fullAuth) {
            refused();
            return;
        }
        int keyRequest = caching ? Sha2Password.REQUEST_PUBLIC_KEY_CACHING : Sha2Password.REQUEST_PUBLIC_KEY_SHA256;
        if (payload.length == 1 && payload[0] == keyRequest) {
            if (!keyRequestAllowed()) {
                return;
            }
            flow.sendAuthMoreData(Sha2Password.pem(rsa(session)).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (payload.length == 0 && !caching) {
            // sha256_password's first round with nothing in it: ask for the password, naming the plugin again.
            flow.sendAuthSwitch(Sha2Password.SHA256_PLUGIN, Arrays.copyOf(session.nonce(), 21));
            return;
        }
        String password;
        if (session.encrypted()) {
            password = Sha2Password.cleartext(payload);
        } else {
            try {
                password = Sha2Password.decryptPassword(rsa(session).getPrivate(), payload, session.nonce());
            } catch (java.security.GeneralSecurityException e) {
                refused();
                return;
            }
        }
        revealed(password);
    }

    /** The password the client revealed, checked against the account's native hash. */
    private void revealed(String password) {
        byte[] sha1 = checkRevealed(password);
        if (sha1 == null) {
            refusedUnlessNewer(() -> revealed(password));
            return;
        }
        if (caching && FAST.size() < MAX_CACHED) {
            FAST.put(cacheKey(), new byte[][] {Sha2Password.stage2(password), sha1});
        }
        // Kept for the session's own backend logins (SHA-256 plugins of MySQL 8 accounts), wiped when it ends.
        session.credentials().clearPassword(password.getBytes(StandardCharsets.UTF_8));
        proven(sha1);
    }
}
