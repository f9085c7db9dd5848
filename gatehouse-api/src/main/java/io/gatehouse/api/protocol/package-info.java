/**
 * Protocols: the module of a listener that speaks to its clients. A {@link io.gatehouse.api.protocol.ProtocolModule}
 * makes one {@link io.gatehouse.api.protocol.Protocol} per listener; the protocol installs its own Netty handlers on
 * each accepted channel, on the worker event loop that owns that channel, and turns what the client sends into
 * MariaDB commands written to sessions of the listener's service
 * ({@link io.gatehouse.api.protocol.ServiceSession}, opened through the
 * {@link io.gatehouse.api.protocol.ClientConnection}). Those sessions run the service's filters and router exactly as
 * a MariaDB client's session does, and hand back each reply's packets with its parsed
 * {@link io.gatehouse.api.reply.Reply}.
 *
 * <p>The MariaDB protocol ({@code MariaDBClient}) is the built-in protocol module; the core serves it directly.
 * Since API 2.5.
 */
package io.gatehouse.api.protocol;
