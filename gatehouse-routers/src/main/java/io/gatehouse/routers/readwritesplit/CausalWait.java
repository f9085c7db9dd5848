package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_QUERY;
import static io.gatehouse.protocol.Commands.COM_STMT_EXECUTE;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.function.Supplier;

/**
 * The internal queries of causal reads and what waits for them: a read held while the primary's GTID is fetched
 * and a replica waits for it (waiting modes) or is chosen by the position the monitor saw (fast modes, which send
 * the read to the primary when no replica has it); and the last piece of a write's reply, held while the write's
 * GTID is fetched for the service-wide modes. Per session, on its worker thread; owns the waiting read and the held
 * reply piece until it sends them on.
 */
final class CausalWait {
    /** Where a read finally goes; takes ownership of the packet. */
    interface Sender {
        void toOne(ByteBuf packet, int cmd, Endpoint target, boolean retryable);
    }

    private final CausalReads causal;
    private final Supplier<Endpoint> primary;
    private final List<Endpoint> replicas;
    private final Sender sender;
    private RouterSessionContext ctx;
    /** The internal query under way for causal reads, and the read waiting for it. */
    private Endpoint internalTarget;
    private boolean fetchingGtid;
    private ByteBuf waitingRead;
    private int waitingCommand;
    private Endpoint waitingReplica;
    private PreparedStatements.Entry waitingEntry;
    /** Set while the waiting read starts a read-only transaction: told where the transaction runs. */
    private java.util.function.Consumer<Endpoint> readOnlyStart;
    /** The write's last reply piece, held while its GTID is fetched, and what then finishes the write. */
    private ByteBuf heldReply;
    private Runnable afterWrite;

    /** {@code replicas} is the session's live list of ready replica connections (read only here). */
    CausalWait(CausalReads causal, Supplier<Endpoint> primary, List<Endpoint> replicas, Sender sender) {
        this.causal = causal;
        this.primary = primary;
        this.replicas = replicas;
        this.sender = sender;
    }

    void start(RouterSessionContext context) {
        this.ctx = context;
    }

    /** True while {@code e} runs an internal causal-reads query. */
    boolean isInternalTarget(Endpoint e) {
        return e == internalTarget;
    }

    /**
     * A write succeeded on the primary and the mode is service-wide: fetches its GTID first, then runs
     * {@code then} with the held last piece of its reply (owned by the callee). Returns false, holding nothing,
     * when the primary cannot be asked.
     */
    boolean fetchAfterWrite(ByteBuf lastPiece, Runnable then) {
        Endpoint p = primary.get();
        if (!causal.fetchesAfterWrite() || p == null || !p.isReady()) {
            return false;
        }
        heldReply = lastPiece;
        afterWrite = then;
        fetchingGtid = true;
        internalTarget = p;
        p.write(causal.gtidQuery(ctx.alloc()), COM_QUERY);
        return true;
    }

    /** Hands over the held reply piece to the one who finishes the write; the caller owns it. */
    ByteBuf takeHeldReply() {
        ByteBuf b = heldReply;
        heldReply = null;
        return b;
    }

    /** Sends a read to {@code replica}, first making sure it has the writes the read must see (causal reads). */
    void readOn(ByteBuf packet, int cmd, Endpoint replica, PreparedStatements.Entry entry) {
        Endpoint primary = this.primary.get();
        if (replica == null || replica == primary) {
            started(primary);
            sender.toOne(PreparedStatements.withStatementId(packet, entry, primary), cmd, primary, false);
            return;
        }
        waitingEntry = entry;
        if (causal.needsGtid() && primary != null && primary.isReady()) {
            hold(packet, cmd, replica);
            fetchingGtid = true;
            internalTarget = primary;
            primary.write(causal.gtidQuery(ctx.alloc()), COM_QUERY);
            return;
        }
        hold(packet, cmd, replica);
        proceed(replica);
    }

    /**
     * {@code START TRANSACTION READ ONLY} on {@code replica}: the transaction starts once the replica has the writes
     * it must see (or, fast modes, on a replica that has them, else on the primary); {@code started} learns where.
     * A replica that does not catch up in time fails the statement with MaxScale's error 1792, since the
     * transaction was meant for a replica and cannot move. Takes ownership of {@code packet}.
     */
    void readOnlyTransactionOn(ByteBuf packet, Endpoint replica, java.util.function.Consumer<Endpoint> started) {
        readOnlyStart = started;
        readOn(packet, COM_QUERY, replica, null);
    }

