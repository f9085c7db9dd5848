package io.gatehouse.protocol.auth;

/**
 * The {@code mysql_clear_password} plugin: the password itself, NUL-terminated. Used only for
 * {@code clear_pw_passthrough}, where the backends (PAM, LDAP) must see the password; clients send it in clear, so
 * TLS on the listener is strongly advised. Constants only.
 */
public final class ClearPassword {
    /** The plugin's name. */
    public static final String PLUGIN = "mysql_clear_password";

    private ClearPassword() {
    }
}
