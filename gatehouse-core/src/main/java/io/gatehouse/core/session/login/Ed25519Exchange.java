package io.gatehouse.core.session.login;

import io.gatehouse.core.users.UserAccount;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.Ed25519Password;
import io.gatehouse.protocol.auth.Ed25519Signer;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.auth.Sha2Password;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * MariaDB's ed25519 login: Gatehouse sends a 32-byte scramble in an authentication switch to
 * {@code client_ed25519} and checks the client's signature against the account's public key. The password itself
 * never reaches Gatehouse, so the backends are logged into with the listener's {@code user_mapping_file}
 * credential for the user; without one the login is refused with that reason. With
 * {@code authenticator_options=ed_mode=sha256} the client is asked for its password with the sha256_password
 * exchange instead (over TLS, or RSA-encrypted), Gatehouse checks that the password yields the stored public key
 * and signs for ed25519 backend accounts itself. Session worker thread.
 */
final class Ed25519Exchange extends PluginExchange {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] nonce = new byte[Ed25519Password.NONCE_LENGTH];

    Ed25519Exchange(LoginFlow flow, HandshakeResponse login, UserAccount account) {
        super(flow, login, account);
        RANDOM.nextBytes(nonce);
    }

    @Override
    boolean mapsUser() {
        return !session.settings.edSha256();
    }

    @Override
    void start() {
        if (session.settings.edSha256()) {
            // The sha256_password exchange with the session's 20-byte nonce, NUL-terminated as servers send it.
            flow.sendAuthSwitch(Sha2Password.SHA256_PLUGIN, java.util.Arrays.copyOf(session.nonce(), 21));
            return;
        }
        flow.sendAuthSwitch(Ed25519Password.PLUGIN, nonce);
    }

    @Override
    void onPacket(byte[] payload) {
        if (session.settings.edSha256()) {
            passwordRound(payload);
            return;
        }
        byte[] key;
        try {
            key = Ed25519Password.publicKey(account.authString());
        } catch (IllegalArgumentException e) {
            refused();
            return;
        }
        if (!Ed25519Password.verify(key, nonce, payload)) {
            refused();
            return;
        }
        provenThroughMapping("ed25519");
    }

    /** ed_mode=sha256: a public-key request, or the password (in clear over TLS, RSA-encrypted otherwise). */
    private void passwordRound(byte[] payload) {
        if (payload.length == 1 && payload[0] == Sha2Password.REQUEST_PUBLIC_KEY_SHA256) {
            if (!keyRequestAllowed()) {
                return;
            }
            flow.sendAuthMoreData(Sha2Password.pem(Sha2Exchange.rsa(session)).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String password;
        try {
            password = session.encrypted() ? Sha2Password.cleartext(payload)
                    : Sha2Password.decryptPassword(Sha2Exchange.rsa(session).getPrivate(), payload, session.nonce());
        } catch (java.security.GeneralSecurityException e) {
            refused();
            return;
        }
        byte[] stored;
        try {
            stored = Ed25519Password.publicKey(account.authString());
        } catch (IllegalArgumentException e) {
            refused();
            return;
        }
        if (!java.security.MessageDigest.isEqual(Ed25519Signer.publicKey(password), stored)) {
            refused();
            return;
        }
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        session.credentials().clearPassword(bytes);
        proven(NativePassword.sha1(bytes));
    }
}
