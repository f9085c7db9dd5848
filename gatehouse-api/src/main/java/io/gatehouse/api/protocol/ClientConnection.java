package io.gatehouse.api.protocol;

import io.netty.channel.Channel;

/**
 * One client connection accepted by a listener whose protocol is a module, as the core serves it: the client's
 * channel and the way into the listener's service. Confined to the channel's worker event loop (every method, and
 * every callback of what it opens, runs there). Holds no buffers.
 */
public interface ClientConnection {
    /** The client's channel. */
    Channel channel();

    /** The client's address as text (an IP address, or {@code localhost} for a unix socket). */
    String remote();

    /** The name of the listener's service. */
    String serviceName();

    /**
     * Opens a session of the listener's service for this client, logged in with {@code login}: the service checks
     * that login against its user accounts as it checks a MariaDB client's, then runs its filters, its router and
     * the router's backend connections for the session, exactly as for a MariaDB client (reads to replicas and
     * writes to the primary with readwritesplit, for example). The outcome reaches {@code listener} later, never
     * before this call returns: {@link ServiceSessionListener#ready} or {@link ServiceSessionListener#failed}.
     * Commands may be written at once: they wait for the login. A connection may open several sessions; each counts
     * towards the service's {@code max_connections} and is listed with the service's sessions. All of them are
     * closed when the client's channel closes.
     */
    ServiceSession openSession(SessionLogin login, ServiceSessionListener listener);
}
