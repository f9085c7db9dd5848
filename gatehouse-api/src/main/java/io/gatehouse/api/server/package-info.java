/**
 * Backend servers as modules see them: the read side for routers ({@link io.gatehouse.api.server.ServerView}),
 * the write side for monitors ({@link io.gatehouse.api.server.MonitoredServer}), the published observation
 * ({@link io.gatehouse.api.server.ServerState}) and the status bits ({@link io.gatehouse.api.server.ServerStatus}).
 * Reads never lock; every type is safe on any thread.
 */
package io.gatehouse.api.server;
