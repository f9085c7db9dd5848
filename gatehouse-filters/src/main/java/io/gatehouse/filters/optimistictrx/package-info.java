/**
 * The optimistictrx filter: transactions run read-only (on a replica, under readwritesplit) until their first write,
 * then are rolled back and replayed where writes go, checked against what the client saw.
 */
package io.gatehouse.filters.optimistictrx;
