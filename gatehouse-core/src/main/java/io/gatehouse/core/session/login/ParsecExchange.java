package io.gatehouse.core.session.login;

import io.gatehouse.core.users.UserAccount;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.ParsecPassword;
import java.security.SecureRandom;

/**
 * MariaDB's parsec login (accounts of MariaDB 11.6 and later): Gatehouse sends a 32-byte scramble in an
 * authentication switch, answers the client's empty packet with the account's ext-salt and checks the client's
 * signature of both scrambles against the stored public key. As with ed25519 the password never reaches Gatehouse,
 * so the backends are logged into with the listener's {@code user_mapping_file} credential for the user, as MaxScale
 * does for these servers. Session worker thread.
 */
final class ParsecExchange extends PluginExchange {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] scramble = new byte[ParsecPassword.SCRAMBLE_LENGTH];
    private ParsecPassword.Stored stored;
    private boolean saltSent;

    ParsecExchange(LoginFlow flow, HandshakeResponse login, UserAccount account) {
        super(flow, login, account);
        RANDOM.nextBytes(scramble);
    }

    @Override
    boolean mapsUser() {
        return true;
    }

    @Override
    void start() {
        flow.sendAuthSwitch(ParsecPassword.PLUGIN, scramble);
    }

    @Override
    void onPacket(byte[] payload) {
        if (!saltSent) {
            try {
                stored = ParsecPassword.parse(account.authString());
            } catch (IllegalArgumentException e) {
                refused();
                return;
            }
            if (payload.length != 0) {
                refused();                             // the first answer asks for the salt and holds nothing
                return;
            }
            saltSent = true;
            flow.sendAuthMoreData(stored.extSalt());
            return;
        }
        if (!ParsecPassword.verify(stored, scramble, payload)) {
            refused();
            return;
        }
        provenThroughMapping("parsec");
    }
}
