package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A module command that waits (a real mariadbmon switchover held up by a table lock on the old primary, so that its
 * {@code SET GLOBAL read_only} waits) does not hold up the rest of the admin API: {@code GET /v1/maxscale} and the
 * health endpoint answer while the switchover is still under way, and the switchover answers once the lock is gone.
 * A private primary + 2 replicas; real HTTP on loopback; JUnit thread.
 */
class AdminCommandsTest {

    @Test
    void otherRequestsAreAnsweredWhileASwitchoverWaits() throws Exception {
        try (MariaDbCluster cluster = MariaDbCluster.start(null, 2)) {
            for (MariaDbServer r : cluster.replicas()) {
                r.execute("SET GLOBAL read_only = ON");
            }
            MariaDbServer oldPrimary = cluster.primary();
            MariaDbServer newPrimary = cluster.replicas().get(0);
            oldPrimary.execute("CREATE TABLE test.held (id INT)");
            cluster.awaitReplication(Duration.ofSeconds(20));
            Path dir = Files.createTempDirectory("gatehouse-admin-commands");
            // The switchover's statements may wait a minute, longer than this test waits for anything else.
            Files.writeString(dir.resolve("gatehouse.cnf"), AdminFixture.config(cluster, dir)
                    .replace("backend_read_timeout=10s\n", "backend_read_timeout=60s\nreplication_user="
                            + Accounts.REPL_USER + "\nreplication_password=" + Accounts.REPL_PASSWORD + "\n"));
            try (AdminFixture gh = AdminFixture.start(cluster, dir);
                 BlockingClient locker = BlockingClient.connect(ClientOptions.tcp("127.0.0.1", oldPrimary.port(),
                         Accounts.ROOT_USER, Accounts.ROOT_PASSWORD).withTimeouts(Duration.ofSeconds(120)))) {
                awaitPrimary(gh, oldPrimary);
                // SET GLOBAL read_only waits for the write lock to go.
                locker.execute("LOCK TABLES test.held WRITE");
                CompletableFuture<HttpResponse<String>> switchover = gh.http.sendAsync(HttpRequest.newBuilder(
                                URI.create(gh.url("/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor&"
                                        + newPrimary.name() + "&" + oldPrimary.name())))
                        .header("Authorization", basic()).timeout(Duration.ofSeconds(120))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                awaitReadOnlyWaiting(oldPrimary);

                HttpResponse<String> info = gh.send("GET", "/v1/maxscale", null);
                assertThat(info.statusCode()).isEqualTo(200);
                assertThat(gh.send("GET", "/health/live", null, null, null).statusCode()).isEqualTo(200);
                assertThat(switchover).as("the switchover still waits for the lock").isNotDone();

                locker.execute("UNLOCK TABLES");
                HttpResponse<String> done = switchover.get(120, TimeUnit.SECONDS);
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                assertThat(done.body()).contains(newPrimary.name());
            } finally {
                AdminFixture.delete(dir);
            }
        }
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString("admin:mariadb".getBytes(StandardCharsets.UTF_8));
    }

    private static void awaitPrimary(AdminFixture gh, MariaDbServer primary) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!gh.get("/v1/servers/" + primary.name()).at("/data/attributes/state").asText().contains("Master")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the monitor never saw " + primary.name() + " as primary");
            }
            Thread.sleep(100);
        }
    }

    /** Until the monitor's SET GLOBAL read_only on the old primary is waiting for the table lock. */
    private static void awaitReadOnlyWaiting(MariaDbServer s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"1".equals(s.queryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                + " WHERE INFO LIKE 'SET GLOBAL read_only%'"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the switchover never reached SET GLOBAL read_only on " + s.name());
            }
            Thread.sleep(50);
        }
    }
}
