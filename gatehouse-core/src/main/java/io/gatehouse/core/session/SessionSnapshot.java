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
 * @param sharing       the session's connection sharing, or null when its service does not share
 */
public record SessionSnapshot(long id, String user, String remote, String service, long connectedAt,
                              List<Connection> connections, List<Statement> statements, Sharing sharing) {
    /**
     * The session's connection sharing ({@code idle_session_pool_time}), or null when its service does not share.
     *
     * @param released true while the session holds no backend connection
     * @param pinnedBy why it keeps its connections now ({@link PinReason} labels), empty when it may give them back
     */
    public record Sharing(boolean released, List<String> pinnedBy) {
        public Sharing {
            pinnedBy = List.copyOf(pinnedBy);
        }
    }

    /**
     * One statement the session retained: its SQL, when it arrived and when its reply ended (0 while it has not).
     */
    public record Statement(String sql, long receivedMillis, long completedMillis) {
    }

    /**
     * One backend connection of the session.
     *
     * @param server   the server's name
     * @param threadId the backend's connection id, or -1 while it is not logged in
     */
    public record Connection(String server, long threadId) {
    }

    /**
     * One statement of a traced session (the admin API's trace switch): how it was classified, the rule that decided
     * its route, the facts weighed (transaction, hints, candidates with state and lag) and where it went.
     *
     * @param atMillis       when the statement arrived, in epoch milliseconds
     * @param statement      the SQL, or the command's name for commands without SQL
     * @param classification the statement's type bits and operation, or empty for commands without SQL
     * @param rule           the rule that decided the route, as the router states it
     * @param facts          what the router weighed, one line each, candidates included
     * @param target         the server whose reply the client got, or why there was none
     */
    public record TraceEntry(long atMillis, String statement, String classification, String rule, List<String> facts,
                             String target) {
        public TraceEntry {
            facts = List.copyOf(facts);
        }
    }

    public SessionSnapshot {
        connections = List.copyOf(connections);
        statements = List.copyOf(statements);
    }
}
