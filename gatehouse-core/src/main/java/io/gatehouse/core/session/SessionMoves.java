package io.gatehouse.core.session;

import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.worker.ChannelLoop;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a session to another worker (thread rebalancing, a lowered {@code threads}): when it is idle, its client
 * channel and all its backend channels are taken off their event loop and registered on the target's, together, so
 * the session stays confined to one thread at every moment. Worker-confined state needs nothing more: the backend
 * pools, classifier cache and statement counts are looked up per call on the running worker, so the session uses
 * the new worker's from then on, and its timers follow it ({@link ChannelLoop}). A session that is not idle (a
 * command or reply under way, data written but not sent, a branch, a service target, a protocol module's in-process
 * channel) stays where it is. Requests come from any thread; the move runs on the session's worker. Holds no
 * buffers: channels keep theirs while they are between loops.
 */
public final class SessionMoves {
    private static final Logger LOG = LoggerFactory.getLogger(SessionMoves.class);

    private SessionMoves() {
    }

    /**
     * Moves {@code s} to {@code target} if it is idle when its worker looks; completes with true once it runs there,
     * false when it stayed (busy, closing, already there). Any thread.
     */
    public static CompletableFuture<Boolean> move(ClientSession s, EventLoop target) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Channel client = s.clientChannel();
        if (client == null) {
            done.complete(false);
            return done;
        }
        ChannelLoop.run(client, () -> moveNow(s, target, done));
        return done;
    }

    private static void moveNow(ClientSession s, EventLoop target, CompletableFuture<Boolean> done) {
        Channel client = s.clientChannel();
        if (client.eventLoop() == target || !idle(s)) {
            done.complete(false);
            return;
        }
        List<Channel> channels = new ArrayList<>();
        channels.add(client);
        for (BackendConnection b : s.backends()) {
            channels.add(b.channel());
        }
        // Taken off the old loop first, all of them, then put on the new one: between the two no event is read
        // from any of them, and tasks for them wait (ChannelLoop), so no two threads ever run the session.
        all(channels, Channel::deregister, () -> all(channels, target::register,
                () -> done.complete(true), why -> fail(s, done, why)), why -> fail(s, done, why));
    }

    /** Idle enough to move: routing, every channel a live socket with nothing left to send, no command under way. */
    static boolean idle(ClientSession s) {
        if (!s.isRouting() || s.isClosedOrClosing() || !socket(s.clientChannel()) || !s.routing().movable()) {
            return false;
        }
        if (s.pendingClientBytes() > 0) {
            return false;
        }
        for (BackendConnection b : s.backends()) {
            Channel c = b.channel();
            if (c == null || !c.isActive() || !socket(c) || c.unsafe().outboundBuffer() == null
                    || c.unsafe().outboundBuffer().totalPendingWriteBytes() > 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean socket(Channel c) {
        return (c instanceof SocketChannel || c instanceof DomainSocketChannel) && c.isRegistered();
    }

    /** Applies {@code step} to every channel and calls {@code then} (on the calling loop) when all succeeded. */
    private static void all(List<Channel> channels, java.util.function.Function<Channel, ChannelFuture> step,
                            Runnable then, Consumer<Throwable> failed) {
        int[] left = {channels.size()};
        Throwable[] first = {null};
        EventLoop here = channels.get(0).eventLoop();
        for (Channel c : channels) {
            step.apply(c).addListener(f -> {
                Runnable count = () -> {
                    if (!f.isSuccess() && first[0] == null) {
                        first[0] = f.cause();
                    }
                    if (--left[0] == 0) {
                        if (first[0] == null) {
                            then.run();
                        } else {
                            failed.accept(first[0]);
                        }
                    }
                };
                if (here.inEventLoop()) {
                    count.run();
                } else {
                    here.execute(count);
                }
            });
        }
    }

    private static void fail(ClientSession s, CompletableFuture<Boolean> done, Throwable why) {
        LOG.warn("Session {}: moving it to another worker failed ({}); closing it", s.id(), why.toString());
        done.complete(false);
        for (BackendConnection b : s.backends()) {
            b.channel().close();
        }
        s.clientChannel().close();
    }
}
