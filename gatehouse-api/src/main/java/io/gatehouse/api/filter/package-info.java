/**
 * Filters: modules that sit between the client and a statement router and see, rewrite or annotate each client
 * command ({@link io.gatehouse.api.filter.FilterModule}, {@link io.gatehouse.api.filter.Filter},
 * {@link io.gatehouse.api.filter.FilterSession}, {@link io.gatehouse.api.filter.RouteHint}). Filter sessions run
 * on their session's worker thread; see {@link io.gatehouse.api.filter.FilterSession} for buffer ownership.
 */
package io.gatehouse.api.filter;
