package io.gatehouse.core.session;

import io.gatehouse.core.server.Server;
import java.util.concurrent.CompletableFuture;

/**
 * Carries out a KILL of a Gatehouse session from another session: hops to the target's worker to read its backend
 * and close it, has the backend thread killed over a side connection when a query is running, and reports back on
 * the killer's worker. Stateless; touches each session only on its own thread; no buffers.
 */
final class KillRunner {
    private KillRunner() {
    }

    static void run(ClientSession killer, ClientSession target, boolean queryOnly, Runnable done) {
        Runnable reportBack = () -> killer.clientChannel().eventLoop().execute(done);
        if (target == killer && !queryOnly) {
            killer.close();
            return;
        }
        target.clientChannel().eventLoop().execute(() -> {
            BackendConnection b = target.backend();
            Server server = b == null ? null : b.server();
            long thread = b == null ? -1 : b.threadId();
            boolean running = b != null && b.tracker() != null && b.tracker().busy();
            if (!queryOnly) {
                target.close();
            }
            CompletableFuture<Void> side = CompletableFuture.completedFuture(null);
            if (server != null && thread > 0 && running) {
                // Closing our socket does not stop a statement the server is busy with; KILL does.
                side = killer.proxy().killer().kill(server, thread, queryOnly, target.service().user(),
                        target.service().password());
            }
            side.whenComplete((v, e) -> reportBack.run());
        });
    }
}
