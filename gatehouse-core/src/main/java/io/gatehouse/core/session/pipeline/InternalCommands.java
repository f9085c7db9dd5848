package io.gatehouse.core.session.pipeline;

import io.gatehouse.api.command.Command;
import io.gatehouse.api.filter.InternalReply;
import io.gatehouse.api.filter.ReplyPacketKind;
import io.gatehouse.protocol.Packets;
import io.gatehouse.protocol.frame.PacketAccumulator;
import io.gatehouse.protocol.reply.ReplyPacketClassifier;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * Statements filters run themselves before a client command ({@code FilterSessionContext.runBefore}, the
 * optimistictrx filter's rollback and replay): they go to the router one at a time, like client commands, while the
 * client's command waits here; what the router would send the client for them is cut into packets for the filter
 * that asked, and never reaches the client. When the last one is answered the client's command is routed. Confined
 * to the session's worker thread; it owns the queued packets, the waiting command and the partial reply packet it
 * holds, and frees them all in {@link #release}.
 */
final class InternalCommands {
    private record Queued(ByteBuf packet, InternalReply reply) {
    }

    private final SessionPipeline pipeline;
    private final ArrayDeque<Queued> queued = new ArrayDeque<>(2);
    private final ReplyPacketClassifier classifier = new ReplyPacketClassifier();
    private PacketAccumulator framer;
    /** The statement whose reply is under way, or null when none runs. */
    private InternalReply running;
    /** The client's command that waits for the queued statements, with the delay its filters asked for. */
    private Command waiting;
    private long waitingDelay;

    InternalCommands(SessionPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Queues a filter's statement (owned here) for before the current client command. */
    void add(ByteBuf packet, InternalReply reply) {
        queued.add(new Queued(packet, reply));
    }

    /** True when statements wait to run before the command being dispatched. */
    boolean pending() {
        return !queued.isEmpty() && waiting == null && running == null;
    }

    /** True while the router answers one of these statements: its bytes are not the client's. */
    boolean running() {
        return running != null;
    }

    /** Holds the client's {@code command} (owned here) back and runs the queued statements first. */
    void start(Command command, long delay) {
        waiting = command;
        waitingDelay = delay;
        next();
    }

    /** Routes the next queued statement, or, when none is left, the client's command. */
    private void next() {
        Queued q = queued.poll();
        if (q == null) {
            Command c = waiting;
            waiting = null;
            pipeline.routeClientCommand(c, waitingDelay);
            return;
        }
        running = q.reply();
        classifier.begin(Command.commandOf(q.packet()), pipeline.session().clientCapabilities());
        pipeline.routeInternal(q.packet());
    }

    /** Reply bytes for the running statement (owned here), in any cut. */
    void reply(ByteBuf chunk) {
        if (framer == null) {
            framer = new PacketAccumulator(pipeline.alloc(), Packets.MAX_PAYLOAD);
        }
        framer.add(chunk);
        ByteBuf packet;
        while ((packet = framer.next()) != null) {
            try {
                ReplyPacketKind kind = classifier.classify(packet);
                running.packet(packet, kind);
            } finally {
                packet.release();
            }
        }
    }

    /** The router finished the running statement: the filter hears of it, then the next one goes. */
    void done() {
        InternalReply r = running;
        if (r == null) {
            return;                                  // released with the session meanwhile
        }
        running = null;
        classifier.reset();
        r.done();
        if (pipeline.session().isRouting()) {
            next();
        }
    }

    /** The session ends: queued statements and the waiting command are freed unrouted. */
    void release() {
        Queued q;
        while ((q = queued.poll()) != null) {
            q.packet().release();
        }
        if (waiting != null) {
            waiting.packet().release();
            waiting = null;
        }
        if (framer != null) {
            framer.release();
            framer = null;
        }
        running = null;
    }
}
