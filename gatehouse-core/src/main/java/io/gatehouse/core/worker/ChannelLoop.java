package io.gatehouse.core.worker;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a channel's tasks on the worker the channel is on when they run, not the one it was on when they were
 * scheduled: a session can move to another worker between its commands ({@code SessionMoves}), and its timers and
 * the tasks other threads send it must follow it there. A task that finds its channel between two workers (taken
 * off one, not yet on the other) waits a millisecond and looks again. Any thread; holds no buffers.
 */
public final class ChannelLoop {
    private ChannelLoop() {
    }

    /** Runs {@code task} on {@code channel}'s worker: now when called there, else as a task of that worker. */
    public static void run(Channel channel, Runnable task) {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            loop.execute(() -> run(channel, task));
        } else if (channel.isRegistered() || !channel.isOpen()) {
            task.run();
        } else {
            loop.schedule(() -> run(channel, task), 1, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Runs {@code task} as a later task of {@code channel}'s worker, never inside this call (for a callback its
     * caller must have returned from first, or one completing on another thread), following the channel to the
     * worker it is on when the task runs.
     */
    public static void later(Channel channel, Runnable task) {
        channel.eventLoop().execute(() -> run(channel, task));
    }

    /** Runs {@code task} after {@code delay} on the worker {@code channel} is on then. */
    public static ScheduledFuture<?> schedule(Channel channel, Runnable task, long delay, TimeUnit unit) {
        return channel.eventLoop().schedule(() -> run(channel, task), delay, unit);
    }
}
