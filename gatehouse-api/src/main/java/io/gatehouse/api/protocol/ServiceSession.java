package io.gatehouse.api.protocol;

import io.gatehouse.api.router.Endpoint;

/**
 * A session of a listener's service opened by a protocol module for its client: a MariaDB session as the service's
 * filters and router see it, with the protocol in the client's place. Confined to the client channel's worker event
 * loop. The protocol writes whole MariaDB commands (for example a COM_QUERY: header with sequence 0, the command
 * byte, the statement text) with {@link #write}, which takes ownership of the buffer; replies come back in order
 * through its {@link ServiceSessionListener}. Commands may be pipelined: they are routed in the order written.
 *
 * <p>{@link #server()} is a view of the service (its name, no address); {@link #threadId()} is the session's id
 * in Gatehouse (what {@code KILL} and the REST API's sessions use); {@link #isBusy()} is true while a written command
 * has not had its whole reply; {@link #close()} ends the session (COM_QUIT is sent for it) and no callbacks follow.
 */
public interface ServiceSession extends Endpoint {
    /**
     * Stops ({@code false}) or resumes ({@code true}) the flow of reply packets: a protocol whose client reads slower
     * than the backends answer stops it while the client's channel is not writable, so memory stays bounded by the
     * write-buffer water marks. Replies flow from the start.
     */
    void readReplies(boolean read);
}
