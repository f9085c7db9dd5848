package io.gatehouse.api.protocol;

/**
 * The MariaDB account a protocol logs a service session in with (a protocol chooses it: from its own
 * {@code user}/{@code password} parameters, or from what its client authenticated as). Immutable.
 *
 * @param user     the user name; the service's user accounts must allow it from the client's address
 * @param password the password in clear (empty for none); it stays in Gatehouse's process
 * @param database the default database to select at login, or null for none
 */
public record SessionLogin(String user, String password, String database) {
    public SessionLogin {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("user: empty (expected: a MariaDB user name)");
        }
        password = password == null ? "" : password;
    }

    @Override
    public String toString() {
        return "SessionLogin[user=" + user + ", database=" + database + "]";   // never the password
    }
}
