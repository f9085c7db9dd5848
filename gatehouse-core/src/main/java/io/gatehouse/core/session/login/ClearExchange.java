package io.gatehouse.core.session.login;

import io.gatehouse.core.users.UserAccount;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.ClearPassword;
import io.gatehouse.protocol.auth.NativePassword;
import io.gatehouse.protocol.auth.Sha2Password;
import java.nio.charset.StandardCharsets;

/**
 * {@code authenticator_options=clear_pw_passthrough=true}, as MaxScale: Gatehouse asks the client for its password
 * in clear ({@code mysql_clear_password}) and logs into the backends with it, answering a mysql_native_password
 * backend with the token and a cleartext-asking one (PAM, LDAP) with the password; the backend's verdict is the
 * client's. Who checked the password: the backend, except for an account with a user_mapping_file entry, whose
 * backend login is another account's: that password Gatehouse checks itself against the stored credential
 * (native hash, ed25519 key or parsec key) before the mapped credential is used. Session worker thread; the
 * password stays in the session's memory only.
 */
final class ClearExchange extends PluginExchange {
    ClearExchange(LoginFlow flow, HandshakeResponse login, UserAccount account) {
        super(flow, login, account);
    }

    @Override
    void start() {
        flow.sendAuthSwitch(ClearPassword.PLUGIN, new byte[0]);
    }

    @Override
    void onPacket(byte[] payload) {
        String password = Sha2Password.cleartext(payload);
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        session.credentials().clearPassword(bytes);
        if (LoginVerdict.mapped(flow.userMapping(), account)) {
            byte[] sha1 = checkRevealedAnyPlugin(password);
            if (sha1 == null) {
                refused();
                return;
            }
            proven(sha1);
            return;
        }
        flow.loginResult(LoginCheck.Result.unchecked(account, bytes.length == 0 ? new byte[0]
                : NativePassword.sha1(bytes)));
    }
}
