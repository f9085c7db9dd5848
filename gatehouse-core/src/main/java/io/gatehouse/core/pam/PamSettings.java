package io.gatehouse.core.pam;

/**
 * A listener's pamauth options ({@code authenticator_options} with MaxScale's names). Immutable; made on the
 * configuration thread, read on workers.
 *
 * @param cleartext {@code pam_use_cleartext_plugin}: clients are asked for the password with
 *                  {@code mysql_clear_password} instead of MariaDB's {@code dialog} plugin
 * @param suid      {@code pam_mode=suid}: accepted only when Gatehouse runs as root, where calling PAM in-process
 *                  has the privileges MaxScale's setuid helper gives its PAM calls; otherwise the same as
 *                  {@code password}
 */
public record PamSettings(boolean cleartext, boolean suid) {
    /** The PAM service of an account whose authentication_string is empty, as the server's PAM plugin. */
    public static final String DEFAULT_SERVICE = "mysql";

    /** The PAM service of an account: its authentication_string, or {@value #DEFAULT_SERVICE}. */
    public static String service(String authString) {
        return authString == null || authString.isBlank() ? DEFAULT_SERVICE : authString;
    }
}
