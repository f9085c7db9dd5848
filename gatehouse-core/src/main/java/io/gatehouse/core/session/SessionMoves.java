package io.gatehouse.core.session;

import io.gatehouse.core.session.backend.BackendConnection;
import io.gatehouse.core.worker.ChannelLoop;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a session to another worker (thread rebalancing, a lowered {@code threads}): when it is idle, its client
 * channel and all its backend channels are taken off their event loop and registered on the target's, together, so
 * the session stays confined to one thread at every moment. Worker-confined state needs nothing more: the backend
 * pools, classifier cache and statement counts are looked up per call on the running worker (readwritesplit takes
 * its per-worker counts again when a command runs on another thread), so the session uses the new worker's from then
 * on, and its timers and asynchronous callbacks follow it ({@link ChannelLoop}). A session that is not idle (a
 * command or reply under way, data written but not sent, a filter's branch such as tee's, a service target, a
 * protocol module's in-process channel) stays where it is, and so does one whose move fails: its channels go back to
 * its worker. Requests come from any thread; the move runs on the session's worker. Holds no buffers: channels keep
 * theirs while they are between loops.
 */
public final class SessionMoves {
    private static final Logger LOG = LoggerFactory.getLogger(SessionMoves.class);
    /** The sessions being moved now, from the first step until the move finished or was undone. */
    private static final Set<ClientSession> MOVING = ConcurrentHashMap.newKeySet();

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
        // A second request that reaches the worker before the first one's deregistration ran finds the channels
        // still registered there: it is turned down, or both would register them and undo each other.
        if (client.eventLoop() == target || !idle(s) || !MOVING.add(s)) {
            done.complete(false);
            return;
        }
        done.whenComplete((moved, error) -> MOVING.remove(s));
        EventLoop from = client.eventLoop();
        List<Channel> channels = new ArrayList<>();
        channels.add(client);
        for (BackendConnection b : s.backends()) {
            channels.add(b.channel());
        }
        // Taken off the old loop first, all of them, then put on the new one: between the two no event is read
        // from any of them, and tasks for them wait (ChannelLoop), so no two threads ever run the session.
        all(from, channels, Channel::deregister, () -> all(from, channels, target::register,
                () -> target.execute(() -> {
                    rearmReads(channels);
                    LOG.debug("Session {} moved to another worker", s.id());
                    done.complete(true);
                }), why -> stay(s, from, channels, done, why)),
                why -> stay(s, from, channels, done, why));
    }

    /**
     * On the new loop, asks it once more for read readiness of every channel that reads: bytes that reached a socket
     * while it was between loops are then read at once, whatever the old loop had already been told about them (an
     * edge-triggered event taken off the old loop with the channel is not repeated by the new one).
     */
    private static void rearmReads(List<Channel> channels) {
        for (Channel c : channels) {
            if (c.isActive() && c.config().isAutoRead()) {
                c.config().setAutoRead(false);
                c.config().setAutoRead(true);
            }
        }
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

    /**
     * Applies {@code step} to every channel and calls {@code then} on {@code here} (the session's old loop) when all
     * succeeded, else {@code failed} with the first failure once every step finished.
     */
    private static void all(EventLoop here, List<Channel> channels, Function<Channel, Future<?>> step,
                            Runnable then, Consumer<Throwable> failed) {
        int[] left = {channels.size()};
        Throwable[] first = {null};
        for (Channel c : channels) {
            Future<?> f;
            try {
                f = step.apply(c);
            } catch (RuntimeException e) {
                f = here.newFailedFuture(e);
            }
            f.addListener(done -> {
                Runnable count = () -> {
                    if (!done.isSuccess() && first[0] == null) {
                        first[0] = done.cause();
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

    /**
     * A step of the move failed: every channel goes back onto the old loop (a channel still on it stays, one between
     * loops is registered there again, one the new loop took is taken off it first), and the session goes on there
     * as if it had never been asked to move: still registered, same connections. Only when a channel did not
     * survive (Netty closes a channel whose registration failed half-way) does the session end, as it would on a
     * lost connection. Runs on the old loop.
     */
    private static void stay(ClientSession s, EventLoop from, List<Channel> channels, CompletableFuture<Boolean> done,
                             Throwable why) {
        all(from, channels, c -> back(c, from), () -> {
            done.complete(false);
            for (Channel c : channels) {
                if (!c.isOpen()) {
                    close(s, channels, why, "a connection closed as it failed");
                    return;
                }
            }
            LOG.warn("Session {}: moving it to another worker failed ({}); it stays on its worker", s.id(),
                    why.toString());
        }, again -> {
            done.complete(false);
            close(s, channels, why, "putting it back failed too: " + again);
        });
    }

    /** Puts {@code c} back on {@code from}; a future that completes once it is registered there (or gone). */
    private static Future<?> back(Channel c, EventLoop from) {
        if (!c.isOpen() || (c.isRegistered() && c.eventLoop() == from)) {
            return from.newSucceededFuture(null);
        }
        if (!c.isRegistered()) {
            return from.register(c);
        }
        Promise<Void> back = from.newPromise();
        c.deregister().addListener(off -> {
            if (!off.isSuccess()) {
                back.tryFailure(off.cause());
                return;
            }
            from.register(c).addListener(on -> {
                if (on.isSuccess()) {
                    back.trySuccess(null);
                } else {
                    back.tryFailure(on.cause());
                }
            });
        });
        return back;
    }

    private static void close(ClientSession s, List<Channel> channels, Throwable why, String more) {
        LOG.warn("Session {}: moving it to another worker failed ({}), {}; closing it", s.id(), why.toString(),
                more);
        for (Channel c : channels) {
            c.close();
        }
    }
}
