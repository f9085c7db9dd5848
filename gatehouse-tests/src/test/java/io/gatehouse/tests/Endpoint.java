package io.gatehouse.tests;

import io.gatehouse.testkit.Accounts;

import java.util.Objects;

/**
 * The MariaDB/MySQL endpoint a client suite talks to: a real server or Gatehouse in front of one; an immutable value
 * safe to share between test threads, it owns no connections or buffers.
 *
 * @param host     the address clients connect to, e.g. {@code 127.0.0.1}
 * @param port     the TCP port
 * @param user     the account name
 * @param password the account password
 * @param database the default database, or {@code null} to connect without one
 */
public record Endpoint(String host, int port, String user, String password, String database) {

    public Endpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    /** The testkit's application account ({@link Accounts#APP_USER}) on database {@link Accounts#DATABASE}. */
    public static Endpoint appAccount(String host, int port) {
        return new Endpoint(host, port, Accounts.APP_USER, Accounts.APP_PASSWORD, Accounts.DATABASE);
    }

    /** The same address with another account. */
    public Endpoint withAccount(String newUser, String newPassword) {
        return new Endpoint(host, port, newUser, newPassword, database);
    }

    /** The same address and account with another default database ({@code null} for none). */
    public Endpoint withDatabase(String newDatabase) {
        return new Endpoint(host, port, user, password, newDatabase);
    }

    @Override
    public String toString() {
        // The password stays out of test reports.
        return user + "@" + host + ":" + port + (database == null ? "" : "/" + database);
    }
}
