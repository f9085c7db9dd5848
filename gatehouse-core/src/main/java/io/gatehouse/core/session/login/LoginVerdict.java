package io.gatehouse.core.session.login;

import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.users.UserAccount;
import io.gatehouse.core.users.UserAccounts;
import io.gatehouse.core.users.UserMapping;
import io.gatehouse.protocol.Capabilities;

/**
 * The checks every login path passes after its plugin's verdict, the same for a new connection and a
 * COM_CHANGE_USER: {@code enable_root_user}, the account policies the server applies when Gatehouse checked the
 * password itself (max_password_errors, ACCOUNT LOCK, expired passwords), the account's TLS requirement, the host
 * blocker's count, and the user_mapping_file credential, chosen by the account the client proved and used only when
 * Gatehouse checked the password. Session worker thread; no buffers.
 */
final class LoginVerdict {
    /**
     * The verdict. On success {@code backendUser} and {@code backendSha1} are the user_mapping_file credential the
     * backends log in with (null: the client's own); {@code hostBlocked} says this failure blocked the client's host.
     */
    record Outcome(LoginCheck.Result result, String backendUser, byte[] backendSha1, boolean hostBlocked) {
    }

    private LoginVerdict() {
    }

    /**
     * True when {@code account} has a user_mapping_file entry: its logins must then be checked by Gatehouse even
     * under skip_authentication or clear_pw_passthrough, since the backends will not see the client's credential.
     */
    static boolean mapped(UserMapping mapping, UserAccount account) {
        return mapping != null && account != null && mapping.lookup(account.user()) != null;
    }

    /** The client's host as the server would name it in an error ({@link UserAccounts#clientHostName}). */
    static String hostName(ClientSession s) {
        return s.accounts().clientHostName(s.remote);
    }

    /**
     * True when the session's accounts were loaded before {@code sinceNanos} (when the login began) and would refuse
     * a login of {@code user} into {@code database} for want of an account, a grant or the database: the backends
     * may know what that load did not, so the login must wait for a newer one before it is decided. A database name
     * the server refuses for its form alone needs no accounts.
     */
    static boolean needsNewerAccounts(ClientSession s, long sinceNanos, String user, String database) {
        if (!s.service.users().olderThan(sinceNanos)) {
            return false;
        }
        UserAccounts users = s.accounts();
        boolean wildcard = s.service.localhostMatchWildcardHost();
        UserAccount a = users.find(user, s.remote, wildcard);
        if (a == null) {
            return users.findDisabled(user, s.remote, wildcard) == null;
        }
        if (database == null || database.isEmpty() || LoginCheck.wrongDatabaseName(database) != null) {
            return false;
        }
        return !users.mayUseDatabase(a, database) || !users.databaseExists(database);
    }

    /** The account a login of {@code user} will be checked against (for {@link #mapped}), or null. */
    static UserAccount accountOf(ClientSession s, String user) {
        return s.accounts().find(user, s.remote, s.service.localhostMatchWildcardHost());
    }

    /**
     * Decides a login of {@code user} (the name the client sent) whose plugin exchange gave {@code r}.
     * {@code exchangeMapped} is true when the exchange already chose the mapped credential (ed25519, parsec).
     */
    static Outcome decide(ClientSession s, LoginCheck.Result r, String user, boolean exchangeMapped,
                          long clientCapabilities) {
        UserAccount a = r.account();
        UserAccounts.ServerPolicy policy = s.service.users().snapshot().policy();
        String service = s.service.name();
        if (a != null && r.checkedHere() && PasswordErrors.blocked(service, a, policy.maxPasswordErrors())) {
            // As the server: once blocked, not even the right password gets in.
            r = LoginCheck.Result.refused(a, 4150, "HY000",
                    "User is blocked because of too many credential errors; unblock with 'FLUSH PRIVILEGES'");
        } else if (!r.ok() && r.checkedHere() && a != null) {
            PasswordErrors.failed(service, a);
        }
        if (r.ok() && !s.service.enableRootUser() && (user.equals("root") || a != null && a.user().equals("root"))) {
            r = LoginCheck.Result.refused(a, 1045, "28000", "Access denied for user '" + user + "'@'"
                    + hostName(s) + "' (root logins are disabled: enable_root_user=false)");
        }
        UserMapping.Credential mapped = null;
        if (r.ok()) {
            UserMapping mapping = s.settings.userMapping();
            mapped = exchangeMapped || !mapped(mapping, a) ? null : mapping.lookup(a.user());
            if (mapped != null && !r.checkedHere()) {
                r = LoginCheck.Result.refused(a, 1045, "28000", "Access denied for user '" + user + "'@'"
                        + hostName(s) + "' (a user_mapping_file credential is only used after Gatehouse checked the"
                        + " password)");
                mapped = null;
            }
        }
        if (r.ok() && r.checkedHere() && a != null) {
            PasswordErrors.succeeded(service, a);
            r = accountPolicy(s, r, policy, exchangeMapped || mapped != null, clientCapabilities);
        }
        if (r.ok()) {
            LoginCheck.Result denied = LoginCheck.transport(r, user, hostName(s), s.encrypted,
                    s.hasClientCertificate());
            r = denied == null ? r : denied;
        }
        boolean blocked = !r.ok() && r.errorCode() == 1045 && s.proxy.blocker().failed(s.remote);
        return new Outcome(r, r.ok() && mapped != null ? mapped.user() : null,
                r.ok() && mapped != null ? mapped.passwordSha1() : null, blocked);
    }

    /**
     * ACCOUNT LOCK and password expiry, as the server applies them after a proven password. An expired password is
     * left to the backends (their sandbox mode) for clients that can handle it, unless the backends log in with a
     * mapped credential, whose sandbox would be another account's.
     */
    private static LoginCheck.Result accountPolicy(ClientSession s, LoginCheck.Result r,
                                                   UserAccounts.ServerPolicy policy, boolean mapped,
                                                   long clientCapabilities) {
        UserAccount a = r.account();
        if (a.locked()) {
            return LoginCheck.Result.refused(a, 4151, "HY000", "Access denied, this account is locked");
        }
        if (a.passwordExpired(System.currentTimeMillis() / 1000, policy.defaultPasswordLifetime())) {
            boolean sandbox = (clientCapabilities & Capabilities.CAN_HANDLE_EXPIRED_PASSWORDS) != 0
                    || !policy.disconnectOnExpiredPassword();
            if (mapped || !sandbox) {
                return LoginCheck.Result.refused(a, 1862, "HY000", "Your password has expired. To log in you must"
                        + " change it using a client that supports expired passwords");
            }
        }
        return r;
    }
}
