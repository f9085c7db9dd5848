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
 */
public record UserAccount(String user, String host, byte[] nativeHash, String plugin, boolean globalDbAccess,
                          boolean superUser, boolean isRole, String defaultRole, String sslType, String authString) {
    /** A mysql_native_password account without a TLS requirement. */
    public UserAccount(String user, String host, byte[] nativeHash, String plugin, boolean globalDbAccess,
                       boolean superUser, boolean isRole, String defaultRole) {
        this(user, host, nativeHash, plugin, globalDbAccess, superUser, isRole, defaultRole, "", "");
    }

    /** The {@code user@host} key grants are stored under. */
    public String key() {
        return user + "@" + host;
    }
}
