package io.gatehouse.core.session.login;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.users.UserMapping;

/**
 * The login a {@link PluginExchange} runs in: a new connection's ({@link ClientLogin}) or a COM_CHANGE_USER's
 * ({@link ChangeUserLogin}). The two differ in packet sequence numbers, in where the client's next packets are
 * read and in what happens after the verdict, so an exchange only talks to this. Session worker thread; nothing here
 * takes or hands over buffers.
 */
interface LoginFlow {
    ClientSession session();

    /** An authentication switch to {@code plugin} with its data (the scramble, as the plugin expects it). */
    void sendAuthSwitch(String plugin, byte[] data);

    /** An auth-more-data packet (0x01 and {@code data}) of a multi-round plugin. */
    void sendAuthMoreData(byte[] data);

    /** The listener's user_mapping_file, or null. */
    UserMapping userMapping();

    /** The backends are logged into as {@code backendUser} (a user_mapping_file entry) instead of the client's. */
    void mapBackendUser(String backendUser);

    /** When the login began ({@link System#nanoTime}): accounts loaded before it may be too old to refuse it. */
    long startedNanos();

    /** The exchange's verdict; the flow applies the checks that follow (TLS requirements, host block, mapping). */
    void loginResult(LoginCheck.Result result);
}
