package io.gatehouse.core.session.login;

import io.gatehouse.core.users.UserAccount;
import io.gatehouse.core.users.UserAccountLoader;
import io.gatehouse.core.users.UserAccounts;
import io.gatehouse.protocol.auth.NativePassword;

/**
 * Decides whether a login is allowed against a user-account snapshot: account lookup, mysql_native_password token
 * check (recovering SHA1(password) for the backend logins), root policy, and the connect-time database. Pure
 * function of its inputs; safe on any thread; no buffers.
 */
public final class LoginCheck {
    /**
     * The outcome: on success {@code passwordSha1} is set; on failure the error to send. {@code checkedHere} says
     * that Gatehouse compared the client's credential itself: on success it proved it (so a user_mapping_file
     * credential may stand in for it), on failure it found it wrong (so it counts towards max_password_errors).
     */
    public record Result(UserAccount account, byte[] passwordSha1, int errorCode, String sqlState, String message,
                  boolean retryAfterReload, boolean checkedHere) {
        public boolean ok() {
            return errorCode == 0;
        }

        /** A refusal for another reason than a wrong password. */
        static Result refused(UserAccount account, int code, String sqlState, String message) {
            return new Result(account, null, code, sqlState, message, false, false);
        }

        /** A wrong password, found by Gatehouse. */
        static Result wrongPassword(UserAccount account, String message, boolean retryAfterReload) {
            return new Result(account, null, 1045, "28000", message, retryAfterReload, true);
        }

        /** A success the backends still have to confirm (skip_authentication, clear_pw_passthrough). */
        static Result unchecked(UserAccount account, byte[] passwordSha1) {
            return new Result(account, passwordSha1, 0, "", "", false, false);
        }
    }

    private LoginCheck() {
    }

    /**
     * The account's {@code REQUIRE} clause against the connection, as the server applies it: {@code SSL} needs TLS,
     * {@code X509} (and issuer/subject requirements) a verified client certificate too. Null when allowed.
     */
    static Result transport(Result ok, String user, String clientHost, boolean encrypted, boolean clientCert) {
        String required = ok.account() == null ? "" : ok.account().sslType();
        boolean allowed = switch (required) {
            case "", "NONE" -> true;
            case "ANY" -> encrypted;
            default -> encrypted && clientCert;
        };
        if (allowed) {
            return null;
        }
        return Result.refused(ok.account(), 1045, "28000", "Access denied for user '" + user + "'@'" + clientHost
                + "' (the account requires " + (required.equals("ANY") ? "SSL" : "X509") + ")");
    }

    static Result check(UserAccounts users, String user, byte[] token, String clientIp, String database,
                        byte[] nonce, boolean enableRoot, boolean wildcardMatchesLocalhost) {
        String using = token.length > 0 ? "YES" : "NO";
        String host = users.clientHostName(clientIp);
        String denied = "Access denied for user '" + user + "'@'" + host + "' (using password: " + using + ")";
        if (user.equals("root") && !enableRoot) {
            return Result.refused(null, 1045, "28000", denied);
        }
        UserAccount account = users.find(user, clientIp, wildcardMatchesLocalhost);
        if (account == null) {
            UserAccount disabled = users.findDisabled(user, clientIp, wildcardMatchesLocalhost);
            if (disabled != null) {
                return Result.refused(disabled, 1045, "28000", "Access denied for user '" + user + "'@'" + host
                        + "': authentication plugin '" + disabled.plugin() + "' is not enabled on this listener"
                        + " (add ed25519auth to the listener's authenticator setting, as in"
                        + " authenticator=mariadbauth,ed25519auth)");
            }
            return new Result(null, null, 1045, "28000", denied, true, false);
        }
        if (UserAccountLoader.OLD_PASSWORD_PLUGIN.equals(account.plugin())) {
            // The server's answer: MariaDB runs with secure_auth, which refuses pre-4.1 hashes.
            return Result.refused(account, 1275, "HY000", "Server is running in --secure-auth mode, but '" + user
                    + "'@'" + host + "' has a password in the old format; please change the password to the"
                    + " new format");
        }
        if (account.nativeHash() == null && "pam".equals(account.plugin())) {
            return Result.refused(account, 1045, "28000", "Access denied for user '" + user + "'@'" + host
                    + "': authentication plugin 'pam' is not enabled on this listener (add pamauth to the"
                    + " listener's authenticator setting, as in authenticator=mariadbauth,pamauth)");
        }
        if (account.nativeHash() == null) {
            return Result.refused(account, 1045, "28000", "Access denied for user '" + user + "'@'" + host
                    + "': authentication plugin '" + account.plugin() + "' is not supported by Gatehouse yet");
        }
        byte[] sha1 = NativePassword.verify(token, account.nativeHash(), nonce);
        if (sha1 == null) {
            return Result.wrongPassword(account, denied, true);
        }
        return accept(users, account, sha1, database);
    }

    /**
     * {@code skip_authentication}: the account's SHA1(password) as the token claims it, without checking, so that
     * the backend's own check decides. An unknown user still gets a (failing) backend login attempt.
     */
    static Result unchecked(UserAccounts users, String user, byte[] token, String clientIp, byte[] nonce) {
        UserAccount account = users.find(user, clientIp, true);
        byte[] stored = account == null || account.nativeHash() == null ? new byte[0] : account.nativeHash();
        return Result.unchecked(account, NativePassword.recoverUnchecked(token, stored, nonce));
    }

    /**
     * The checks after a proven password: the connect-time database. {@code sha1} is SHA1(password) for the
     * backend logins (or of the mapped credential).
     */
    static Result accept(UserAccounts users, UserAccount account, byte[] sha1, String database) {
        if (database != null && !database.isEmpty()) {
            String bad = wrongDatabaseName(database);
            if (bad != null) {
                return Result.refused(account, 1102, "42000", bad);
            }
            // As the server does: no privilege on the database hides whether it exists. The server names the
            // account here (its user and host pattern), not the client.
            if (!users.mayUseDatabase(account, database)) {
                return new Result(account, null, 1044, "42000", "Access denied for user '" + account.user() + "'@'"
                        + account.host() + "' to database '" + cut(database, 192, false) + "'", true, false);
            }
            if (!users.databaseExists(database)) {
                return new Result(account, null, 1049, "42000", "Unknown database '" + cut(database, 192, false) + "'",
                        true, false);
            }
        }
        return new Result(account, sha1, 0, "", "", false, true);
    }

    /** The server's longest database name, in characters. */
    private static final int MAX_DATABASE_NAME = 64;

    /**
     * The server's ER_WRONG_DB_NAME text for a database name it refuses before looking at grants (longer than 64
     * characters, or ending in a space), or null for a name it accepts.
     */
    static String wrongDatabaseName(String database) {
        if (database.codePointCount(0, database.length()) <= MAX_DATABASE_NAME && !database.endsWith(" ")) {
            return null;
        }
        return "Incorrect database name '" + cut(database, 100, true) + "'";
    }

    /**
     * {@code text} cut as the server's message formats cut it: to at most {@code bytes} UTF-8 bytes on a character
     * boundary, the last three of them given to "..." when {@code dots} (its {@code %.NT}) and the text is longer.
     */
    static String cut(String text, int bytes, boolean dots) {
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= bytes) {
            return text;
        }
        int budget = dots ? bytes - 3 : bytes;
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (used + len > budget) {
                break;
            }
            out.appendCodePoint(cp);
            used += len;
            i += Character.charCount(cp);
        }
        return dots ? out.append("...").toString() : out.toString();
    }
}
