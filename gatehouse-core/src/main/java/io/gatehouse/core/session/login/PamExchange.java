package io.gatehouse.core.session.login;

import io.gatehouse.core.pam.PamAuthenticator;
import io.gatehouse.core.pam.PamSettings;
import io.gatehouse.core.users.UserAccount;
import io.gatehouse.core.worker.ChannelLoop;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.ClearPassword;
import io.gatehouse.protocol.auth.NativePassword;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pamauth login of an account whose plugin is {@code pam}: Gatehouse asks the client for its password with
 * MariaDB's {@code dialog} plugin (one password question), or with {@code mysql_clear_password} under
 * {@code pam_use_cleartext_plugin}, and checks it with the system's PAM stack under the account's PAM service (its
 * authentication_string, {@code mysql} when empty) before anything reaches a backend. The PAM call blocks, so it
 * runs on {@link PamAuthenticator}'s threads and the login continues on the session's worker. A password PAM
 * accepted is kept in the session for the backends' own PAM exchange (same user, same password); a refused one is a
 * wrong password for max_password_errors and the host block. Session worker thread, except the PAM call; no buffers.
 */
final class PamExchange extends PluginExchange {
    private static final Logger LOG = LoggerFactory.getLogger(PamExchange.class);
    /** The server's plugin of PAM accounts. */
    static final String ACCOUNT_PLUGIN = "pam";
    /** MariaDB's client plugin for PAM conversations. */
    static final String DIALOG = "dialog";
    /** A dialog question whose answer is not echoed (a password); the client answers it with its password. */
    private static final byte PASSWORD_QUESTION = 4;

    private final PamSettings settings;
    /** The client answered (further packets are a protocol error), and the verdict was given (nothing more is). */
    private boolean answered;
    private boolean decided;

    private PamExchange(LoginFlow flow, HandshakeResponse login, UserAccount account, PamSettings settings) {
        super(flow, login, account);
        this.settings = settings;
    }

    /** The exchange for {@code account} when it is a PAM account and the listener serves them, otherwise null. */
    static PamExchange forAccount(LoginFlow flow, HandshakeResponse login, UserAccount account) {
        PamSettings settings = flow.session().settings.pam();
        if (settings == null || account == null || !ACCOUNT_PLUGIN.equals(account.plugin())) {
            return null;
        }
        return new PamExchange(flow, login, account, settings);
    }

    @Override
    void start() {
        if (settings.cleartext()) {
            flow.sendAuthSwitch(ClearPassword.PLUGIN, new byte[0]);
            return;
        }
        byte[] prompt = "Password: ".getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[prompt.length + 1];
        data[0] = PASSWORD_QUESTION;
        System.arraycopy(prompt, 0, data, 1, prompt.length);
        flow.sendAuthSwitch(DIALOG, data);
    }

    @Override
    void onPacket(byte[] payload) {
        if (answered) {
            verdict(LoginCheck.Result.refused(account, 1043, "08S01", "Bad handshake: a second answer while the"
                    + " password is being checked"));
            return;
        }
        answered = true;
        int end = 0;
        while (end < payload.length && payload[end] != 0) {
            end++;
        }
        byte[] password = Arrays.copyOf(payload, end);
        Arrays.fill(payload, (byte) 0);
        String service = PamSettings.service(account.authString());
        PamAuthenticator.get().authenticate(service, login.user(), password, session.remote())
                .whenComplete((result, error) -> ChannelLoop.later(session.client, () -> {
                    if (decided || session.isClosedOrClosing()) {
                        Arrays.fill(password, (byte) 0);
                        return;                            // the session's end frees what the flow holds
                    }
                    if (error != null) {
                        Arrays.fill(password, (byte) 0);
                        LOG.warn("{}: PAM check of '{}' failed: {}", session.service().name(), login.user(),
                                error.toString());
                        verdict(LoginCheck.Result.refused(account, 1040, "08004", "Too many connections (PAM"
                                + " logins waiting)"));
                        return;
                    }
                    if (!result.ok()) {
                        Arrays.fill(password, (byte) 0);
                        LOG.info("{}: PAM refused '{}'@'{}': {}", session.service().name(), login.user(),
                                session.remote(), result.reason());
                        decided = true;
                        refused();
                        return;
                    }
                    session.credentials().pamPassword(password);
                    decided = true;
                    proven(password.length == 0 ? new byte[0] : NativePassword.sha1(password));
                }));
    }

    private void verdict(LoginCheck.Result result) {
        decided = true;
        flow.loginResult(result);
    }
}
