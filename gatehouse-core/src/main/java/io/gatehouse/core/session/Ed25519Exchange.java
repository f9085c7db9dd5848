package io.gatehouse.core.session;

import io.gatehouse.core.users.UserAccount;
import io.gatehouse.core.users.UserMapping;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.Ed25519Password;
import java.security.SecureRandom;

/**
 * MariaDB's ed25519 login: Gatehouse sends a 32-byte scramble in an authentication switch to
 * {@code client_ed25519} and checks the client's signature against the account's public key. The password itself
 * never reaches Gatehouse, so the backends are logged into with the listener's {@code user_mapping_file}
 * credential for the user; without one the login is refused with that reason. Session worker thread.
 */
final class Ed25519Exchange extends PluginExchange {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] nonce = new byte[Ed25519Password.NONCE_LENGTH];

    Ed25519Exchange(ClientLogin flow, HandshakeResponse login, UserAccount account) {
        super(flow, login, account);
        RANDOM.nextBytes(nonce);
    }

    @Override
    void start() {
        flow.sendAuthSwitch(Ed25519Password.PLUGIN, nonce);
    }

    @Override
    void onPacket(byte[] payload) {
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
        UserMapping mapping = flow.userMapping();
        UserMapping.Credential backend = mapping == null ? null : mapping.lookup(login.user());
        if (backend == null) {
            flow.loginResult(new LoginCheck.Result(account, null, 1045, "28000", "Access denied for user '"
                    + login.user() + "'@'" + session.remote() + "': an ed25519 account needs a user_mapping_file"
                    + " credential for the backends", false));
            return;
        }
        flow.mapBackendUser(backend.user());
        proven(backend.passwordSha1());
    }
}
