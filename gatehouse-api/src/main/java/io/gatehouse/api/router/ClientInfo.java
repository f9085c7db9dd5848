package io.gatehouse.api.router;

/**
 * Who a new session belongs to, as routers and filters may use it to choose. Immutable.
 *
 * @param sessionId the connection id Gatehouse gave the client
 * @param user      the authenticated user name
 * @param remote    the client's address as text
 * @param database  the database requested at connect, or null
 * @param service   the name of the service the session belongs to (for log lines such as qlafilter's
 *                  {@code service} field); empty when the caller does not know it
 */
public record ClientInfo(long sessionId, String user, String remote, String database, String service) {
    /** A session whose service is not named (routers and tests that do not need it). */
    public ClientInfo(long sessionId, String user, String remote, String database) {
        this(sessionId, user, remote, database, "");
    }
}
