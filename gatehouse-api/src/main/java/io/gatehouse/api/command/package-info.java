/**
 * One client command as filters and routers see it: {@link io.gatehouse.api.command.Command} carries the packet,
 * its command byte and sequence, the classification of its SQL (computed once per command, for the session's
 * {@link io.gatehouse.api.command.SessionSqlState}) and the routing hints filters attached. The classification type
 * comes from {@code gatehouse-sql}, the pure-JDK SQL classifier, which is part of the published API.
 */
package io.gatehouse.api.command;
