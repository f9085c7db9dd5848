package io.gatehouse.core.session;

/**
 * The forms of a client's password a session learns while its login is checked, which its backend logins may
 * replay: the clear password (clear_pw_passthrough, ed25519 and caching_sha2 full logins, or the one PAM accepted)
 * and SHA256(password) from a caching_sha2_password fast path. Set only by the login flows after they verified the
 * password, read by the backend logins; confined to the session's worker thread. Byte arrays, no buffers.
 */
public final class ClientCredentials {
    private byte[] clearPassword;
    /** {@link #clearPassword} was checked by PAM for this user (pamauth), so a backend's PAM exchange may get it. */
    private boolean pamPassword;
    private byte[] sha256Stage1;

    /** The client's password in clear, known only with clear_pw_passthrough (for the backend logins), or null. */
    public byte[] clearPassword() {
        return clearPassword;
    }

    public void clearPassword(byte[] password) {
        this.clearPassword = password;
        this.pamPassword = false;
    }

    /**
     * Keeps the password PAM accepted for this session's user (pamauth): the backends' own PAM exchange
     * ({@code dialog} or {@code mysql_clear_password}) gets it, as MaxScale's PAM authenticator sends it.
     */
    public void pamPassword(byte[] password) {
        this.clearPassword = password;
        this.pamPassword = true;
    }

    /** True when {@link #clearPassword} is the password PAM accepted for this user (see {@link #pamPassword}). */
    public boolean pamChecked() {
        return pamPassword && clearPassword != null;
    }

    /** SHA256(client's password), known after a caching_sha2_password fast-path login, or null. */
    public byte[] sha256Stage1() {
        return sha256Stage1;
    }

    public void sha256Stage1(byte[] stage1) {
        this.sha256Stage1 = stage1;
    }

    /** The session ended: zeroes what it knew, so the password does not stay in the heap. */
    public void wipe() {
        if (clearPassword != null) {
            java.util.Arrays.fill(clearPassword, (byte) 0);
            clearPassword = null;
        }
        pamPassword = false;
        if (sha256Stage1 != null) {
            java.util.Arrays.fill(sha256Stage1, (byte) 0);
            sha256Stage1 = null;
        }
    }
}
