package io.gatehouse.core.session;

import io.gatehouse.core.session.login.LoginCheck;
import io.gatehouse.protocol.HandshakeResponse;
import io.gatehouse.protocol.auth.NativePassword;

/**
 * Who a session is (its user, how its login was checked, and the login its new backend connections make), as a
 * COM_CHANGE_USER changes it and gives it back when the backends refuse the change. The session's worker thread;
 * holds no buffers.
 */
public record SessionIdentity(String user, LoginCheck.Result auth, HandshakeResponse login) {

    /** Who {@code s} is now. */
    public static SessionIdentity of(ClientSession s) {
        return new SessionIdentity(s.user, s.auth, s.login);
    }

    /**
     * After a COM_CHANGE_USER: the client of {@code s} is {@code newUser}, its backends log in as {@code backendUser}.
     */
    public static void change(ClientSession s, String newUser, String backendUser, LoginCheck.Result newAuth,
                              String database) {
        s.user = newUser;
        s.auth = newAuth;
        s.publish();
        // Connections opened from now on (replacements, statement routers, a shared session's next connection) log
        // in as the new user, into the database the COM_CHANGE_USER named (none when it named none).
        s.login = s.login.withAuth(backendUser, new byte[0], NativePassword.PLUGIN)
                .withDatabase(database == null || database.isEmpty() ? null : database);
    }

    /** The backends refused a COM_CHANGE_USER: {@code s} is again who it was (their connections stayed so). */
    public void restoreTo(ClientSession s) {
        s.user = user;
        s.auth = auth;
        s.login = login;
        s.publish();
    }
}
