package io.gatehouse.core.session.branch;

import io.gatehouse.core.session.ClientSession;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The timer a router session gets from a child session or a tee branch ({@code RouterSessionContext.schedule}): its
 * tasks run on the client session's worker thread, and only while their owner is still open, since a router cannot
 * cancel them. Holds no buffers.
 */
final class RouterTimer {
    private final ClientSession session;
    private final BooleanSupplier open;

    /** {@code open} says whether the owner (child session or branch) still runs its router. */
    RouterTimer(ClientSession session, BooleanSupplier open) {
        this.session = session;
        this.open = open;
    }

    /** Runs {@code task} after {@code delayMillis} on the client's event loop, unless the owner closed meanwhile. */
    void schedule(Runnable task, long delayMillis) {
        io.gatehouse.core.worker.ChannelLoop.schedule(session.clientChannel(), () -> {
            if (open.getAsBoolean()) {
                task.run();
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }
}
