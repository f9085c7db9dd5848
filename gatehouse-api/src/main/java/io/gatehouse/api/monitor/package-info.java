/**
 * Monitors: modules that watch servers on their own thread (never a routing worker), publish each server's state
 * for routers ({@link io.gatehouse.api.server.MonitoredServer#publish}) and offer admin commands.
 */
package io.gatehouse.api.monitor;
