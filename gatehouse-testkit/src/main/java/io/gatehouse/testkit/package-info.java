/**
 * Test kit that starts real MariaDB servers from the installed {@code mariadbd} and checks tests for Netty buffer
 * leaks; used from test threads, it hands out no Netty buffers.
 *
 * <p>Typical use:
 * <pre>{@code
 * @ExtendWith(MariaDbExtension.class)
 * class RoutingTest {
 *     @Test
 *     void readsGoToAReplica(MariaDbCluster cluster) {       // shared primary + 2 replicas
 *         cluster.primary().execute("CREATE TABLE test.t (id INT PRIMARY KEY)");
 *         cluster.awaitReplication(Duration.ofSeconds(10));
 *         ... connect to cluster.replicas().get(0).port() as Accounts.APP_USER ...
 *     }
 * }
 * }</pre>
 * A test that needs servers of its own calls {@link io.gatehouse.testkit.MariaDbCluster#start} or
 * {@link io.gatehouse.testkit.MariaDbServer#startStandalone()} and closes them (try-with-resources).
 *
 * <p>{@link io.gatehouse.testkit.LeakGuard} is registered for every test class through JUnit's extension
 * auto-detection and fails a class whose tests leaked a {@code ByteBuf}.
 */
package io.gatehouse.testkit;
