/**
 * A test kit for module authors: run a filter ({@link io.gatehouse.moduletest.FilterHarness}) or a router
 * ({@link io.gatehouse.moduletest.RouterHarness}) against scripted client commands and scripted backend replies,
 * without a server. For tests against real MariaDB servers use the {@code gatehouse-testkit} artifact.
 */
package io.gatehouse.moduletest;
