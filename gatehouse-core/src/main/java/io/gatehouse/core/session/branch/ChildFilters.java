package io.gatehouse.core.session.branch;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.command.SessionSqlState;
import io.gatehouse.api.filter.Branch;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterSession;
import io.gatehouse.api.filter.FilterSessionContext;
import io.gatehouse.api.filter.InternalReply;
import io.gatehouse.api.filter.ReplyOrigin;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.ClientInfo;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.core.service.Service;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.pipeline.ReplyPackets;
import io.gatehouse.core.worker.ChannelLoop;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.gatehouse.protocol.reply.ReplyPacketClassifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The filter chain of a service reached as a target, run inside its child session ({@link ServiceEndpoint}) or a tee
 * branch towards it ({@link BranchSession}) as the service's own sessions run it: each command goes through every
 * filter (rewrites, answers, deferred answers, routing hints, delays, statements of a filter's own run first) before
 * the target's router gets it, and each reply goes back through the filters (packets for those that ask, the
 * completed reply for all) before the parent router sees it (a branch then drops it). Confined to the client
 * session's worker thread. It owns the command it holds back (delayed, waiting for a deferred answer or for
 * statements of a filter's own), those statements until routed, and every reply chunk from the call that hands it
 * over until it passes it on.
 */
final class ChildFilters {
    /** What the chain needs of its child session; called on the worker thread. */
    interface Host {
        /** A filter answered the current command: {@code reply} (owned, whole packets, maybe empty) is its reply. */
        void answered(ByteBuf reply);

        /** Reply bytes that went through the chain (owned): on to the parent router. */
        void emit(ByteBuf bytes);

        /** The filters stopped holding commands back: route what waits. */
        void resume();

        boolean closed();

        /** A filter ends its session (throttlefilter): a child ends the client's session, a branch only itself. */
        void closeSession(int code, String sqlState, String message);

        /** True when the chain stops once the client's session is closing (a tee branch drains its copies first). */
        boolean endsWithClient();
    }

    private record Queued(ByteBuf packet, InternalReply reply) {
    }

    private final ClientSession session;
    private final Host host;
    /** The router session the commands go to once through the chain; it owns each from then on. */
    private final RouterSession router;
    private final SessionSqlState sqlState;
    private final ByteBufAllocator alloc;
    private final List<FilterSession> chain = new ArrayList<>();
    private final List<BranchSession> branches = new ArrayList<>(1);
    private final ReplyPackets replyPackets;
    private int holds;
    /** A command delayed by a filter, waiting for a deferred answer, or for statements of a filter's own. */
    private Command held;
    private long heldDelay;
    private final ArrayDeque<Queued> queued = new ArrayDeque<>(2);
    private final ReplyPacketClassifier internalClassifier = new ReplyPacketClassifier();
    private PacketAccumulator internalFramer;
    /** The statement of a filter's own whose reply is under way, or null. */
    private InternalReply running;
    /** Where the current command's reply came from, how big it is and when its first byte came (for clientReply). */
    private String source;
    private long bytes;
    private long firstNanos;

    private ChildFilters(ClientSession session, Service service, ClientInfo client, RouterSession router,
                         SessionSqlState sqlState, Host host) {
        this.session = session;
        this.host = host;
        this.router = router;
        this.sqlState = sqlState;
        this.alloc = session.clientChannel().alloc();
        for (Filter f : service.filters()) {
            chain.add(f.newSession(client, new Context()));
        }
        this.replyPackets = ReplyPackets.of(alloc, host::emit, session.clientCapabilities(), chain);
    }

    /**
     * The chain of {@code service} for a child session or branch whose commands go on to {@code router} (with the
     * session's {@code sqlState}), or null when the service has no filters.
     */
    static ChildFilters of(ClientSession session, Service service, ClientInfo client, RouterSession router,
                           SessionSqlState sqlState, Host host) {
        return service.filters().isEmpty() ? null : new ChildFilters(session, service, client, router, sqlState, host);
    }

    /**
     * The reply a filter's whole answer {@code reply} (renumbered from 1 here) completes for a command of kind
     * {@code command}, or null when it is not a complete reply; {@code reply} stays the caller's.
     */
    static Reply answerReply(ByteBuf reply, int command, long clientCapabilities) {
        io.gatehouse.protocol.frame.PacketSequence.renumber(reply, 1);
        Reply[] done = new Reply[1];
        io.gatehouse.protocol.reply.ReplyTracker t = new io.gatehouse.protocol.reply.ReplyTracker(
                clientCapabilities, (r, end) -> done[0] = r);
        t.expect(command);
        t.scan(reply);
        return done[0];
    }

    /** True while a filter holds commands back (tee's sync). */
    boolean holding() {
        return holds > 0;
    }

    /**
     * Takes one command from the parent (owned here) through the chain; it reaches the router through the host, now
     * or later, unless a filter answers it. {@code replied} is false for commands the server does not answer.
     */
    void dispatch(Command command, boolean replied) {
        for (FilterSession f : chain) {
            command.replace(f.rewriteQuery(command, alloc));
        }
        if (replied) {
            for (FilterSession f : chain) {
                CompletionStage<ByteBuf> later = f.answerLater(command, alloc);
                if (later != null) {
                    held = command;
                    later.whenComplete((buf, error) -> ChannelLoop.later(session.clientChannel(),
                            () -> deferredAnswer(command, error == null ? buf : null)));
                    return;
                }
            }
        }
        answerOrRoute(command, replied);
    }

    private void deferredAnswer(Command command, ByteBuf answer) {
        if (held != command || host.closed()) {
            if (answer != null) {
                answer.release();                        // the child closed meanwhile and freed the command
            }
            return;
        }
        held = null;
        if (answer != null) {
            command.packet().release();
            host.answered(answer);
            return;
        }
        answerOrRoute(command, true);
    }

