package io.gatehouse.api.router;

/**
 * Who a new session belongs to, as routers may use it to choose. Immutable.
 *
 * @param sessionId the connection id Gatehouse gave the client
 * @param user      the authenticated user name
 * @param remote    the client's address as text
 * @param database  the database requested at connect, or null
 */
public record ClientInfo(long sessionId, String user, String remote, String database) {
}
