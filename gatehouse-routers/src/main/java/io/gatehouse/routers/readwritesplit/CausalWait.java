package io.gatehouse.routers.readwritesplit;

import static io.gatehouse.protocol.Commands.COM_QUERY;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSessionContext;
import io.netty.buffer.ByteBuf;
import java.util.function.Supplier;

/**
 * The read held back while causal reads makes sure its replica has the session's own writes: the internal query
 * under way (the primary's GTID, then the replica's wait for it) and the read waiting for it, sent on when the
 * replica caught up, or to the primary when it did not. Per session, on its worker thread; owns the waiting read
 * until it sends it on.
 */
final class CausalWait {
    /** Where a read finally goes; takes ownership of the packet. */
    interface Sender {
        void toOne(ByteBuf packet, int cmd, Endpoint target, boolean retryable);
    }

    private final CausalReads causal;
    private final Supplier<Endpoint> primary;
    private final Sender sender;
    private RouterSessionContext ctx;
    /** The internal query under way for causal reads, and the read waiting for it. */
    private Endpoint internalTarget;
    private boolean fetchingGtid;
    private ByteBuf waitingRead;
    private int waitingCommand;
    private Endpoint waitingReplica;
    private PreparedStatements.Entry waitingEntry;

    CausalWait(CausalReads causal, Supplier<Endpoint> primary, Sender sender) {
        this.causal = causal;
        this.primary = primary;
        this.sender = sender;
    }

    void start(RouterSessionContext context) {
        this.ctx = context;
    }

    /** True while {@code e} runs an internal causal-reads query. */
    boolean isInternalTarget(Endpoint e) {
        return e == internalTarget;
    }

    /** Sends a read to {@code replica}, first making sure it has the session's own writes (causal reads). */
    void readOn(ByteBuf packet, int cmd, Endpoint replica, PreparedStatements.Entry entry) {
        Endpoint primary = this.primary.get();
        if (replica == null || replica == primary) {
            sender.toOne(PreparedStatements.withStatementId(packet, entry, primary), cmd, primary, false);
            return;
        }
        waitingEntry = entry;
        if (causal.needsGtid() && primary != null && primary.isReady()) {
            waitingRead = packet;
            waitingCommand = cmd;
            waitingReplica = replica;
            fetchingGtid = true;
            internalTarget = primary;
            primary.write(causal.gtidQuery(ctx.alloc()), COM_QUERY);
            return;
        }
        if (causal.needsWait(replica)) {
            waitingRead = packet;
            waitingCommand = cmd;
            waitingReplica = replica;
            fetchingGtid = false;
            internalTarget = replica;
            replica.write(causal.waitQuery(ctx.alloc()), COM_QUERY);
            return;
        }
        sender.toOne(packet, cmd, replica, cmd == COM_QUERY);
    }

    /** Bytes of the internal query's reply (owned by this call); {@code reply} is non-null when it completed. */
    void collect(ByteBuf buf, Reply reply) {
        causal.collect(ctx.alloc(), buf);
        if (reply != null) {
            internalDone(reply);
        }
    }

    /** An internal causal-reads query finished; carry on with the read it was for. */
    private void internalDone(Reply reply) {
        Endpoint replica = waitingReplica;
        internalTarget = null;
        if (fetchingGtid) {
            fetchingGtid = false;
            causal.gtidFetched(ctx.clientCapabilities());
            if (!replica.isClosed() && causal.needsWait(replica)) {
                internalTarget = replica;
                replica.write(causal.waitQuery(ctx.alloc()), COM_QUERY);
                return;
            }
        } else {
            causal.release();
            if (reply.isError()) {
                // The replica did not catch up in time: the read goes to the primary instead.
                replica = primary.get();
            } else {
                causal.caughtUp(replica);
            }
        }
        ByteBuf read = waitingRead;
        waitingRead = null;
        waitingReplica = null;
        Endpoint target = replica != null && replica.isReady() ? replica : primary.get();
        // A prepared statement has another id on the primary.
        sender.toOne(PreparedStatements.withStatementId(read, waitingEntry, target), waitingCommand, target,
                waitingCommand == COM_QUERY);
    }

    /** The replica a read waited for is gone: the read goes to the primary. */
    void readOnPrimaryInstead() {
        internalTarget = null;
        causal.release();
        Endpoint primary = this.primary.get();
        ByteBuf read = waitingRead;
        waitingRead = null;
        sender.toOne(PreparedStatements.withStatementId(read, waitingEntry, primary), waitingCommand, primary, false);
    }

    /** The session ends: releases the waiting read and the internal reply collected so far. */
    void close() {
        causal.release();
        if (waitingRead != null) {
            waitingRead.release();
            waitingRead = null;
        }
    }
}
