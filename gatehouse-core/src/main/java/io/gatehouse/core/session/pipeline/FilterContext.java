package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.filter.FilterSessionContext;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The filters' view of their session: its allocator, timers on its worker, and ending it with an error. One per
 * session, shared by the filters of its chain; confined to the session's worker thread. Holds no buffers.
 */
final class FilterContext implements FilterSessionContext {
    private final SessionPipeline pipeline;

    FilterContext(SessionPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public ByteBufAllocator alloc() {
        return pipeline.alloc();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return pipeline.session().clientChannel().eventLoop().schedule(task, delay, unit);
    }

    @Override
    public boolean isOpen() {
        return pipeline.session().isRouting();
    }

    @Override
    public void closeSession(int code, String sqlState, String message) {
        if (isOpen()) {
            pipeline.failWithSequence(pipeline.loggedIn() ? 1 : pipeline.session().nextSequence(), code, sqlState,
                    message);
        }
    }
}
