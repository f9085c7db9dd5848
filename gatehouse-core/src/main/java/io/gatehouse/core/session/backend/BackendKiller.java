package io.gatehouse.core.session.backend;

import io.gatehouse.core.server.Server;
import io.gatehouse.core.users.UserAccountLoader;
import io.gatehouse.protocol.client.BlockingClient;
import io.gatehouse.protocol.client.ClientOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code KILL [QUERY] thread} on a backend over a short-lived side connection with a service's credentials,
 * on its own small thread pool so workers never block. Thread-safe; holds no buffers.
 */
public final class BackendKiller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackendKiller.class);

    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "gatehouse-kill");
        t.setDaemon(true);
        return t;
    });

    /** Kills {@code threadId} (or only its query) on {@code server}; completes when done, never exceptionally. */
    public CompletableFuture<Void> kill(Server server, long threadId, boolean queryOnly, String user, String password) {
        return CompletableFuture.runAsync(() -> {
            ClientOptions opts = UserAccountLoader.options(server, user, password).withTimeouts(Duration.ofSeconds(5));
            try (BlockingClient c = BlockingClient.connect(opts)) {
                c.execute((queryOnly ? "KILL QUERY " : "KILL CONNECTION ") + threadId);
            } catch (Exception e) {
                // The thread may have ended by itself in the meantime; the client's own session is closed anyway.
                LOG.info("KILL {} on {} did not run: {}", threadId, server, e.getMessage());
            }
        }, pool);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
