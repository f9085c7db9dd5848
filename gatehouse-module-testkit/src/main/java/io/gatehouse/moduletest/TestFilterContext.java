package io.gatehouse.moduletest;

import io.gatehouse.api.filter.FilterSessionContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FilterSessionContext} for unit tests of filter sessions without Gatehouse: it allocates unpooled buffers
 * and records how the filter ended the session ({@link #closedCode}, {@link #closedMessage}); timers, branches,
 * holding commands and a filter's own statements are refused unless a test subclass provides them. The test's
 * thread plays the session's worker. Holds no buffers.
 */
public class TestFilterContext implements FilterSessionContext {
    /** The error code the filter ended the session with, or 0 while it is open. */
    public int closedCode;
    /** The SQLSTATE the filter ended the session with, or null while it is open. */
    public String closedState;
    /** The message the filter ended the session with, or null while it is open. */
    public String closedMessage;

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("this test context runs no timers");
    }

    @Override
    public boolean isOpen() {
        return closedMessage == null;
    }

    @Override
    public void closeSession(int code, String sqlState, String message) {
        closedCode = code;
        closedState = sqlState;
        closedMessage = message;
    }
}
