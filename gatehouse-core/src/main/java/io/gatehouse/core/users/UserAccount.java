package io.gatehouse.core.users;

/**
 * One row of the backends' account table as Gatehouse needs it. Immutable.
 *
 * @param user           user name, empty for the anonymous user
 * @param host           host pattern ({@code %}, {@code 192.168.%}, {@code localhost}, {@code 10.0.0.0/255.0.0.0})
 * @param nativeHash     SHA1(SHA1(password)) for mysql_native_password accounts, empty for no password, null for
 *                       accounts of other plugins
 * @param plugin         the authentication plugin
 * @param globalDbAccess true when a global privilege gives access to every database
 * @param superUser      true with SUPER or CONNECTION ADMIN, which may kill other users' sessions
 * @param isRole         true for roles, which cannot log in
 * @param defaultRole    the default role, or empty
 * @param sslType        {@code REQUIRE} of the account: empty, {@code ANY} (SSL), {@code X509} or
 *                       {@code SPECIFIED} (issuer, subject or cipher)
 * @param authString     the plugin's stored credential (for ed25519 the base64 public key), or empty
 * @param locked         ACCOUNT LOCK
 * @param passwordLastChanged when the password was last set (epoch seconds); 0 when it was expired by hand
 *                       (PASSWORD EXPIRE), -1 when the server does not say
 * @param passwordLifetime days a password lives (PASSWORD EXPIRE INTERVAL); -1 for the server's
 *                       default_password_lifetime, 0 for never
 */
public record UserAccount(String user, String host, byte[] nativeHash, String plugin, boolean globalDbAccess,
                          boolean superUser, boolean isRole, String defaultRole, String sslType, String authString,
                          boolean locked, long passwordLastChanged, int passwordLifetime) {
    /** An account without lock or expiry information (servers before 10.4, tests). */
    public UserAccount(String user, String host, byte[] nativeHash, String plugin, boolean globalDbAccess,
                       boolean superUser, boolean isRole, String defaultRole, String sslType, String authString) {
        this(user, host, nativeHash, plugin, globalDbAccess, superUser, isRole, defaultRole, sslType, authString,
                false, -1, -1);
    }

    /** A mysql_native_password account without a TLS requirement. */
    public UserAccount(String user, String host, byte[] nativeHash, String plugin, boolean globalDbAccess,
                       boolean superUser, boolean isRole, String defaultRole) {
        this(user, host, nativeHash, plugin, globalDbAccess, superUser, isRole, defaultRole, "", "");
    }

    /** True when the password has expired at {@code nowSeconds}, as the server decides it at login. */
    public boolean passwordExpired(long nowSeconds, int defaultLifetimeDays) {
        if (passwordLastChanged == 0) {
            return true;
        }
        int days = passwordLifetime >= 0 ? passwordLifetime : defaultLifetimeDays;
        return passwordLastChanged > 0 && days > 0 && passwordLastChanged + days * 86_400L < nowSeconds;
    }

    /** The {@code user@host} key grants are stored under. */
    public String key() {
        return user + "@" + host;
    }
}