    private void answerOrRoute(Command command, boolean replied) {
        for (FilterSession f : chain) {
            ByteBuf answer = f.answer(command, alloc);
            if (answer != null) {
                command.packet().release();
                host.answered(answer);
                return;
            }
        }
        long delay = 0;
        for (FilterSession f : chain) {
            command.attach(f.routeQuery(command));
            delay = Math.max(delay, f.delayNanos(command));
            if (!open()) {
                break;
            }
        }
        if (!open()) {                                   // a filter ended the session (throttlefilter)
            command.packet().release();
            return;
        }
        if (replied && !queued.isEmpty()) {              // a filter runs statements of its own first
            held = command;
            heldDelay = delay;
            nextInternal();
            return;
        }
        route(command, delay, replied);
    }

    private void route(Command command, long delay, boolean replied) {
        if (replied) {
            if (replyPackets != null) {
                replyPackets.begin(command.command());
            }
            source = null;
            bytes = 0;
            firstNanos = 0;
        }
        if (delay > 0 && replied) {
            held = command;
            ChannelLoop.schedule(session.clientChannel(), () -> {
                if (held == command && !host.closed()) {
                    held = null;
                    router.routeQuery(command);
                }
            }, delay, TimeUnit.NANOSECONDS);
            return;
        }
        router.routeQuery(command);
    }

    private void nextInternal() {
        Queued q = queued.poll();
        if (q == null) {
            Command c = held;
            held = null;
            route(c, heldDelay, true);
            return;
        }
        running = q.reply();
        internalClassifier.begin(Command.commandOf(q.packet()), session.clientCapabilities());
        router.routeQuery(new Command(q.packet(), sqlState));
    }

    /** True while the router answers a statement of a filter's own: its reply is not the parent's. */
    boolean internalRunning() {
        return running != null;
    }

    /** The router finished a filter's own statement: the filter hears of it, then the next one (or the command) goes. */
    void internalDone() {
        InternalReply r = running;
        running = null;
        internalClassifier.reset();
        r.done();
        if (open()) {
            nextInternal();
        }
    }

    /** Reply bytes from the child's router (owned here), from backend {@code from} (null: the router's own). */
    void reply(ByteBuf chunk, String from) {
        if (running != null) {
            internalReply(chunk);
            return;
        }
        if (from != null && source == null) {
            source = from;
            firstNanos = System.nanoTime();
        }
        bytes += chunk.readableBytes();
        if (replyPackets != null) {
            replyPackets.toClient(chunk);
        } else {
            host.emit(chunk);
        }
    }

    private void internalReply(ByteBuf chunk) {
        if (internalFramer == null) {
            internalFramer = new PacketAccumulator(alloc, Packets.MAX_PAYLOAD);
        }
        internalFramer.add(chunk);
        ByteBuf packet;
        // A packet's handler may end the child session, and close() drops the framer and the running statement.
        while (internalFramer != null && running != null && (packet = internalFramer.next()) != null) {
            try {
                ReplyPacketKind kind = internalClassifier.classify(packet);
                running.packet(packet, kind);
            } finally {
                packet.release();
            }
        }
    }

    /** The current command's reply is complete: the filters hear of it when it came from a backend. */
    void replied(Reply reply) {
        if (reply != null && source != null) {
            ReplyOrigin origin = new ReplyOrigin(source, bytes, firstNanos);
            for (FilterSession f : chain) {
                f.clientReply(reply, origin);
            }
        }
        source = null;
    }

    /** Every server-side state of the session was reset (COM_CHANGE_USER): the filters forget what they kept. */
    void sessionReset() {
        for (FilterSession f : chain) {
            f.sessionReset();
        }
    }

    /** The child ends: filter sessions and branches close, held commands and partial packets are freed. */
    void close() {
        for (FilterSession f : chain) {
            f.close();
        }
        for (BranchSession b : branches) {
            b.close();
        }
        branches.clear();
        if (held != null) {
            held.packet().release();
            held = null;
        }
        Queued q;
        while ((q = queued.poll()) != null) {
            q.packet().release();
        }
        if (replyPackets != null) {
            replyPackets.release();
        }
        if (internalFramer != null) {
            internalFramer.release();
            internalFramer = null;
        }
        running = null;
    }

    /**
     * Open while the child is and the client's session is not ending: not "routing", since a parent router may
     * send statements before the client's login completes (a schemarouter maps its shards then).
     */
    private boolean open() {
        return !host.closed() && !(host.endsWithClient() && session.isClosedOrClosing());
    }

    /** One filter's view of the child session: as a service's own session gives it, on the same worker. */
    private final class Context implements FilterSessionContext {
        private boolean holding;

        @Override
        public ByteBufAllocator alloc() {
            return alloc;
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            return ChannelLoop.schedule(session.clientChannel(), task, delay, unit);
        }

        @Override
        public boolean isOpen() {
            return open();
        }

        @Override
        public void closeSession(int code, String sqlState, String message) {
            if (open()) {
                host.closeSession(code, sqlState, message);
            }
        }

        @Override
        public Branch openBranch(String target, Branch.Listener listener) {
            BranchSession b = BranchSession.open(session, target, listener);
            branches.add(b);
            return b;
        }

        @Override
        public void holdCommands(boolean hold) {
            if (hold == holding || !open()) {
                return;
            }
            holding = hold;
            holds += hold ? 1 : -1;
            if (holds == 0) {
                host.resume();
            }
        }

        @Override
        public void runBefore(ByteBuf packet, InternalReply reply) {
            if (!open()) {
                packet.release();
                return;
            }
            queued.add(new Queued(packet, reply));
        }
    }
}
