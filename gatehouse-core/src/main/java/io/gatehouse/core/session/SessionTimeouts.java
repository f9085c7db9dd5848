package io.gatehouse.core.session;

import io.gatehouse.api.config.Params;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The service's idle and write timeouts for one client, in the pipeline in front of its session:
 * {@code wait_timeout} (old name {@code connection_timeout}) ends a logged-in session whose client sent nothing for
 * that long while no statement of it runs; {@code net_write_timeout} ends a session whose client stopped reading
 * replies (its socket stayed unwritable) for that long, so a stalled client cannot pin buffers or a backend
 * connection. A session gets this handler when the service had a timeout at its connect; the values are then read
 * again at each check, so a changed value applies to open sessions too.
 * Runs on the client's worker; it passes every buffer on untouched.
 */
final class SessionTimeouts extends ChannelInboundHandlerAdapter {
    private static final long CHECK_FLOOR_MILLIS = 200;

    private final ClientSession session;
    private long lastReadNanos = System.nanoTime();
    private ScheduledFuture<?> idleCheck;
    private ScheduledFuture<?> writeCheck;

    SessionTimeouts(ClientSession session) {
        this.session = session;
    }

    /** The idle limit of a service: {@code wait_timeout}, else {@code connection_timeout}; zero when off. */
    static Duration idleLimit(Params p) {
        Duration wait = p.has("wait_timeout") ? p.duration("wait_timeout") : Duration.ZERO;
        if (!wait.isZero()) {
            return wait;
        }
        return p.has("connection_timeout") ? p.duration("connection_timeout") : Duration.ZERO;
    }

    /** Whether a new session of a service with these parameters needs the handler at all. */
    static boolean wanted(Params p) {
        return !idleLimit(p).isZero() || !writeLimit(p).isZero();
    }

    static Duration writeLimit(Params p) {
        return p.has("net_write_timeout") ? p.duration("net_write_timeout") : Duration.ZERO;
    }

    /** Added by the session once its client is connected, so the first check is scheduled from here. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        scheduleIdle(ctx, idleLimit(session.service().params()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            cancel(writeCheck);
            writeCheck = null;
        } else if (writeCheck == null) {
            Duration limit = writeLimit(session.service().params());
            if (!limit.isZero()) {
                writeCheck = io.gatehouse.core.worker.ChannelLoop.schedule(ctx.channel(), () -> {
                    writeCheck = null;
                    if (!ctx.channel().isWritable()) {
                        session.timedOut("the client did not read its replies for " + limit.toSeconds()
                                + " s (net_write_timeout)");
                    }
                }, limit.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel(idleCheck);
        cancel(writeCheck);
        ctx.fireChannelInactive();
    }

    private void scheduleIdle(ChannelHandlerContext ctx, Duration limit) {
        if (limit.isZero()) {
            return;
        }
        long delay = Math.max(CHECK_FLOOR_MILLIS,
                limit.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReadNanos));
        idleCheck = io.gatehouse.core.worker.ChannelLoop.schedule(ctx.channel(), () -> checkIdle(ctx), delay,
                TimeUnit.MILLISECONDS);
    }

    private void checkIdle(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        Duration limit = idleLimit(session.service().params());
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReadNanos);
        if (!limit.isZero() && idleMillis >= limit.toMillis() && session.isRouting()
                && session.busyBackends().isEmpty()) {
            session.timedOut("idle for more than " + limit.toSeconds() + " s (wait_timeout)");
            return;
        }
        scheduleIdle(ctx, limit);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
