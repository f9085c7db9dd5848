package io.gatehouse.core.session;

import java.util.List;

/**
 * What the admin API may know of a client session: an immutable copy its worker publishes when the session's
 * identity or backend connections change (login, change of user, a connection opened or lost), so that other
 * threads never read worker-confined state. Holds no buffers.
 *
 * @param id            the connection id the client was given
 * @param user          the user the client logged in as (after COM_CHANGE_USER, the new one)
 * @param remote        the client's address
 * @param service       the service's name
 * @param connectedAt   when the client connected, in epoch milliseconds
 * @param connections   the session's backend connections, in the order they were opened
 * @param statements    the statements retained by {@code retain_last_statements}, oldest first
 */
public record SessionSnapshot(long id, String user, String remote, String service, long connectedAt,
                              List<Connection> connections, List<StatementHistory.Entry> statements) {
    /**
     * One backend connection of the session.
     *
     * @param server   the server's name
     * @param threadId the backend's connection id, or -1 while it is not logged in
     */
    public record Connection(String server, long threadId) {
    }

    public SessionSnapshot {
        connections = List.copyOf(connections);
        statements = List.copyOf(statements);
    }
}