    private void hold(ByteBuf packet, int cmd, Endpoint replica) {
        waitingRead = packet;
        waitingCommand = cmd;
        waitingReplica = replica;
    }

    /** The position is known: wait on the replica, pick one that has it (fast), or send the read on. */
    private void proceed(Endpoint replica) {
        if (causal.mode().fast()) {
            send(fastChoice(replica));
        } else if (!replica.isClosed() && causal.needsWait(replica)) {
            fetchingGtid = false;
            internalTarget = replica;
            replica.write(causal.waitQuery(ctx.alloc()), COM_QUERY);
        } else {
            send(replica);
        }
    }

    /** The chosen replica if the monitor saw it at the position, else another ready one that was, else the primary. */
    private Endpoint fastChoice(Endpoint chosen) {
        if (chosen.isReady() && causal.reached(chosen)) {
            return chosen;
        }
        for (Endpoint r : replicas) {
            if (r != chosen && r.isReady() && causal.reached(r)
                    && (waitingEntry == null || waitingEntry.ids.containsKey(r))) {
                return r;
            }
        }
        return primary.get();
    }

    /** Bytes of the internal query's reply (owned by this call); {@code reply} is non-null when it completed. */
    void collect(ByteBuf buf, Reply reply) {
        causal.collect(ctx.alloc(), buf);
        if (reply != null) {
            internalDone(reply);
        }
    }

    /** An internal causal-reads query finished; carry on with the read or the write it was for. */
    private void internalDone(Reply reply) {
        Endpoint replica = waitingReplica;
        internalTarget = null;
        if (fetchingGtid) {
            fetchingGtid = false;
            causal.gtidFetched(ctx.clientCapabilities());
            if (afterWrite != null) {
                Runnable then = afterWrite;
                afterWrite = null;
                then.run();
                return;
            }
            proceed(replica);
            return;
        }
        causal.release();
        if (reply.isError() && readOnlyStart != null) {
            readOnlyStart = null;
            ByteBuf read = waitingRead;
            waitingRead = null;
            waitingReplica = null;
            read.release();
            ctx.clientError(1, 1792, "25006",
                    "Causal read timed out while in a read-only transaction, cannot retry command.");
            ctx.commandDone();
        } else if (reply.isError()) {
            // The replica did not catch up in time: the read goes to the primary instead.
            send(primary.get());
        } else {
            causal.caughtUp(replica);
            send(replica);
        }
    }

    /** Sends the waiting read to {@code target}, or to the primary when {@code target} is gone. */
    private void send(Endpoint target) {
        Endpoint chosen = waitingReplica;
        ByteBuf read = waitingRead;
        waitingRead = null;
        waitingReplica = null;
        if (target == null || !target.isReady()) {
            target = primary.get();
        }
        if (waitingEntry != null) {
            if (target != chosen && waitingCommand == COM_STMT_EXECUTE) {
                // Parameter types the client sent earlier may be unknown to this connection: they go in again.
                read = PreparedStatements.withTypes(read, waitingEntry, target, ctx.alloc());
            }
            waitingEntry.lastExecuted = target;
        }
        boolean retryable = waitingCommand == COM_QUERY && target != primary.get() && readOnlyStart == null;
        started(target);
        // A prepared statement has another id on each connection.
        sender.toOne(PreparedStatements.withStatementId(read, waitingEntry, target), waitingCommand, target,
                retryable);
    }

    private void started(Endpoint target) {
        if (readOnlyStart != null) {
            java.util.function.Consumer<Endpoint> s = readOnlyStart;
            readOnlyStart = null;
            s.accept(target);
        }
    }

    /** The replica a read waited for is gone: the read goes to the primary. */
    void readOnPrimaryInstead() {
        internalTarget = null;
        causal.release();
        send(primary.get());
    }

    /** The session ends: releases the waiting read, the held reply and the internal reply collected so far. */
    void close() {
        causal.release();
        if (waitingRead != null) {
            waitingRead.release();
            waitingRead = null;
        }
        if (heldReply != null) {
            heldReply.release();
            heldReply = null;
        }
        afterWrite = null;
        readOnlyStart = null;
    }
}
