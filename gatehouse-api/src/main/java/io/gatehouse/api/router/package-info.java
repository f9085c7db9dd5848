/**
 * Routers: the module of a service that decides where client work goes. Connection routers only choose a server
 * per session ({@link io.gatehouse.api.router.Router#selectBackend}) and never see a buffer; statement routers make
 * a {@link io.gatehouse.api.router.RouterSession} per client session and route each command over
 * {@link io.gatehouse.api.router.Endpoint}s that the core logs in for them
 * ({@link io.gatehouse.api.router.RouterSessionContext}).
 */
package io.gatehouse.api.router;
